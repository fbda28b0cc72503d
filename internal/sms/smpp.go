package sms

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrBindFailed is wrapped in errors from connecting when the SMSC refuses
// bind_transmitter (bad system id or password). Such errors are temporary,
// since the message is fine and retries succeed once an admin fixes the
// account; a worker should surface errors.Is(err, ErrBindFailed) loudly.
var ErrBindFailed = errors.New("smpp: bind refused")

// ErrClosed is returned by Send after Close.
var ErrClosed = errors.New("smpp: transport closed")

// SMPPConfig describes an SMSC account for an SMPP 3.4 transmitter bind.
type SMPPConfig struct {
	Host string
	Port int
	// SystemID (max 15 chars) and Password (max 8) identify the account.
	SystemID, Password string
	// SystemType (max 12) is often empty; some SMSCs require a value.
	SystemType string
	// SourceAddr is the originator: "+420…", a short code or an
	// alphanumeric name of up to 11 GSM characters.
	SourceAddr string
	// TLS wraps the connection in TLS (off by default, as most SMSCs use
	// plain TCP on 2775); TLSConfig overrides the defaults when set.
	TLS       bool
	TLSConfig *tls.Config
	// Timeout bounds dialing, binding and each response when ctx has no
	// deadline of its own. Default 10 s.
	Timeout time.Duration
	// EnquireLink is the keep-alive interval. Default 30 s; negative disables.
	EnquireLink time.Duration
}

// validate checks field lengths against the SMPP 3.4 C-octet maxima.
func (c *SMPPConfig) validate() error {
	var errs []error
	if c.Host == "" {
		errs = append(errs, errors.New("host is required"))
	}
	if c.Port < 1 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("port %d out of range", c.Port))
	}
	if len(c.SystemID) > 15 {
		errs = append(errs, errors.New("system id longer than 15 characters"))
	}
	if len(c.Password) > 8 {
		errs = append(errs, errors.New("password longer than 8 characters"))
	}
	if len(c.SystemType) > 12 {
		errs = append(errs, errors.New("system type longer than 12 characters"))
	}
	if _, _, _, err := sourceAddr(c.SourceAddr); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid SMPP config: %w", errors.Join(errs...))
	}
	return nil
}

// SMPP is an SMPP 3.4 transmitter. It binds lazily on the first Send,
// keeps the link alive with enquire_link, reconnects on demand after the
// link drops, and unbinds on Close. It is safe for concurrent use.
type SMPP struct {
	cfg    SMPPConfig
	cfgErr error         // from validate; reported by every Send
	ref    atomic.Uint32 // concatenation reference, wraps at 256

	mu     sync.Mutex // guards sess and closed; held while (re)binding
	sess   *session
	closed bool
}

// NewSMPP returns a transport for cfg. It does not connect; configuration
// errors (field lengths per SMPP 3.4) surface, as temporary errors, from Send.
func NewSMPP(cfg SMPPConfig) *SMPP {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.EnquireLink == 0 {
		cfg.EnquireLink = 30 * time.Second
	}
	return &SMPP{cfg: cfg, cfgErr: cfg.validate()}
}

