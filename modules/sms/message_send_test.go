package sms

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/sms/gatewaytest"
	"github.com/ispportal/portal/internal/sms/smpptest"
	"github.com/ispportal/portal/internal/testkit"
)

// TestGateBothWays: the tab and its URLs exist only when sms_notify names a transport
// that is configured and ci_sms_enable is on; otherwise they answer 404 like any gated
// module, and the menu has no entry.
func TestGateBothWays(t *testing.T) {
	f := newFixture(t)
	gw := gatewaytest.Start(t).URL
	cases := []struct {
		name, notify, enable string
		set                  map[string]string
		on                   bool
	}{
		{"disabled", "disabled", "1", map[string]string{"sms_gateway_url": gw + "/send", "smpp_host": "127.0.0.1"}, false},
		{"gateway, tab off", "gateway", "0", map[string]string{"sms_gateway_url": gw + "/send"}, false},
		{"gateway without address", "gateway", "1", map[string]string{"sms_gateway_url": ""}, false},
		{"gateway without placeholders", "gateway", "1", map[string]string{"sms_gateway_url": gw + "/send", "sms_gateway_method": "GET"}, false},
		{"gateway", "gateway", "1", map[string]string{"sms_gateway_url": gw + "/send", "sms_gateway_method": "POST"}, true},
		{"gateway GET", "gateway", "1", map[string]string{"sms_gateway_url": gw + "/send?to={number}&text={text}", "sms_gateway_method": "GET"}, true},
		{"smpp without host", "smpp", "1", map[string]string{"smpp_host": ""}, false},
		{"smpp", "smpp", "1", map[string]string{"smpp_host": "127.0.0.1"}, true},
		{"smpp, tab off", "smpp", "0", map[string]string{"smpp_host": "127.0.0.1"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.env.Set("sms_notify", tc.notify)
			f.env.Set("ci_sms_enable", tc.enable)
			for k, v := range tc.set {
				f.env.Set(k, v)
			}
			status := 404
			if tc.on {
				status = 200
			}
			f.b1.Get("/sms").Expect(t, status)
			f.b1.Get("/sms/contacts").Expect(t, status)
			f.b1.Post("/sms/contacts/new", url.Values{"name": {"X"}, "number": {"+420777000111"}})
			page := f.b1.Get("/no-such-page").Expect(t, 404)
			if has := strings.Contains(page.Body, `href="/sms"`); has != tc.on {
				t.Fatalf("menu entry present=%v, want %v", has, tc.on)
			}
		})
	}
	// Logged out, a module that is off answers 404 too (not a login redirect).
	f.env.Set("sms_notify", "disabled")
	f.env.Browser().Get("/sms").Expect(t, 404)
}

func TestSendThroughSMPP(t *testing.T) {
	f := newFixture(t)
	smsc := smpptest.Start(t)
	cfg := smsc.Config()
	f.env.Set("sms_notify", "smpp")
	f.env.Set("smpp_host", cfg.Host)
	f.env.Set("smpp_port", fmt.Sprint(cfg.Port))
	f.env.Set("smpp_system_id", cfg.SystemID)
	f.env.Set("smpp_password", cfg.Password)
	f.env.Set("sms_sender", "NetWave")

	long := strings.Repeat("Hello world. ", 20) // 260 GSM characters: 2 parts
	r := f.b1.Post("/sms", url.Values{"number": {"777 123 456"}, "text": {long}, "action": {"send"}})
	if r.StatusCode != 303 {
		t.Fatalf("send: %d\n%s", r.StatusCode, r.Body)
	}
	f.b1.Get("/sms").Expect(t, 200, "SMS parts: 2.", "&#43;420777123456", "Waiting to be sent")
	if got := f.messages(t, f.c1); len(got) != 1 || got[0].Status != StatusQueued || got[0].Parts != 2 {
		t.Fatalf("queue: %+v", got)
	}
	if sent, _ := f.runOnce(t); sent != 1 {
		t.Fatalf("sent %d", sent)
	}
	msgs := smsc.Messages()
	if len(msgs) != 1 || msgs[0].To != "+420777123456" || msgs[0].Text != long || msgs[0].Parts != 2 || msgs[0].From != "NetWave" {
		t.Fatalf("SMSC received %+v", msgs)
	}
	got := f.messages(t, f.c1)[0]
	if got.Status != StatusSent || got.ProviderID == "" || got.SentAt.IsZero() {
		t.Fatalf("after send: %+v", got)
	}
	f.b1.Get("/sms").Expect(t, 200, `badge ok">Sent`).Lacks(t, "Waiting to be sent")
	// A second round sends nothing again.
	if sent, failed := f.runOnce(t); sent+failed != 0 {
		t.Fatalf("second round: %d %d", sent, failed)
	}
	// The other client sees none of it.
	f.b2.Get("/sms").Expect(t, 200, "You have not sent any messages yet.").Lacks(t, "420777123456")
	f.mod.Worker().closeSender()
}

