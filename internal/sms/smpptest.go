package sms

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSubmit is one submit_sm as the test SMSC decoded it.
type TestSubmit struct {
	From, To   string // To gets a leading "+" back when its TON is international
	DataCoding byte
	ESMClass   byte
	// Ref, Total and Seq come from the concatenation UDH; all 0 for a single part.
	Ref, Total, Seq int
	Text            string // this part's text
	Status          Status // what the SMSC answered
	ID              string // message id given, "" when refused
}

// TestMessage is a complete message reassembled from its accepted parts.
type TestMessage struct {
	From, To, Text string
	Parts          int
	DataCoding     byte
	IDs            []string
}

// SMSCOption configures StartTestSMSC.
type SMSCOption func(*TestSMSC)

// WithSMSCCredentials sets the accepted system id and password
// (default "portal" / "secret").
func WithSMSCCredentials(systemID, password string) SMSCOption {
	return func(s *TestSMSC) { s.SystemID, s.Password = systemID, password }
}

// TestSMSC is an in-process SMPP 3.4 server for tests: it accepts
// bind_transmitter, submit_sm, enquire_link and unbind, records what it
// receives and can be told to refuse or stall. It is closed by t.Cleanup.
type TestSMSC struct {
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
	submits      []TestSubmit
	messages     []TestMessage
	partial      map[string]map[int]TestSubmit
	failN        int
	failStatus   Status
	stall        bool
	binds        int
	unbinds      int
	enquireLinks int
	nextID       int
}

// StartTestSMSC starts a test SMSC on 127.0.0.1:0.
func StartTestSMSC(t testing.TB, opts ...SMSCOption) *TestSMSC {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("sms.StartTestSMSC: %v", err)
	}
	s := &TestSMSC{
		Addr: ln.Addr().String(), SystemID: "portal", Password: "secret",
		ln: ln, conns: map[net.Conn]struct{}{}, partial: map[string]map[int]TestSubmit{},
	}
	for _, o := range opts {
		o(s)
	}
	if s.tlsOn {
		serverTLS, clientTLS, err := selfSignedTLS()
		if err != nil {
			_ = ln.Close()
			t.Fatalf("sms.StartTestSMSC: %v", err)
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
func (s *TestSMSC) Config() SMPPConfig {
	host, port, _ := net.SplitHostPort(s.Addr)
	p, _ := strconv.Atoi(port)
	return SMPPConfig{
		Host: host, Port: p, SystemID: s.SystemID, Password: s.Password, Timeout: 2 * time.Second,
		TLS: s.tlsOn, TLSConfig: s.clientTLS,
	}
}

// FailNext makes the next n submit_sm PDUs fail with status.
func (s *TestSMSC) FailNext(n int, status Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN, s.failStatus = n, status
}

// Stall makes the server read requests without ever answering them, until
// called again with false. Requests read while stalled are dropped.
func (s *TestSMSC) Stall(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stall = on
}

// DropConnections closes every open client connection without unbinding,
// like an SMSC restart.
func (s *TestSMSC) DropConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		_ = c.Close()
	}
}

// Submits returns every submit_sm received, accepted or refused.
func (s *TestSMSC) Submits() []TestSubmit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]TestSubmit(nil), s.submits...)
}

// Messages returns the messages whose parts have all been accepted.
func (s *TestSMSC) Messages() []TestMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]TestMessage(nil), s.messages...)
}

// Counts returns how many successful binds, unbinds and enquire_links the server saw.
func (s *TestSMSC) Counts() (binds, unbinds, enquireLinks int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.binds, s.unbinds, s.enquireLinks
}

// OpenConns returns how many client connections are open.
func (s *TestSMSC) OpenConns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

func (s *TestSMSC) close() {
	_ = s.ln.Close()
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		_ = c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *TestSMSC) acceptLoop() {
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
func (s *TestSMSC) serve(conn net.Conn) {
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
				resp.Status = uint32(StatusInvalidBindState)
				break
			}
			st, id := s.submit(p.Body)
			resp.Status = uint32(st)
			if st == StatusOK {
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
			resp = &pdu{ID: cmdGenericNack, Status: uint32(StatusInvalidCmdID), Seq: p.Seq}
		}
		if _, err := conn.Write(resp.marshal()); err != nil {
			return
		}
	}
}

