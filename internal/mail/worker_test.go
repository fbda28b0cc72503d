package mail_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/outbox"
)

func TestWorkerDeliversWithHeaders(t *testing.T) {
	d := mail.NewTestDB(t)
	srv := mailtest.Start(t)
	srv.RequireAuth("portal", "s3cret")
	clock := mail.NewFakeClock()
	log, _ := mail.TestLogger()
	cfg := func() mail.SMTPConfig {
		c := srv.Config()
		c.FromName = "Poskytovatel Internetu Žďár"
		return c
	}
	w := mail.NewWorker(d, cfg, log, clock.Now)

	m := mail.SampleMessage()
	m.To = append(m.To, "petra@example.org")
	m.HTML = "<p>Dobrý den</p>"
	id := mail.EnqueueCommitted(t, d, m)
	sent, failed, err := w.RunOnce(context.Background())
	if err != nil || sent != 1 || failed != 0 {
		t.Fatalf("RunOnce = %d, %d, %v", sent, failed, err)
	}
	got := srv.WaitFor(t, 1, 2*time.Second)[0]
	e := mail.MustGet(t, d, id)

	if got.From != "portal@isp.example" || strings.Join(got.To, ",") != "jan.novak@example.cz,petra@example.org" {
		t.Errorf("envelope = %q → %q", got.From, got.To)
	}
	if got.AuthUser != "portal" {
		t.Errorf("AuthUser = %q", got.AuthUser)
	}
	from, err := got.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Poskytovatel Internetu Žďár" || from[0].Address != "portal@isp.example" {
		t.Errorf("From = %v, %v", from, err)
	}
	to, err := got.Header.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Name != "Jan Novák" || to[0].Address != "jan.novak@example.cz" {
		t.Errorf("To = %v, %v", to, err)
	}
	if got.Subject != "Nové heslo" {
		t.Errorf("Subject = %q", got.Subject)
	}
	if got.MessageID != e.MessageID {
		t.Errorf("Message-ID = %q, stored %q", got.MessageID, e.MessageID)
	}
	if !strings.Contains(got.Text, "Dobrý den,\nnastavte si heslo: https://portal.example/p/SECRET-TOKEN-123") {
		t.Errorf("Text = %q", got.Text)
	}
	if got.HTML != "<p>Dobrý den</p>" {
		t.Errorf("HTML = %q", got.HTML)
	}
	if got.Header.Get("Auto-Submitted") != "auto-generated" || got.Header.Get("Date") == "" {
		t.Errorf("headers = %v", got.Header)
	}
	if e.Status != mail.StatusSent || !e.SentAt.Equal(clock.Now()) || e.Attempts != 0 {
		t.Errorf("row = %+v", e)
	}
	if strings.Contains(e.Text, "SECRET-TOKEN") || !strings.Contains(e.Text, "nastavte si heslo: https://portal.example/p/"+mail.Redacted) {
		t.Errorf("stored body after delivery: %q", e.Text)
	}
	// Nothing left to do.
	if s, f, err := w.RunOnce(context.Background()); s+f != 0 || err != nil {
		t.Fatalf("second RunOnce = %d, %d, %v", s, f, err)
	}
}

func TestWorkerWithoutHostKeepsMailsQueued(t *testing.T) {
	d := mail.NewTestDB(t)
	log, _ := mail.TestLogger()
	w := mail.NewWorker(d, func() mail.SMTPConfig { return mail.SMTPConfig{} }, log, mail.NewFakeClock().Now)
	id := mail.EnqueueCommitted(t, d, mail.SampleMessage())
	if s, f, err := w.RunOnce(context.Background()); s+f != 0 || err != nil {
		t.Fatalf("RunOnce = %d, %d, %v", s, f, err)
	}
	if e := mail.MustGet(t, d, id); e.Status != mail.StatusQueued || e.Attempts != 0 || e.Text == "" {
		t.Fatalf("row = %+v", e)
	}
}

func TestWorkerReadsConfigEachRound(t *testing.T) {
	d := mail.NewTestDB(t)
	srv := mailtest.Start(t)
	log, _ := mail.TestLogger()
	var on atomic.Bool
	w := mail.NewWorker(d, func() mail.SMTPConfig {
		if !on.Load() {
			return mail.SMTPConfig{}
		}
		return srv.Config()
	}, log, mail.NewFakeClock().Now)
	mail.EnqueueCommitted(t, d, mail.SampleMessage())
	w.RunOnce(context.Background())
	on.Store(true)
	if s, _, err := w.RunOnce(context.Background()); s != 1 || err != nil {
		t.Fatalf("after enabling SMTP: sent %d, %v", s, err)
	}
}