// gateway configures the HTTP gateway transport against a test server.
func gateway(t *testing.T, f *fixture) *gatewaytest.Gateway {
	g := gatewaytest.Start(t)
	f.env.Set("sms_notify", "gateway")
	f.env.Set("sms_gateway_url", g.URL+"/send")
	f.env.Set("sms_gateway_user", "portal")
	f.env.Set("sms_gateway_password", "gw-secret")
	return g
}

func send(t *testing.T, f *fixture, number, text string) {
	t.Helper()
	r := f.b1.Post("/sms", url.Values{"number": {number}, "text": {text}, "action": {"send"}})
	if r.StatusCode != 303 {
		t.Fatalf("send %q: %d\n%s", number, r.StatusCode, r.Body)
	}
}

func TestGatewayRetriesAndFailures(t *testing.T) {
	f := newFixture(t)
	g := gateway(t, f)

	// 500: temporary, retried after the back-off, visible meanwhile.
	g.SetMode(gatewaytest.Mode500)
	send(t, f, "+420777123456", "Příliš žluťoučký kůň")
	if sent, failed := f.runOnce(t); sent != 0 || failed != 1 {
		t.Fatalf("500 round: %d %d", sent, failed)
	}
	m := f.messages(t, f.c1)[0]
	if m.Status != StatusQueued || m.Attempts != 1 || !strings.Contains(m.LastError, "500") {
		t.Fatalf("after 500: %+v", m)
	}
	// The subscriber sees a translated note, never the provider's words.
	f.b1.Get("/sms").Expect(t, 200, "Waiting to be sent", "Sending is delayed").Lacks(t, "upstream", "SMSC", "provider answered")
	f.b1.Header.Set("Accept-Language", "cs")
	f.b1.Get("/sms").Expect(t, 200, "Čeká na odeslání", "Odeslání se zdrželo").Lacks(t, "upstream", "Sending is delayed")
	f.b1.Header.Del("Accept-Language")
	if strings.Contains(m.LastError, "gw-secret") || strings.Contains(f.env.Logs.String(), "gw-secret") {
		t.Fatal("password leaked")
	}
	g.SetMode(gatewaytest.ModeOK)
	f.runOnce(t) // not due yet
	if n := len(g.Requests()); n != 1 {
		t.Fatalf("retried before the back-off: %d requests", n)
	}
	f.env.Clock.Advance(Backoff(1) + time.Second)
	if sent, _ := f.runOnce(t); sent != 1 {
		t.Fatal("not retried")
	}
	reqs := g.Requests()
	if len(reqs) != 2 || !strings.Contains(reqs[1].Body, "to=%2B420777123456") || reqs[1].Header.Get("Authorization") == "" {
		t.Fatalf("gateway got %+v", reqs)
	}
	if m := f.messages(t, f.c1)[0]; m.Status != StatusSent || m.ProviderID != "gw-2" || m.Attempts != 2 {
		t.Fatalf("after retry: %+v", m)
	}

	// 400: permanent, failed at once and not counted against the limit.
	g.SetMode(gatewaytest.Mode400)
	send(t, f, "+420777123457", "x")
	if _, failed := f.runOnce(t); failed != 1 {
		t.Fatal("400 not failed")
	}
	if m := f.messages(t, f.c1)[0]; m.Status != StatusFailed || !strings.Contains(m.LastError, "invalid destination") {
		t.Fatalf("after 400: %+v", m)
	}
	f.b1.Get("/sms").Expect(t, 200, `badge err">Failed`, "could not be delivered").Lacks(t, "invalid destination", "provider answered")

	// A provider that hangs: timeout, temporary.
	g.SetMode(gatewaytest.ModeHang)
	f.mod.Worker().SendTimeout = 300 * time.Millisecond
	send(t, f, "+420777123458", "y")
	if _, failed := f.runOnce(t); failed != 1 {
		t.Fatal("hang not failed")
	}
	if m := f.messages(t, f.c1)[0]; m.Status != StatusQueued || m.LastError == "" {
		t.Fatalf("after timeout: %+v", m)
	}
	f.mod.Worker().SendTimeout = 30 * time.Second
	g.SetMode(gatewaytest.ModeOK)
	f.env.Clock.Advance(time.Minute)
	if sent, _ := f.runOnce(t); sent != 1 {
		t.Fatal("not sent after the timeout")
	}
	// Ten temporary failures end in failed.
	g.SetMode(gatewaytest.Mode500)
	send(t, f, "+420777123459", "z")
	for i := 0; i < MaxAttempts; i++ {
		f.runOnce(t)
		f.env.Clock.Advance(2 * time.Hour)
	}
	if m := f.messages(t, f.c1)[0]; m.Status != StatusFailed || m.Attempts != MaxAttempts {
		t.Fatalf("after %d failures: %+v", MaxAttempts, m)
	}
}

