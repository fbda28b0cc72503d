// Package smpptest runs an in-process SMPP 3.4 server (SMSC) for tests of the
// SMPP transport and of the modules that send SMS through it.
//
// It decodes what it receives with its own code, written from the SMPP 3.4 and
// GSM 03.38 specifications rather than shared with package sms: an encoder bug
// that a shared decoder would undo (a wrong alphabet entry, a swapped header
// field) shows up as a wrong message here. It lives apart from package sms so
// that package testing is not linked into the portal binary.
package smpptest

import (
	"crypto/tls"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/sms"
)

// Submit is one submit_sm as the test SMSC decoded it.
type Submit struct {
	From, To   string // To gets a leading "+" back when its TON is international
	DataCoding byte
	ESMClass   byte
	// Ref, Total and Seq come from the concatenation UDH; all 0 for a single part.
	Ref, Total, Seq int
	Text            string     // this part's text
	Status          sms.Status // what the SMSC answered
	ID              string     // message id given, "" when refused
}

// Message is a complete message reassembled from its accepted parts.
type Message struct {
	From, To, Text string
	Parts          int
	DataCoding     byte
	IDs            []string
}

// Option configures Start.
type Option func(*SMSC)

// WithCredentials sets the accepted system id and password
// (default "portal" / "secret").
func WithCredentials(systemID, password string) Option {
	return func(s *SMSC) { s.SystemID, s.Password = systemID, password }
}

// SMSC is an in-process SMPP 3.4 server for tests: it accepts
// bind_transmitter, submit_sm, enquire_link and unbind, records what it
// receives and can be told to refuse or stall. It is closed by t.Cleanup.
type SMSC struct {
	// Addr is the listening host:port on 127.0.0.1.
	Addr               string
	SystemID, Password string

	ln        net.Listener
	wg        sync.WaitGroup
	tlsOn     bool
	clientTLS *tls.Config // trusts the server's certificate when tlsOn

	mu           sync.Mutex
	closed       bool
	conns        map[net.Conn]struct{}
	submits      []Submit
	messages     []Message
	partial      map[string]map[int]Submit
	failN        int
	failStatus   sms.Status
	stall        bool
	binds        int
	unbinds      int
	enquireLinks int
	nextID       int
}

// Start starts a test SMSC on 127.0.0.1:0.
func Start(t testing.TB, opts ...Option) *SMSC {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smpptest.Start: %v", err)
	}
	s := &SMSC{
		Addr: ln.Addr().String(), SystemID: "portal", Password: "secret",
		ln: ln, conns: map[net.Conn]struct{}{}, partial: map[string]map[int]Submit{},
	}
	for _, o := range opts {
		o(s)
	}
	if s.tlsOn {
		serverTLS, clientTLS, err := selfSignedTLS()
		if err != nil {
			_ = ln.Close()
			t.Fatalf("smpptest.Start: %v", err)
		}
		s.ln, s.clientTLS = tls.NewListener(ln, serverTLS), clientTLS
	}
	s.wg.Add(1)
	go s.acceptLoop()
	t.Cleanup(s.close)
	return s
}

// Config returns a client config bound to this server with its credentials
// and a short timeout suited to tests.
func (s *SMSC) Config() sms.SMPPConfig {
	host, port, _ := net.SplitHostPort(s.Addr)
	p, _ := strconv.Atoi(port)
	return sms.SMPPConfig{
		Host: host, Port: p, SystemID: s.SystemID, Password: s.Password, Timeout: 2 * time.Second,
		TLS: s.tlsOn, TLSConfig: s.clientTLS,
	}
}

// FailNext makes the next n submit_sm PDUs fail with status.
func (s *SMSC) FailNext(n int, status sms.Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN, s.failStatus = n, status
}

// Stall makes the server read requests without ever answering them, until
// called again with false. Requests read while stalled are dropped.
func (s *SMSC) Stall(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stall = on
}

// DropConnections closes every open client connection without unbinding,
// like an SMSC restart.
func (s *SMSC) DropConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		_ = c.Close()
	}
}

// Submits returns every submit_sm received, accepted or refused.
func (s *SMSC) Submits() []Submit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Submit(nil), s.submits...)
}

