package sms

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// errUnbound is the session's end when the SMSC sent unbind.
var errUnbound = errors.New("smpp: SMSC unbound the session")

// errSessionClosed is the session's end after our own Close or timeout.
var errSessionClosed = errors.New("smpp: session closed")

// session is one bound TCP connection. A single reader goroutine routes
// responses to waiting calls by sequence number, so calls may overlap and
// SMSC-initiated enquire_link is answered even while no Send is running.
type session struct {
	conn net.Conn
	wmu  sync.Mutex // serialises writes so PDUs never interleave

	mu      sync.Mutex
	seq     uint32
	pending map[uint32]chan *pdu

	done      chan struct{} // closed when the connection is unusable
	err       error         // why; written before done closes
	closeOnce sync.Once
}

func newSession(conn net.Conn) *session {
	s := &session{conn: conn, pending: map[uint32]chan *pdu{}, done: make(chan struct{})}
	go s.readLoop()
	return s
}

// dead reports whether the session can no longer be used.
func (s *session) dead() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// close ends the session once; err is reported to every waiting call.
func (s *session) close(err error) {
	s.closeOnce.Do(func() {
		s.err = err
		close(s.done)
		_ = s.conn.Close()
	})
}

// write sends p, failing at deadline (zero means none).
func (s *session) write(p *pdu, deadline time.Time) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_ = s.conn.SetWriteDeadline(deadline)
	_, err := s.conn.Write(p.marshal())
	return err
}

// call sends a request and waits for the response with the same sequence
// number, the end of the session, or ctx.
func (s *session) call(ctx context.Context, id uint32, body []byte) (*pdu, error) {
	ch := make(chan *pdu, 1)
	s.mu.Lock()
	if s.dead() {
		s.mu.Unlock()
		return nil, fmt.Errorf("connection lost: %w", s.err)
	}
	// Sequence numbers run 1..0x7FFFFFFF per the spec.
	s.seq = s.seq%0x7FFFFFFF + 1
	seq := s.seq
	s.pending[seq] = ch
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.pending, seq)
		s.mu.Unlock()
	}()

	deadline, _ := ctx.Deadline()
	if err := s.write(&pdu{ID: id, Seq: seq, Body: body}, deadline); err != nil {
		s.close(err)
		return nil, fmt.Errorf("connection lost: %w", err)
	}
	select {
	case p := <-ch:
		return p, nil
	case <-s.done:
		// The reader hands over a response before it can see the connection
		// close (an SMSC answers unbind and hangs up), so check for one first.
		select {
		case p := <-ch:
			return p, nil
		default:
		}
		return nil, fmt.Errorf("connection lost: %w", s.err)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// readLoop dispatches incoming PDUs until the connection fails.
func (s *session) readLoop() {
	for {
		p, err := readPDU(s.conn)
		if err != nil {
			s.close(err)
			return
		}
		if p.ID&respBit != 0 {
			s.mu.Lock()
			ch := s.pending[p.Seq]
			s.mu.Unlock()
			if ch != nil {
				select {
				case ch <- p:
				default: // duplicate response; the first one won
				}
			}
			continue
		}
		deadline := time.Now().Add(5 * time.Second)
		switch p.ID {
		case cmdEnquireLink:
			err = s.write(&pdu{ID: cmdEnquireLinkResp, Seq: p.Seq}, deadline)
		case cmdUnbind:
			_ = s.write(&pdu{ID: cmdUnbindResp, Seq: p.Seq}, deadline)
			s.close(errUnbound)
			return
		default:
			// A transmitter receives nothing else; nack it so the SMSC does not wait.
			err = s.write(&pdu{ID: cmdGenericNack, Status: uint32(StatusInvalidCmdID), Seq: p.Seq}, deadline)
		}
		if err != nil {
			s.close(err)
			return
		}
	}
}

// keepAlive sends enquire_link every interval and drops the session when
// one goes unanswered, so the next Send reconnects instead of hanging.
func (s *session) keepAlive(every, timeout time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		p, err := s.call(ctx, cmdEnquireLink, nil)
		cancel()
		if err == nil && p.Status != 0 {
			err = fmt.Errorf("enquire_link refused: %s", Status(p.Status))
		}
		if err != nil {
			s.close(fmt.Errorf("keep-alive: %w", err))
			return
		}
	}
}