func TestNotConfiguredAndDisabled(t *testing.T) {
	f := newFixture(t)
	send(t, f, "+420777123456", "hello")
	// Staff remove the gateway address while a message waits: it stays queued, the tab
	// goes away, and the reason is for staff only.
	f.env.Set("sms_gateway_url", "")
	f.runOnce(t)
	m := f.messages(t, f.c1)[0]
	if m.Status != StatusQueued || m.Attempts != 0 || !strings.Contains(m.LastError, "not configured") {
		t.Fatalf("unconfigured gateway: %+v", m)
	}
	f.b1.Get("/sms").Expect(t, 404).Lacks(t, "not configured")

	// Disabled: nothing is sent even with a working gateway configured.
	g := gateway(t, f)
	f.env.Set("sms_notify", "disabled")
	if sent, failed := f.runOnce(t); sent+failed != 0 || len(g.Requests()) != 0 {
		t.Fatal("sent while disabled")
	}
	// Switched on at run time: the waiting message goes.
	f.env.Set("sms_notify", "gateway")
	if sent, _ := f.runOnce(t); sent != 1 || len(g.Requests()) != 1 {
		t.Fatal("not sent after enabling")
	}
	f.b1.Get("/sms").Expect(t, 200, `badge ok">Sent`).Lacks(t, "not configured")
}

func TestCrashRecoveryResendsSending(t *testing.T) {
	f := newFixture(t)
	g := gateway(t, f)
	f.env.Tx(func(tx *sql.Tx) error {
		id, err := EnqueueSMS(context.Background(), tx, f.c1, "+420777123456", "left mid-send", 0, f.env.Clock.Now())
		if err != nil {
			return err
		}
		_, err = tx.Exec(`UPDATE sms_queue SET status = 'sending', claimed_at = ? WHERE id = ?`, core.Now(f.env.Clock.Now()), id)
		return err
	})
	// A fresh worker (a restart) sends it again: at-least-once.
	w := NewWorker(f.mod.d)
	if sent, _, err := w.RunOnce(context.Background()); err != nil || sent != 1 || len(g.Requests()) != 1 {
		t.Fatalf("recovery: %d %v", sent, err)
	}
}

func TestBadInput(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name, number, text, want string
	}{
		{"letters", "call me maybe", "hi", "This is not a phone number"},
		{"too short", "12", "hi", "too short"},
		{"too long", "+420 777 123 456 789 000", "hi", "too long"},
		{"czech length", "+420 777 12345", "hi", "too short"},
		{"empty number", "", "hi", "Enter a phone number"},
		{"premium", "+420 900 123 456", "hi", "premium-rate"},
		{"short code", "90211", "hi", "too short"},
		{"empty text", "+420777123456", "  ", "Enter the text"},
		{"too long text", "+420777123456", strings.Repeat("a", 1531), "The text is too long"},
		{"too long ucs2", "+420777123456", strings.Repeat("ř", 671), "The text is too long"},
		{"huge text", "+420777123456", strings.Repeat("a", 100000), "The text is too long"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.b1.Post("/sms", url.Values{"number": {tc.number}, "text": {tc.text}, "action": {"send"}}).
				Expect(t, 422, tc.want, `aria-invalid="true"`)
		})
	}
	if n := len(f.messages(t, f.c1)); n != 0 {
		t.Fatalf("%d messages queued from bad input", n)
	}
	// Exactly 10 parts is accepted.
	send(t, f, "+420777123456", strings.Repeat("a", 1530))
	// Premium numbers are allowed when staff switch the block off.
	f.env.Set("ci_sms_block_premium", "0")
	send(t, f, "+420 900 123 456", "vote")
	// Picking from the directory when the number field is empty.
	f.b1.Post("/sms", url.Values{"number": {""}, "contact": {"+421905111222"}, "text": {"hi"}, "action": {"send"}}).Expect(t, 303)
	if got := f.messages(t, f.c1); len(got) != 3 || got[0].Number != "+421905111222" || got[1].Number != "+420900123456" || got[2].Parts != 10 {
		t.Fatalf("queued %+v", got)
	}
	// Without CSRF token: refused.
	f.b1.PostRaw("/sms", url.Values{"number": {"+420777123456"}, "text": {"x"}, "action": {"send"}}).Expect(t, 403)
}