func TestWorkerSMTPDownThenUp(t *testing.T) {
	d := mail.NewTestDB(t)
	srv := mailtest.Start(t)
	srv.Stop()
	clock := mail.NewFakeClock()
	log, _ := mail.TestLogger()
	w := mail.NewWorker(d, srv.Config, log, clock.Now)
	id := mail.EnqueueCommitted(t, d, mail.SampleMessage())
	id2 := mail.EnqueueCommitted(t, d, mail.SampleMessage())

	// Down: the first mail records the attempt and the round stops (no point waiting
	// for the same dead server once per mail).
	s, f, err := w.RunOnce(context.Background())
	if err != nil || s != 0 || f != 1 {
		t.Fatalf("RunOnce down = %d, %d, %v", s, f, err)
	}
	e := mail.MustGet(t, d, id)
	if e.Status != mail.StatusQueued || e.Attempts != 1 || !e.NextAttemptAt.Equal(clock.Now().Add(30*time.Second)) {
		t.Fatalf("row after failure = %+v", e)
	}
	if !strings.Contains(e.LastError, "connection refused") && !strings.Contains(e.LastError, "dial") {
		t.Errorf("last_error = %q", e.LastError)
	}
	if e.Text == "" {
		t.Error("body lost on failure")
	}

	// Up, but the first mail is not due yet: only the second goes.
	srv.Start()
	if s, f, err := w.RunOnce(context.Background()); s != 1 || f != 0 || err != nil {
		t.Fatalf("RunOnce up = %d, %d, %v", s, f, err)
	}
	if mail.MustGet(t, d, id2).Status != mail.StatusSent {
		t.Fatal("second mail not sent")
	}
	clock.Advance(30 * time.Second)
	if s, f, err := w.RunOnce(context.Background()); s != 1 || f != 0 || err != nil {
		t.Fatalf("RunOnce due = %d, %d, %v", s, f, err)
	}
	clock.Advance(time.Hour)
	w.RunOnce(context.Background())
	srv.WaitFor(t, 2, 2*time.Second)
	time.Sleep(50 * time.Millisecond) // a third, duplicate delivery would arrive now
	msgs := srv.Messages()
	if len(msgs) != 2 || msgs[0].MessageID == msgs[1].MessageID {
		t.Fatalf("received %d messages, want each mail exactly once", len(msgs))
	}
	if e := mail.MustGet(t, d, id); e.Status != mail.StatusSent || e.Attempts != 1 || e.MessageID != msgs[1].MessageID {
		t.Fatalf("row = %+v", e)
	}
}

func TestWorkerTemporaryRejection(t *testing.T) {
	d := mail.NewTestDB(t)
	srv := mailtest.Start(t)
	srv.RejectNext(1)
	clock := mail.NewFakeClock()
	log, _ := mail.TestLogger()
	w := mail.NewWorker(d, srv.Config, log, clock.Now)
	a := mail.EnqueueCommitted(t, d, mail.SampleMessage())
	b := mail.EnqueueCommitted(t, d, mail.SampleMessage())

	// The 451 is a message-level failure: the round goes on with the next mail.
	if s, f, err := w.RunOnce(context.Background()); s != 1 || f != 1 || err != nil {
		t.Fatalf("RunOnce = %d, %d, %v", s, f, err)
	}
	ea := mail.MustGet(t, d, a)
	if ea.Status != mail.StatusQueued || ea.Attempts != 1 || !strings.Contains(ea.LastError, "451") {
		t.Fatalf("rejected row = %+v", ea)
	}
	if mail.MustGet(t, d, b).Status != mail.StatusSent {
		t.Fatal("second mail not sent")
	}
	clock.Advance(31 * time.Second)
	if s, _, _ := w.RunOnce(context.Background()); s != 1 {
		t.Fatal("retry not sent")
	}
	if n := len(srv.Messages()); n != 2 {
		t.Fatalf("received %d, want 2", n)
	}
}

