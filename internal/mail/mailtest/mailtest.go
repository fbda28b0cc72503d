// Package mailtest runs a real SMTP server for tests of the mail worker and of the
// modules that send mail (login, helpdesk, requests):
//
//	srv := mailtest.Start(t)
//	w := mail.NewWorker(d, srv.Config, logger, time.Now)
//	... enqueue, w.RunOnce(ctx) ...
//	msgs := srv.WaitFor(t, 1, 5*time.Second)
//
// It lives apart from package mail so that the SMTP server library and package
// testing are not linked into the portal binary.
package mailtest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/ispportal/portal/internal/mail"
)

// Message is a mail received by Server.
type Message struct {
	Helo     string   // the name the client gave in HELO/EHLO
	From     string   // envelope sender (MAIL FROM)
	To       []string // envelope recipients (RCPT TO)
	AuthUser string   // the user that authenticated, if any
	Data     []byte   // the raw message as received
	Header   netmail.Header
	// Subject is decoded from RFC 2047 ("Nové heslo").
	Subject   string
	MessageID string
	// Text and HTML are the decoded text/plain and text/html parts.
	Text, HTML string
}

// Server is an SMTP server on 127.0.0.1 that records what it receives.
type Server struct {
	tb   testing.TB
	addr string

	mu       sync.Mutex
	srv      *smtp.Server
	ln       net.Listener
	msgs     []Message
	rejectN  int
	user     string
	password string
}

// Start starts a server on a free port of 127.0.0.1, stopped when the test ends.
// It accepts any mail without authentication until RequireAuth is called.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{tb: tb, addr: "127.0.0.1:0"}
	s.Start()
	tb.Cleanup(s.Stop)
	return s
}

// Addr returns "127.0.0.1:port".
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Port returns the port, which stays the same across Stop and Start.
func (s *Server) Port() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.port()
}

func (s *Server) port() int {
	_, p, _ := net.SplitHostPort(s.addr)
	n, _ := strconv.Atoi(p)
	return n
}

// Config returns an mail.SMTPConfig that delivers to this server without TLS, with the
// credentials of RequireAuth if it was called. Pass s.Config as NewWorker's cfg.
func (s *Server) Config() mail.SMTPConfig {
	s.mu.Lock()
	defer s.mu.Unlock()
	return mail.SMTPConfig{
		Host: "127.0.0.1", Port: s.port(), TLS: mail.TLSNone,
		User: s.user, Password: s.password,
		FromAddress: "portal@isp.example", FromName: "ISP Portal",
		Timeout: 5 * time.Second,
	}
}

// RequireAuth makes the server demand AUTH PLAIN with these credentials (allowed
// without TLS, for tests only).
func (s *Server) RequireAuth(user, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user, s.password = user, password
}

// RejectNext makes the server answer the next n messages with "451 try again later".
func (s *Server) RejectNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectN = n
}

// Messages returns a copy of the messages received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Clear forgets the messages received so far.
func (s *Server) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = nil
}

// WaitFor waits until at least n messages have arrived and returns them; the test fails
// if they do not arrive within timeout.
func (s *Server) WaitFor(tb testing.TB, n int, timeout time.Duration) []Message {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages()
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			tb.Fatalf("mailtest.Server: %d message(s) after %s, want %d", len(msgs), timeout, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// WaitMatch waits for a message whose text matches re and returns the first match,
// passing over any other mail (a reminder a worker sends meanwhile); the test fails
// if none arrives within timeout.
func (s *Server) WaitMatch(tb testing.TB, re *regexp.Regexp, timeout time.Duration) string {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages()
		for _, m := range msgs {
			if found := re.FindString(m.Text); found != "" {
				return found
			}
		}
		if time.Now().After(deadline) {
			var texts []string
			for _, m := range msgs {
				texts = append(texts, m.Text)
			}
			tb.Fatalf("mailtest.Server: no message matching %s after %s; got %d:\n%s", re, timeout, len(msgs),
				strings.Join(texts, "\n----\n"))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Stop closes the server and its connections: clients get "connection refused" until
// Start. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		// Close the listener ourselves too: Serve registers it with the server only
		// once its goroutine runs, which may be after this Close.
		ln.Close()
		srv.Close()
	}
}

// Start (re)starts a stopped server on the same port.
func (s *Server) Start() {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return
	}
	l, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.tb.Fatalf("mailtest.Server: listen %s: %v", s.addr, err)
	}
	s.addr = l.Addr().String()
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, helo: c.Hostname()}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv, s.ln = srv, l
	go srv.Serve(l)
}

// session is one SMTP connection.
type session struct {
	s    *Server
	helo string
	user string
	from string
	to   []string
}

func (ss *session) AuthMechanisms() []string {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, user, password string) error {
		ss.s.mu.Lock()
		defer ss.s.mu.Unlock()
		if user != ss.s.user || password != ss.s.password {
			return smtp.ErrAuthFailed
		}
		ss.user = user
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.s.mu.Lock()
	required := ss.s.user != ""
	ss.s.mu.Unlock()
	if required && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.rejectN > 0 {
		ss.s.rejectN--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	m := Message{Helo: ss.helo, From: ss.from, To: append([]string(nil), ss.to...), AuthUser: ss.user, Data: data}
	if err := m.parse(); err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Unparsable message: " + err.Error()}
	}
	ss.s.msgs = append(ss.s.msgs, m)
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

// parse fills the header fields and the decoded bodies from Data.
func (m *Message) parse() error {
	msg, err := netmail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return err
	}
	m.Header = msg.Header
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return err
	}
	m.MessageID = msg.Header.Get("Message-Id")
	return m.parsePart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
}

func (m *Message) parsePart(ctype, cte string, body io.Reader) error {
	if ctype == "" {
		ctype = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return err
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := m.parsePart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(cte) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body) // skips line breaks
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	switch mt {
	case "text/plain":
		if m.Text == "" {
			m.Text = strings.ReplaceAll(string(b), "\r\n", "\n")
		}
	case "text/html":
		if m.HTML == "" {
			m.HTML = strings.ReplaceAll(string(b), "\r\n", "\n")
		}
	}
	return nil
}