// Messages returns the messages whose parts have all been accepted.
func (s *SMSC) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Counts returns how many successful binds, unbinds and enquire_links the server saw.
func (s *SMSC) Counts() (binds, unbinds, enquireLinks int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.binds, s.unbinds, s.enquireLinks
}

// OpenConns returns how many client connections are open.
func (s *SMSC) OpenConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

func (s *SMSC) close() {
	_ = s.ln.Close()
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *SMSC) acceptLoop() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = conn.Close()
			return
		}
		s.conns[conn] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serve(conn)
	}
}

// serve handles one client connection until it closes or unbinds.
func (s *SMSC) serve(conn net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, conn)
		s.mu.Unlock()
		_ = conn.Close()
	}()
	bound := false
	for {
		p, err := readPDU(conn)
		if err != nil {
			return
		}
		if p.ID&respBit != 0 {
			continue // answers to our (non-existent) requests
		}
		s.mu.Lock()
		stalled := s.stall
		s.mu.Unlock()
		if stalled {
			continue
		}
		resp := &pdu{ID: p.ID | respBit, Seq: p.Seq}
		switch p.ID {
		case cmdBindTransmitter:
			resp.Status, resp.Body = s.bind(p.Body)
			bound = resp.Status == 0
		case cmdSubmitSM:
			if !bound {
				resp.Status = uint32(sms.StatusInvalidBindState)
				break
			}
			st, id := s.submit(p.Body)
			resp.Status = uint32(st)
			if st == sms.StatusOK {
				resp.Body = append([]byte(id), 0)
			}
		case cmdEnquireLink:
			s.mu.Lock()
			s.enquireLinks++
			s.mu.Unlock()
		case cmdUnbind:
			s.mu.Lock()
			s.unbinds++
			s.mu.Unlock()
			_, _ = conn.Write(resp.marshal())
			return
		default:
			resp = &pdu{ID: cmdGenericNack, Status: uint32(sms.StatusInvalidCmdID), Seq: p.Seq}
		}
		if _, err := conn.Write(resp.marshal()); err != nil {
			return
		}
	}
}

// bind checks credentials; a wrong pair gets ESME_RBINDFAIL.
func (s *SMSC) bind(body []byte) (uint32, []byte) {
	r := bodyReader{b: body}
	id, pw := r.cstr(16), r.cstr(9)
	if r.err != nil || id != s.SystemID || pw != s.Password {
		return uint32(sms.StatusBindFailed), nil
	}
	s.mu.Lock()
	s.binds++
	s.mu.Unlock()
	return 0, []byte("SMSC\x00")
}

// submit records one submit_sm and decides its answer.
func (s *SMSC) submit(body []byte) (sms.Status, string) {
	sub, err := DecodeSubmit(body)
	if err != nil {
		return sms.StatusInvalidMsgLen, ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failN > 0 {
		s.failN--
		sub.Status = s.failStatus
		s.submits = append(s.submits, sub)
		return sub.Status, ""
	}
	s.nextID++
	sub.ID = fmt.Sprintf("msg-%d", s.nextID)
	s.submits = append(s.submits, sub)
	s.reassemble(sub)
	return sms.StatusOK, sub.ID
}

// reassemble adds an accepted part and completes its message when all
// parts are in. Callers hold s.mu.
func (s *SMSC) reassemble(sub Submit) {
	if sub.Total <= 1 {
		s.messages = append(s.messages, Message{
			From: sub.From, To: sub.To, Text: sub.Text, Parts: 1, DataCoding: sub.DataCoding, IDs: []string{sub.ID},
		})
		return
	}
	key := sub.To + "|" + strconv.Itoa(sub.Ref)
	parts := s.partial[key]
	if parts == nil {
		parts = map[int]Submit{}
		s.partial[key] = parts
	}
	parts[sub.Seq] = sub
	if len(parts) < sub.Total {
		return
	}
	delete(s.partial, key)
	seqs := make([]int, 0, len(parts))
	for n := range parts {
		seqs = append(seqs, n)
	}
	sort.Ints(seqs)
	m := Message{From: sub.From, To: sub.To, Parts: len(seqs), DataCoding: sub.DataCoding}
	var text strings.Builder
	for _, n := range seqs {
		text.WriteString(parts[n].Text)
		m.IDs = append(m.IDs, parts[n].ID)
	}
	m.Text = text.String()
	s.messages = append(s.messages, m)
}