func TestWorkerBackoffToFailed(t *testing.T) {
	d := mail.NewTestDB(t)
	srv := mailtest.Start(t)
	srv.Stop()
	clock := mail.NewFakeClock()
	log, _ := mail.TestLogger()
	w := mail.NewWorker(d, srv.Config, log, clock.Now)
	// A mail without a link: staff may send it again after it was given up.
	plain := mail.SampleMessage()
	plain.Text, plain.Secrets = "Dobrý den, vaše žádost byla přijata.", nil
	id := mail.EnqueueCommitted(t, d, plain)
	ctx := context.Background()

	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute,
		8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour}
	for i, wait := range want {
		if _, f, err := w.RunOnce(ctx); f != 1 || err != nil {
			t.Fatalf("attempt %d: failed %d, %v", i+1, f, err)
		}
		e := mail.MustGet(t, d, id)
		if e.Status != mail.StatusQueued || e.Attempts != i+1 || e.NextAttemptAt.Sub(clock.Now()) != wait {
			t.Fatalf("attempt %d: %s, attempts %d, next in %s, want %s", i+1, e.Status, e.Attempts, e.NextAttemptAt.Sub(clock.Now()), wait)
		}
		// One second early: not due.
		clock.Advance(wait - time.Second)
		if s, f, _ := w.RunOnce(ctx); s+f != 0 {
			t.Fatalf("attempt %d: retried before it was due", i+1)
		}
		clock.Advance(time.Second)
	}
	if _, f, _ := w.RunOnce(ctx); f != 1 {
		t.Fatal("10th attempt not made")
	}
	if e := mail.MustGet(t, d, id); e.Status != mail.StatusFailed || e.Attempts != mail.MaxAttempts {
		t.Fatalf("after %d attempts: %+v", mail.MaxAttempts, e)
	}
	clock.Advance(24 * time.Hour)
	if s, f, _ := w.RunOnce(ctx); s+f != 0 {
		t.Fatal("failed mail retried by the worker")
	}

	// Staff retry: queued now, delivered once the server is back.
	if err := mail.Retry(ctx, d, id); err != nil {
		t.Fatal(err)
	}
	srv.Start()
	if s, _, err := w.RunOnce(ctx); s != 1 || err != nil {
		t.Fatalf("after Retry: sent %d, %v", s, err)
	}
	srv.WaitFor(t, 1, 2*time.Second)
}

// A worker that died after claiming a mail (another instance, or this one before a
// restart) holds it until its lease runs out; then a live worker sends it again, once,
// with its Message-ID. A mail already sent is never sent again.
func TestWorkerTakesOverExpiredClaimOnly(t *testing.T) {
	d := mail.NewTestDB(t)
	srv := mailtest.Start(t)
	clock := mail.NewFakeClock()
	log, _ := mail.TestLogger()
	ctx := context.Background()

	// First worker: delivers one mail, then "crashes" after claiming another.
	w1 := mail.NewWorker(d, srv.Config, log, clock.Now)
	done := mail.EnqueueCommitted(t, d, mail.SampleMessage())
	if s, _, _ := w1.RunOnce(ctx); s != 1 {
		t.Fatal("first mail not sent")
	}
	crashed := mail.EnqueueCommitted(t, d, mail.SampleMessage())
	if ok, err := w1.Claim(ctx, "isp.example"); !ok || err != nil {
		t.Fatalf("claim = %v, %v", ok, err)
	}
	if e := mail.MustGet(t, d, crashed); e.Status != mail.StatusSending {
		t.Fatalf("claimed row = %+v", e)
	}
	waiting := mail.EnqueueCommitted(t, d, mail.SampleMessage())

	// Second worker on the same database: the claim is live, so only the waiting mail goes.
	w2 := mail.NewWorker(d, srv.Config, log, clock.Now)
	if w2.Claimant == w1.Claimant {
		t.Fatal("two workers share a claimant")
	}
	if s, f, err := w2.RunOnce(ctx); s != 1 || f != 0 || err != nil {
		t.Fatalf("RunOnce with a live claim = %d, %d, %v", s, f, err)
	}
	clock.Advance(outbox.Lease - time.Second)
	if s, _, _ := w2.RunOnce(ctx); s != 0 {
		t.Fatal("a claim within its lease was taken over")
	}
	clock.Advance(2 * time.Second)
	if s, f, err := w2.RunOnce(ctx); s != 1 || f != 0 || err != nil {
		t.Fatalf("RunOnce after the lease = %d, %d, %v", s, f, err)
	}
	srv.WaitFor(t, 3, 2*time.Second)
	clock.Advance(time.Hour)
	w2.RunOnce(ctx)
	w1.RunOnce(ctx)
	time.Sleep(50 * time.Millisecond)
	msgs := srv.Messages()
	if len(msgs) != 3 {
		t.Fatalf("received %d messages, want 3 (sent row never re-sent)", len(msgs))
	}
	count := map[string]int{}
	for _, m := range msgs {
		count[m.MessageID]++
	}
	for _, id := range []int64{done, crashed, waiting} {
		e := mail.MustGet(t, d, id)
		if e.Status != mail.StatusSent || count[e.MessageID] != 1 {
			t.Errorf("row %d: %s, received %d times", id, e.Status, count[e.MessageID])
		}
	}
	if e := mail.MustGet(t, d, crashed); e.Attempts != 1 || !strings.Contains(e.LastError, "interrupted") && e.LastError != "" {
		t.Errorf("interrupted row = %+v", e)
	}
}

