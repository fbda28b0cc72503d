package sms_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/sms"
	"github.com/ispportal/portal/internal/sms/smpptest"
)

// newTestSMPP starts a test SMSC and a client bound to it, closed at cleanup.
func newTestSMPP(t *testing.T, mutate func(*sms.SMPPConfig)) (*smpptest.SMSC, *sms.SMPP) {
	t.Helper()
	smsc := smpptest.Start(t)
	cfg := smsc.Config()
	cfg.SourceAddr = "ISP"
	if mutate != nil {
		mutate(&cfg)
	}
	c := sms.NewSMPP(cfg)
	t.Cleanup(func() { _ = c.Close() })
	return smsc, c
}

func TestSMPPSendReassembled(t *testing.T) {
	r := strings.Repeat
	tests := []struct {
		name   string
		text   string
		coding byte
	}{
		{"single GSM with extension chars", "Hello {world} [1] €5 ~ ^ | \\ @£$", smpptest.CodingGSM7},
		{"single UCS-2 czech", "Příliš žluťoučký kůň úpěl ďábelské ódy", smpptest.CodingUCS2},
		{"single UCS-2 emoji", "Platba přijata 😀👍", smpptest.CodingUCS2},
		{"multi GSM", r("Invoice due {soon}. ", 20), smpptest.CodingGSM7},
		{"multi GSM escape on boundary", r("a", 152) + "€" + r("b", 152), smpptest.CodingGSM7},
		{"multi UCS-2", r("Dobrý den, ", 20), smpptest.CodingUCS2},
		{"multi UCS-2 emoji on boundary", r("a", 66) + "😀" + r("c", 66), smpptest.CodingUCS2},
		{"ten parts", r("x", 1530), smpptest.CodingGSM7},
	}
	smsc, c := newTestSMPP(t, nil)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := c.Send(context.Background(), sms.Message{To: testNumber, Text: tt.text})
			if err != nil {
				t.Fatal(err)
			}
			msgs := smsc.Messages()
			if len(msgs) != i+1 {
				t.Fatalf("SMSC has %d messages, want %d", len(msgs), i+1)
			}
			got := msgs[i]
			_, parts, _ := sms.Parts(tt.text)
			if got.Text != tt.text || got.Parts != parts || got.DataCoding != tt.coding || got.To != testNumber || got.From != "ISP" {
				t.Errorf("SMSC got %+v\nwant text %q in %d parts, coding %d", got, tt.text, parts, tt.coding)
			}
			if id != strings.Join(got.IDs, ",") {
				t.Errorf("id %q, SMSC ids %v", id, got.IDs)
			}
			subs := smsc.Submits()
			for _, s := range subs[len(subs)-parts:] {
				wantESM := byte(0)
				if parts > 1 {
					wantESM = smpptest.ESMClassUDHI
				}
				if s.ESMClass != wantESM || s.Total != map[bool]int{true: parts, false: 0}[parts > 1] {
					t.Errorf("part %+v: want esm_class 0x%02x, total %d", s, wantESM, parts)
				}
			}
		})
	}
	if binds, _, _ := smsc.Counts(); binds != 1 {
		t.Errorf("binds = %d, want the session reused", binds)
	}
}

func TestSMPPBind(t *testing.T) {
	tests := []struct {
		name     string
		id, pass string
		wantErr  bool
	}{
		{"correct credentials", "portal", "secret", false},
		{"wrong password", "portal", "badpw42", true},
		{"wrong system id", "intruder", "secret", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			smsc, c := newTestSMPP(t, func(c *sms.SMPPConfig) { c.SystemID, c.Password = tt.id, tt.pass })
			_, err := c.Send(context.Background(), sms.Message{To: testNumber, Text: "hi"})
			if !tt.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var se *sms.Error
			if !errors.Is(err, sms.ErrBindFailed) || !errors.As(err, &se) || sms.Status(se.Code) != sms.StatusBindFailed {
				t.Fatalf("got %v, want sms.ErrBindFailed with ESME_RBINDFAIL", err)
			}
			if !sms.IsTemporary(err) {
				t.Errorf("bind failure should be retryable once fixed: %v", err)
			}
			if strings.Contains(err.Error(), tt.pass) {
				t.Errorf("error leaks the password: %v", err)
			}
			if n := len(smsc.Submits()); n != 0 {
				t.Errorf("SMSC got %d submits without a bind", n)
			}
		})
	}
}