// Send implements Sender. Long texts go out as concatenated parts and the
// returned id joins the SMSC's ids of all parts with commas. A refused part
// stops the send; a retry then resends every part under a new reference.
func (c *SMPP) Send(ctx context.Context, m Message) (string, error) {
	const op = "smpp submit_sm"
	if c.cfgErr != nil {
		// Temporary: the message is fine; it can go once an admin fixes the settings.
		return "", temporary("smpp config", 0, c.cfgErr)
	}
	if err := checkLength(op, m.Text); err != nil {
		return "", err
	}
	bodies, err := submitBodies(c.cfg.SourceAddr, m, byte(c.ref.Add(1)))
	if err != nil {
		return "", permanent(op, 0, err)
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.cfg.Timeout)
		defer cancel()
	}
	ids := make([]string, 0, len(bodies))
	for i := 0; i < len(bodies); i++ {
		sess, fresh, err := c.session(ctx)
		if err != nil {
			return "", err
		}
		resp, err := sess.call(ctx, cmdSubmitSM, bodies[i])
		if err != nil {
			if ctx.Err() != nil {
				// A stalled SMSC leaves the link in an unknown state; start over next time.
				sess.close(errSessionClosed)
				return "", temporary(op, 0, err)
			}
			if i == 0 && !fresh {
				// The idle link died unnoticed (SMSC restart, NAT timeout): nothing
				// was accepted yet, so retrying once on a new bind is safe.
				i--
				continue
			}
			return "", temporary(op, 0, err)
		}
		if resp.ID == cmdGenericNack {
			return "", permanent(op, int(resp.Status), fmt.Errorf("SMSC rejected the PDU: %s", Status(resp.Status)))
		}
		if st := Status(resp.Status); st != StatusOK {
			err := fmt.Errorf("SMSC refused part %d/%d: %s", i+1, len(bodies), st)
			return "", &Error{Op: op, Temporary: st.Temporary(), Code: int(st), Err: err}
		}
		r := bodyReader{b: resp.Body}
		ids = append(ids, r.cstr(65))
	}
	return strings.Join(ids, ","), nil
}

// session returns the bound session, binding a new one when there is none
// or the last one died. fresh reports a bind made by this call.
func (c *SMPP) session(ctx context.Context) (s *session, fresh bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, false, temporary("smpp", 0, ErrClosed)
	}
	if c.sess != nil && !c.sess.dead() {
		return c.sess, false, nil
	}
	c.sess = nil
	s, err = c.bind(ctx)
	if err != nil {
		return nil, false, err
	}
	c.sess = s
	return s, true, nil
}

// bind dials the SMSC and performs bind_transmitter. Every failure here is
// temporary: it concerns the link or account, never the message.
func (c *SMPP) bind(ctx context.Context) (*session, error) {
	const op = "smpp bind_transmitter"
	addr := net.JoinHostPort(c.cfg.Host, strconv.Itoa(c.cfg.Port))
	d := net.Dialer{Timeout: c.cfg.Timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, temporary(op, 0, err)
	}
	if c.cfg.TLS {
		tc := c.cfg.TLSConfig.Clone()
		if tc == nil {
			tc = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		if tc.ServerName == "" {
			tc.ServerName = c.cfg.Host
		}
		tlsConn := tls.Client(conn, tc)
		if err := tlsConn.HandshakeContext(ctx); err != nil {
			_ = conn.Close()
			return nil, temporary(op, 0, err)
		}
		conn = tlsConn
	}
	s := newSession(conn)
	w := &bodyWriter{}
	w.cstr(c.cfg.SystemID).cstr(c.cfg.Password).cstr(c.cfg.SystemType)
	w.u8(0x34)             // interface_version 3.4
	w.u8(0).u8(0).cstr("") // addr_ton, addr_npi, address_range: unused by transmitters
	resp, err := s.call(ctx, cmdBindTransmitter, w.b)
	if err != nil {
		s.close(errSessionClosed)
		return nil, temporary(op, 0, err)
	}
	if resp.Status != 0 {
		s.close(errSessionClosed)
		// The system id is safe to show; the password is never part of the error.
		err := fmt.Errorf("%w for system id %q: %s", ErrBindFailed, c.cfg.SystemID, Status(resp.Status))
		return nil, temporary(op, int(resp.Status), err)
	}
	if c.cfg.EnquireLink > 0 {
		go s.keepAlive(c.cfg.EnquireLink, c.cfg.Timeout)
	}
	return s, nil
}

// Close unbinds (waiting briefly for unbind_resp) and closes the
// connection. Later Sends fail with ErrClosed.
func (c *SMPP) Close() error {
	c.mu.Lock()
	s := c.sess
	c.sess, c.closed = nil, true
	c.mu.Unlock()
	if s == nil || s.dead() {
		return nil
	}
	defer s.close(errSessionClosed)
	ctx, cancel := context.WithTimeout(context.Background(), min(c.cfg.Timeout, 2*time.Second))
	defer cancel()
	if _, err := s.call(ctx, cmdUnbind, nil); err != nil {
		return fmt.Errorf("smpp unbind: %w", err)
	}
	return nil
}