// Two workers, each with its own connection to one database file as two instances
// have, drain one queue at the same time: every mail reaches the server exactly once.
func TestTwoWorkersSendEachOnce(t *testing.T) {
	d1 := mail.NewTestDB(t)
	target := d1.Path
	if d1.URL != "" {
		target = d1.URL
	}
	d2, err := db.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d2.Close() })
	srv := mailtest.Start(t)
	log, _ := mail.TestLogger()
	ctx := context.Background()
	const n = 60
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = mail.EnqueueCommitted(t, d1, mail.SampleMessage())
	}
	workers := []*mail.Worker{mail.NewWorker(d1, srv.Config, log, nil), mail.NewWorker(d2, srv.Config, log, nil)}
	sent := make([]int, len(workers))
	var wg sync.WaitGroup
	for i, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				s, f, err := w.RunOnce(ctx)
				if err != nil || f != 0 {
					t.Errorf("worker %d: failed %d, %v", i, f, err)
					return
				}
				if s == 0 {
					return
				}
				sent[i] += s
			}
		}()
	}
	wg.Wait()
	t.Logf("sent per worker: %v", sent)
	if sent[0]+sent[1] != n {
		t.Fatalf("workers report %v sent, want %d in all", sent, n)
	}
	srv.WaitFor(t, n, 5*time.Second)
	time.Sleep(50 * time.Millisecond) // a duplicate would arrive after the n-th
	msgs := srv.Messages()
	if len(msgs) != n {
		t.Fatalf("server received %d mails, want %d", len(msgs), n)
	}
	count := map[string]int{}
	for _, m := range msgs {
		count[m.MessageID]++
	}
	for _, id := range ids {
		if e := mail.MustGet(t, d1, id); e.Status != mail.StatusSent || count[e.MessageID] != 1 {
			t.Errorf("row %d: %s, received %d times", id, e.Status, count[e.MessageID])
		}
	}
}

func TestWorkerRunAndKick(t *testing.T) {
	d := mail.NewTestDB(t)
	srv := mailtest.Start(t)
	log, _ := mail.TestLogger()
	w := mail.NewWorker(d, srv.Config, log, time.Now)
	w.PollInterval = time.Hour // only Kick can wake it
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { w.Run(ctx); close(stopped) }()

	time.Sleep(10 * time.Millisecond) // let Run finish its first (empty) round
	mail.EnqueueCommitted(t, d, mail.SampleMessage())
	w.Kick()
	srv.WaitFor(t, 1, 5*time.Second)
	cancel()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}