func TestSMPPStatuses(t *testing.T) {
	tests := []struct {
		status    sms.Status
		temporary bool
	}{
		{sms.StatusThrottled, true},
		{sms.StatusMsgQueueFull, true},
		{sms.StatusInvalidDestAddr, false},
		{sms.StatusSubmitFailed, false},
		{sms.StatusSystemError, false},
	}
	smsc, c := newTestSMPP(t, nil)
	for _, tt := range tests {
		t.Run(tt.status.String(), func(t *testing.T) {
			smsc.FailNext(1, tt.status)
			_, err := c.Send(context.Background(), sms.Message{To: testNumber, Text: "hi"})
			var se *sms.Error
			if !errors.As(err, &se) || sms.Status(se.Code) != tt.status {
				t.Fatalf("got %v, want *sms.Error with %s", err, tt.status)
			}
			if sms.IsTemporary(err) != tt.temporary {
				t.Errorf("IsTemporary = %v, want %v", sms.IsTemporary(err), tt.temporary)
			}
			if !strings.Contains(err.Error(), tt.status.String()) {
				t.Errorf("error %q should name the status", err)
			}
			// The session survives a refused submit.
			if _, err := c.Send(context.Background(), sms.Message{To: testNumber, Text: "again"}); err != nil {
				t.Fatalf("send after refusal: %v", err)
			}
		})
	}
	if binds, _, _ := smsc.Counts(); binds != 1 {
		t.Errorf("binds = %d, want 1", binds)
	}
}

func TestSMPPRejectedLocally(t *testing.T) {
	smsc, c := newTestSMPP(t, nil)
	tests := []struct {
		name string
		m    sms.Message
		is   error
	}{
		{"letters in number", sms.Message{To: "+420abc", Text: "hi"}, nil},
		{"empty number", sms.Message{To: "", Text: "hi"}, nil},
		{"too long", sms.Message{To: testNumber, Text: strings.Repeat("ř", 671)}, sms.ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Send(context.Background(), tt.m)
			if err == nil || sms.IsTemporary(err) || (tt.is != nil && !errors.Is(err, tt.is)) {
				t.Fatalf("got %v, want permanent error", err)
			}
		})
	}
	if n := len(smsc.Submits()); n != 0 {
		t.Fatalf("SMSC got %d submits", n)
	}
}