func TestCheckLengthCounter(t *testing.T) {
	f := newFixture(t)
	r := f.b1.Post("/sms", url.Values{"number": {"+420777123456"}, "text": {strings.Repeat("a", 150)}, "action": {"check"}})
	r.Expect(t, 200, "1 SMS part (GSM-7), 10 characters left in the last part.", ">"+strings.Repeat("a", 150)+"</textarea>")
	f.b1.Post("/sms", url.Values{"text": {strings.Repeat("č", 71)}, "action": {"check"}}).
		Expect(t, 200, "2 SMS parts (UCS-2), 63 characters left in the last part.")
	f.b1.Header.Set("Accept-Language", "cs")
	f.b1.Post("/sms", url.Values{"text": {strings.Repeat("a", 320)}, "action": {"check"}}).
		Expect(t, 200, "3 části SMS (GSM-7), v poslední části zbývá 139 znaků.", "Zkontrolovat délku")
	// Plural forms follow each number: one character, two characters (dva znaky).
	f.b1.Post("/sms", url.Values{"text": {strings.Repeat("a", 158)}, "action": {"check"}}).
		Expect(t, 200, "1 část SMS (GSM-7), v poslední části zbývají 2 znaky.")
	f.b1.Header.Del("Accept-Language")
	f.b1.Post("/sms", url.Values{"text": {strings.Repeat("a", 159)}, "action": {"check"}}).
		Expect(t, 200, "1 SMS part (GSM-7), 1 character left in the last part.")
	f.b1.Header.Set("Accept-Language", "cs")
	if n := len(f.messages(t, f.c1)); n != 0 {
		t.Fatal("check queued a message")
	}
	// After a send the flash tells the number of parts.
	f.b1.Header.Del("Accept-Language")
	send(t, f, "+420777123456", strings.Repeat("a", 200))
	f.b1.Get("/sms").Expect(t, 200, "Your message was queued for sending. SMS parts: 2.")
}

func TestMonthlyLimitUnderConcurrentSends(t *testing.T) {
	f := newFixture(t)
	f.env.Set("ci_sms_per_month", "3")
	f.b1.Get("/sms").Expect(t, 200, "You can send 3 more messages this month (limit 3).")
	// Last month's messages do not count.
	f.env.Tx(func(tx *sql.Tx) error {
		_, err := EnqueueSMS(context.Background(), tx, f.c1, "+420777123456", "old", 3, f.env.Clock.Now().AddDate(0, -1, 0))
		return err
	})
	const n = 10
	bs := make([]*testkit.Browser, n)
	for i := range bs {
		bs[i] = f.env.Browser().LoginAs(f.c1)
		bs[i].Get("/sms").Expect(t, 200)
	}
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range bs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			codes[i] = bs[i].Post("/sms", url.Values{"number": {"+420777123456"}, "text": {fmt.Sprint("race ", i)}, "action": {"send"}}).StatusCode
		}(i)
	}
	wg.Wait()
	ok, refused := 0, 0
	for _, c := range codes {
		switch c {
		case 303:
			ok++
		case 422:
			refused++
		}
	}
	if ok != 3 || refused != 7 {
		t.Fatalf("accepted %d, refused %d (codes %v)", ok, refused, codes)
	}
	used, _ := CountThisMonth(context.Background(), f.env.Deps.DB.R, f.c1, f.env.Clock.Now())
	if used != 3 {
		t.Fatalf("counted %d", used)
	}
	f.b1.Get("/sms").Expect(t, 200, "You can send 0 more messages this month")
	f.b1.Post("/sms", url.Values{"number": {"+420777123456"}, "text": {"one more"}, "action": {"send"}}).
		Expect(t, 422, "used up this month")
	// The other client has their own allowance; a failed message gives one back.
	f.b2.Get("/sms").Expect(t, 200, "You can send 3 more messages")
	f.env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE sms_queue SET status = 'failed' WHERE id = (SELECT MAX(id) FROM sms_queue)`)
		return err
	})
	f.b1.Get("/sms").Expect(t, 200, "You can send 1 more message this month")
	// Next month the allowance is full again.
	f.env.Clock.Advance(31 * 24 * time.Hour)
	f.b1 = f.env.Browser().LoginAs(f.c1) // the old session expired meanwhile
	f.b1.Get("/sms").Expect(t, 200, "You can send 3 more messages")
}