func TestLogsNeverContainBodies(t *testing.T) {
	d := mail.NewTestDB(t)
	srv := mailtest.Start(t)
	clock := mail.NewFakeClock()
	log, buf := mail.TestLogger()
	cfg := func() mail.SMTPConfig {
		c := srv.Config()
		c.Password = "hunter2-password"
		return c
	}
	srv.RequireAuth("portal", "other") // wrong password: an error path that involves secrets
	w := mail.NewWorker(d, cfg, log, clock.Now)
	m := mail.SampleMessage()
	m.HTML = "<a href='https://portal.example/p/SECRET-TOKEN-123'>odkaz</a>"
	id := mail.EnqueueCommitted(t, d, m)
	w.RunOnce(context.Background())
	if e := mail.MustGet(t, d, id); e.Attempts != 1 || strings.Contains(e.LastError, "hunter2") {
		t.Fatalf("row = %+v", e)
	}
	srv.RequireAuth("portal", "hunter2-password")
	clock.Advance(time.Minute)
	if s, _, _ := w.RunOnce(context.Background()); s != 1 {
		t.Fatal("not sent")
	}
	srv.RejectNext(1)
	mail.EnqueueCommitted(t, d, m)
	w.RunOnce(context.Background())

	out := buf.String()
	for _, secret := range []string{"SECRET-TOKEN", "hunter2", "Nov", "jan.novak", "nastavte"} {
		if strings.Contains(out, secret) {
			t.Errorf("log contains %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"rcpt_domain=example.cz", "purpose=password_link", "id="} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func TestWorkerRefusesUnsafeConfig(t *testing.T) {
	d := mail.NewTestDB(t)
	srv := mailtest.Start(t)
	log, _ := mail.TestLogger()
	id := mail.EnqueueCommitted(t, d, mail.SampleMessage())
	for _, mod := range []func(*mail.SMTPConfig){
		func(c *mail.SMTPConfig) { c.FromName = "Portal\r\nBcc: victim@evil.tld" },
		func(c *mail.SMTPConfig) { c.FromAddress = "" },
		func(c *mail.SMTPConfig) { c.FromAddress = "not an address" },
	} {
		w := mail.NewWorker(d, func() mail.SMTPConfig { c := srv.Config(); mod(&c); return c }, log, mail.NewFakeClock().Now)
		if _, _, err := w.RunOnce(context.Background()); err == nil {
			t.Error("RunOnce accepted a broken sender")
		}
	}
	if e := mail.MustGet(t, d, id); e.Status != mail.StatusQueued || e.Attempts != 0 {
		t.Fatalf("row touched by a refused config: %+v", e)
	}
}

func TestWorkerStartTLSIsMandatory(t *testing.T) {
	d := mail.NewTestDB(t)
	srv := mailtest.Start(t) // offers no STARTTLS
	log, _ := mail.TestLogger()
	cfg := func() mail.SMTPConfig { c := srv.Config(); c.TLS = mail.TLSStartTLS; return c }
	w := mail.NewWorker(d, cfg, log, mail.NewFakeClock().Now)
	id := mail.EnqueueCommitted(t, d, mail.SampleMessage())
	if s, f, err := w.RunOnce(context.Background()); s != 0 || f != 1 || err != nil {
		t.Fatalf("RunOnce = %d, %d, %v", s, f, err)
	}
	if e := mail.MustGet(t, d, id); e.Status != mail.StatusQueued || !strings.Contains(e.LastError, "STARTTLS") {
		t.Fatalf("row = %+v", e)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages sent in clear text", n)
	}
}

// TestWorkerNamesTheConfiguredHost checks that neither the SMTP greeting nor the
// Message-ID carries the machine's own name (a relay scores a bare "vm" as spam): they
// use SMTPConfig.Hostname, or the sender's domain when it is empty.
func TestWorkerNamesTheConfiguredHost(t *testing.T) {
	own, _ := os.Hostname()
	for _, tc := range []struct{ hostname, want string }{
		{"portal.isp.example", "portal.isp.example"},
		{"", "isp.example"}, // the domain of srv.Config().FromAddress
	} {
		t.Run(tc.want, func(t *testing.T) {
			d := mail.NewTestDB(t)
			srv := mailtest.Start(t)
			log, _ := mail.TestLogger()
			w := mail.NewWorker(d, func() mail.SMTPConfig { c := srv.Config(); c.Hostname = tc.hostname; return c }, log, mail.NewFakeClock().Now)
			id := mail.EnqueueCommitted(t, d, mail.SampleMessage())
			if s, _, err := w.RunOnce(context.Background()); s != 1 || err != nil {
				t.Fatalf("RunOnce = %d, %v", s, err)
			}
			got := srv.WaitFor(t, 1, 2*time.Second)[0]
			if got.Helo != tc.want {
				t.Errorf("HELO %q, want %q (own hostname %q)", got.Helo, tc.want, own)
			}
			if !strings.HasSuffix(got.MessageID, "@"+tc.want+">") {
				t.Errorf("Message-ID %q, want the domain %q", got.MessageID, tc.want)
			}
			if e := mail.MustGet(t, d, id); e.MessageID != got.MessageID {
				t.Errorf("stored mail.Message-ID %q, sent %q", e.MessageID, got.MessageID)
			}
		})
	}
}