func TestSMPPStallTimesOut(t *testing.T) {
	smsc, c := newTestSMPP(t, nil)
	if _, err := c.Send(context.Background(), sms.Message{To: testNumber, Text: "warm up"}); err != nil {
		t.Fatal(err)
	}
	smsc.Stall(true)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Send(ctx, sms.Message{To: testNumber, Text: "stuck"})
	if !errors.Is(err, context.DeadlineExceeded) || !sms.IsTemporary(err) {
		t.Fatalf("got %v, want temporary deadline error", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Send took %v despite a 200ms deadline", d)
	}
	smsc.Stall(false)
	if _, err := c.Send(context.Background(), sms.Message{To: testNumber, Text: "after stall"}); err != nil {
		t.Fatalf("send after stall: %v", err)
	}
	if binds, _, _ := smsc.Counts(); binds != 2 {
		t.Errorf("binds = %d, want a fresh bind after the timeout", binds)
	}
}

func TestSMPPReconnect(t *testing.T) {
	smsc, c := newTestSMPP(t, nil)
	for round := 1; round <= 3; round++ {
		if _, err := c.Send(context.Background(), sms.Message{To: testNumber, Text: fmt.Sprintf("round %d", round)}); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		smsc.DropConnections()
	}
	if binds, _, _ := smsc.Counts(); binds != 3 {
		t.Errorf("binds = %d, want 3", binds)
	}
	if n := len(smsc.Messages()); n != 3 {
		t.Errorf("SMSC got %d messages, want 3", n)
	}
}

func TestSMPPKeepAlive(t *testing.T) {
	smsc, c := newTestSMPP(t, func(c *sms.SMPPConfig) {
		c.EnquireLink = 30 * time.Millisecond
		c.Timeout = 100 * time.Millisecond
	})
	if _, err := c.Send(context.Background(), sms.Message{To: testNumber, Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { _, _, n := smsc.Counts(); return n >= 2 }, "two enquire_links")

	// An unanswered enquire_link drops the session, so the next Send rebinds.
	smsc.Stall(true)
	waitFor(t, func() bool { return smsc.OpenConns() == 0 }, "the client to drop the unanswered session")
	smsc.Stall(false)
	if _, err := c.Send(context.Background(), sms.Message{To: testNumber, Text: "after"}); err != nil {
		t.Fatal(err)
	}
	if binds, _, _ := smsc.Counts(); binds != 2 {
		t.Errorf("binds = %d, want 2", binds)
	}
}

func TestSMPPOverTLS(t *testing.T) {
	smsc := smpptest.Start(t, smpptest.WithTLS(), smpptest.WithCredentials("tlsuser", "tlspw"))
	c := sms.NewSMPP(smsc.Config())
	defer c.Close()
	if _, err := c.Send(context.Background(), sms.Message{To: testNumber, Text: "over TLS ✓"}); err != nil {
		t.Fatal(err)
	}
	if msgs := smsc.Messages(); len(msgs) != 1 || msgs[0].Text != "over TLS ✓" {
		t.Fatalf("SMSC got %+v", msgs)
	}

	// A client that does not trust the certificate must not send anything.
	cfg := smsc.Config()
	cfg.TLSConfig = nil
	untrusting := sms.NewSMPP(cfg)
	defer untrusting.Close()
	if _, err := untrusting.Send(context.Background(), sms.Message{To: testNumber, Text: "x"}); err == nil {
		t.Fatal("untrusted certificate accepted")
	}
}

func TestSMPPCloseUnbinds(t *testing.T) {
	smsc, c := newTestSMPP(t, nil)
	if _, err := c.Send(context.Background(), sms.Message{To: testNumber, Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, unbinds, _ := smsc.Counts(); unbinds != 1 {
		t.Errorf("unbinds = %d, want 1", unbinds)
	}
	_, err := c.Send(context.Background(), sms.Message{To: testNumber, Text: "late"})
	if !errors.Is(err, sms.ErrClosed) {
		t.Fatalf("send after Close: %v", err)
	}
}

func TestSMPPConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	c := sms.NewSMPP(sms.SMPPConfig{Host: "127.0.0.1", Port: port, SystemID: "x", Timeout: time.Second})
	defer c.Close()
	_, err = c.Send(context.Background(), sms.Message{To: testNumber, Text: "hi"})
	if err == nil || !sms.IsTemporary(err) {
		t.Fatalf("got %v, want temporary error", err)
	}
}

func TestSMPPConfigErrors(t *testing.T) {
	c := sms.NewSMPP(sms.SMPPConfig{Host: "127.0.0.1", Port: 1, Password: "far-too-long", SourceAddr: "A very long sender"})
	_, err := c.Send(context.Background(), sms.Message{To: testNumber, Text: "hi"})
	for _, want := range []string{"password longer than 8", "source address"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v should mention %q", err, want)
		}
	}
	if err != nil && strings.Contains(err.Error(), "far-too-long") {
		t.Errorf("error leaks the password: %v", err)
	}
}

func TestSMPPConcurrentSends(t *testing.T) {
	smsc, c := newTestSMPP(t, nil)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			text := fmt.Sprintf("msg %d ", i) + strings.Repeat("ž", 80) // two UCS-2 parts each
			if _, err := c.Send(context.Background(), sms.Message{To: testNumber, Text: text}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	msgs := smsc.Messages()
	if len(msgs) != n {
		t.Fatalf("SMSC reassembled %d messages, want %d", len(msgs), n)
	}
	for _, m := range msgs {
		if m.Parts != 2 || !strings.HasSuffix(m.Text, strings.Repeat("ž", 80)) {
			t.Errorf("bad reassembly: %d parts, %q", m.Parts, m.Text)
		}
	}
}

// waitFor polls cond for up to 2 s.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