// bind checks credentials; a wrong pair gets ESME_RBINDFAIL.
func (s *TestSMSC) bind(body []byte) (uint32, []byte) {
	r := bodyReader{b: body}
	id, pw := r.cstr(16), r.cstr(9)
	if r.err != nil || id != s.SystemID || pw != s.Password {
		return uint32(StatusBindFailed), nil
	}
	s.mu.Lock()
	s.binds++
	s.mu.Unlock()
	return 0, []byte("TestSMSC\x00")
}

// submit records one submit_sm and decides its answer.
func (s *TestSMSC) submit(body []byte) (Status, string) {
	sub, err := decodeSubmit(body)
	if err != nil {
		return StatusInvalidMsgLen, ""
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
	return StatusOK, sub.ID
}

// reassemble adds an accepted part and completes its message when all
// parts are in. Callers hold s.mu.
func (s *TestSMSC) reassemble(sub TestSubmit) {
	if sub.Total <= 1 {
		s.messages = append(s.messages, TestMessage{
			From: sub.From, To: sub.To, Text: sub.Text, Parts: 1, DataCoding: sub.DataCoding, IDs: []string{sub.ID},
		})
		return
	}
	key := sub.To + "|" + strconv.Itoa(sub.Ref)
	parts := s.partial[key]
	if parts == nil {
		parts = map[int]TestSubmit{}
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
	m := TestMessage{From: sub.From, To: sub.To, Parts: len(seqs), DataCoding: sub.DataCoding}
	var text strings.Builder
	for _, n := range seqs {
		text.WriteString(parts[n].Text)
		m.IDs = append(m.IDs, parts[n].ID)
	}
	m.Text = text.String()
	s.messages = append(s.messages, m)
}

// decodeSubmit parses a submit_sm body, including a concatenation UDH.
// data_coding 8 decodes as UCS-2, anything else as unpacked GSM-7.
func decodeSubmit(body []byte) (TestSubmit, error) {
	var sub TestSubmit
	r := bodyReader{b: body}
	r.cstr(6) // service_type
	r.u8()
	r.u8()
	sub.From = r.cstr(21)
	dton := r.u8()
	r.u8()
	sub.To = r.cstr(21)
	if dton == tonInternational {
		sub.To = "+" + sub.To
	}
	sub.ESMClass = r.u8()
	r.u8()     // protocol_id
	r.u8()     // priority_flag
	r.cstr(17) // schedule_delivery_time
	r.cstr(17) // validity_period
	r.u8()     // registered_delivery
	r.u8()     // replace_if_present_flag
	sub.DataCoding = r.u8()
	r.u8() // sm_default_msg_id
	sm := r.bytes(int(r.u8()))
	if r.err != nil {
		return sub, r.err
	}
	if sub.ESMClass&esmUDHI != 0 {
		if len(sm) < 1 || int(sm[0])+1 > len(sm) {
			return sub, errors.New("smpp: UDH longer than short_message")
		}
		udh := sm[1 : 1+int(sm[0])]
		sm = sm[1+int(sm[0]):]
		for len(udh) >= 2 {
			iei, l := udh[0], int(udh[1])
			if 2+l > len(udh) {
				return sub, errors.New("smpp: truncated UDH element")
			}
			if iei == 0x00 && l == 3 {
				sub.Ref, sub.Total, sub.Seq = int(udh[2]), int(udh[3]), int(udh[4])
			}
			udh = udh[2+l:]
		}
		if sub.Total > 1 && (sub.Seq < 1 || sub.Seq > sub.Total) {
			return sub, errors.New("smpp: concatenation sequence out of range")
		}
	}
	sub.Text = decodePart(sub.DataCoding, sm)
	return sub, nil
}
