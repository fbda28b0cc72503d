package app

import (
	"io"
	"net"
	"sync"
	"time"
)

// Lingering close. The portal answers some requests before reading their body (413 for
// a body too large, 401 for an upload from an unknown sender) and then closes the
// connection while the client is still sending. Closing a socket with unread data
// makes the kernel answer with a reset, and a reset can destroy our answer in the
// client's receive buffer before the client has read it: the client then sees
// "connection reset" instead of the 413. Apache, nginx and Go's net/http avoid this
// by closing in two steps, and fasthttp does not, so the listener does it.
const (
	// lingerTime bounds how long a closing connection waits for the client to stop.
	lingerTime = 2 * time.Second
	// lingerBytes bounds what it reads (and drops) meanwhile.
	lingerBytes = 64 << 20
)

// Listen serves the app on ln until Shutdown, closing connections with a linger.
func (a *App) Listen(ln net.Listener) error {
	return a.Fiber.Listener(lingerListener{ln})
}

type lingerListener struct{ net.Listener }

func (l lingerListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok && err == nil {
		return &lingerConn{TCPConn: tc}, nil
	}
	return c, err
}

// lingerConn is a TCP connection whose Close first sends end-of-stream (the client
// reads our whole answer, then EOF), then, in the background, reads and drops what
// the client still sends until it closes too, for at most lingerTime and
// lingerBytes, and only then closes. Close itself returns at once: fasthttp closes
// idle connections one by one under a lock at shutdown. Nothing read is kept.
type lingerConn struct {
	*net.TCPConn
	once sync.Once
}

func (c *lingerConn) Close() error {
	var err error
	c.once.Do(func() {
		if err = c.CloseWrite(); err != nil {
			err = c.TCPConn.Close()
			return
		}
		go func() {
			if c.SetReadDeadline(time.Now().Add(lingerTime)) == nil {
				io.CopyN(io.Discard, c.TCPConn, lingerBytes)
			}
			c.TCPConn.Close()
		}()
	})
	return err
}
