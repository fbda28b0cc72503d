package notify

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/modules/helpdesk"
)

const twoInvoices = `{"external_id":"N-1","client":"7001","number":"2026101","issued":"2026-11-01","due":"2026-11-15","amount":"100.00","amount_vat":"121.00"}
{"external_id":"N-2","client":"7001","number":"2026102","issued":"2026-10-01","due":"2026-10-15","amount":"50.00","amount_vat":"60.50","paid_on":"2026-10-05"}
`

// A new unpaid invoice is mailed once however often the import runs; a paid one is
// not announced; the mail reaches the SMTP server with the topic's text and link.
func TestNewInvoiceOnceUnderRepeatedImport(t *testing.T) {
	f := newFixture(t)
	f.importFile(t, "invoice import", twoInvoices)
	f.importFile(t, "invoice import", twoInvoices)
	if n := f.count(t, `SELECT COUNT(*) FROM notify_sent WHERE topic = 'invoice_new'`); n != 1 {
		t.Fatalf("%d invoice_new rows after two imports, want 1", n)
	}
	msgs := f.deliverMail(t)
	if len(msgs) != 1 {
		t.Fatalf("%d mails, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Subject != "New invoice 2026101: 121.00 CZK, due 2026-11-15" || m.To[0] != "c7001@example.net" ||
		!strings.Contains(m.Text, "https://portal.isp.example/invoices/") {
		t.Fatalf("mail %q to %v:\n%s", m.Subject, m.To, m.Text)
	}
	f.b1.Get("/notifications").Expect(t, 200, "New invoice 2026101", "Sent")
	f.b2.Get("/notifications").Lacks(t, "2026101")
}

// A subscriber who switched the topic off gets nothing on any channel.
func TestPreferenceOffSendsNothing(t *testing.T) {
	f := newFixture(t)
	f.setPrefs(t, f.c1, "00:00", "00:00", "payment.email")
	f.importFile(t, "invoice import", twoInvoices)
	if n := f.count(t, `SELECT COUNT(*) FROM notify_sent`); n != 0 {
		t.Fatalf("%d notifications with invoice_new off", n)
	}
	if n := f.count(t, `SELECT COUNT(*) FROM mail_outbox`); n != 0 {
		t.Fatalf("%d mails queued with invoice_new off", n)
	}
	// The page switched off: nothing either, even with the topic on.
	f.setPrefs(t, f.c2, "00:00", "00:00", "invoice_new.email")
	f.env.Set("ci_display_notifications", "0")
	f.importFile(t, "invoice import", strings.ReplaceAll(twoInvoices, `"client":"7001"`, `"client":"7002"`))
	if n := f.count(t, `SELECT COUNT(*) FROM notify_sent`); n != 0 {
		t.Fatalf("%d notifications with the module switched off", n)
	}
}

// A notification raised in a transaction that rolls back leaves nothing: no row, no
// mail, no SMS.
func TestRolledBackTransactionSendsNothing(t *testing.T) {
	f := newFixture(t)
	f.setPrefs(t, f.c1, "00:00", "00:00", "outage.email", "outage.sms")
	boom := errors.New("boom")
	err := f.env.Deps.DB.Tx(context.Background(), func(tx *sql.Tx) error {
		if _, err := f.env.Deps.Hooks.Notify(context.Background(), tx, app.Event{ClientID: f.c1, Topic: TopicOutage, Key: "x",
			Vars: map[string]string{"TITLE": "Down", "TEXT": "Sorry"}}); err != nil {
			return err
		}
		if n := countTx(t, tx, `SELECT COUNT(*) FROM notify_sent`); n != 2 {
			t.Fatalf("%d rows inside the transaction, want 2", n)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	for _, table := range []string{"notify_sent", "mail_outbox", "sms_queue"} {
		if n := f.count(t, `SELECT COUNT(*) FROM `+table); n != 0 {
			t.Fatalf("%d rows in %s after the rollback", n, table)
		}
	}
	if len(f.deliverMail(t)) != 0 || len(f.deliverSMS(t)) != 0 {
		t.Fatal("something was delivered after the rollback")
	}
}

func countTx(t *testing.T, tx *sql.Tx, q string) int {
	t.Helper()
	var n int
	if err := tx.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Two overdue scans at once (two workers) announce each overdue invoice once per
// channel; the e-mail and the SMS each arrive once.
func TestOverdueOnceUnderConcurrentWorkers(t *testing.T) {
	f := newFixture(t)
	f.setPrefs(t, f.c1, "00:00", "00:00", "invoice_overdue.email", "invoice_overdue.sms")
	f.importFile(t, "invoice import", strings.ReplaceAll(twoInvoices, `"issued":"2026-11-01","due":"2026-11-15"`, `"issued":"2026-10-10","due":"2026-10-20"`))
	f.env.Clock.Set(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)) // 13 days after the due date
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = f.mod.ScanOverdue(context.Background())
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	if _, err := f.mod.ScanOverdue(context.Background()); err != nil { // and an hour later
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT COUNT(*) FROM notify_sent WHERE topic = 'invoice_overdue'`); n != 2 {
		t.Fatalf("%d overdue rows, want 2 (e-mail, SMS)", n)
	}
	if msgs := f.deliverMail(t); len(msgs) != 1 || !strings.Contains(msgs[0].Subject, "Invoice 2026101 is overdue: 121.00 CZK") {
		t.Fatalf("mails %+v", msgs)
	}
	if texts := f.deliverSMS(t); len(texts) != 1 || !strings.Contains(texts[0], "2026101") {
		t.Fatalf("SMS %q", texts)
	}
	// The paid invoice and one not yet due are never announced.
	if n := f.count(t, `SELECT COUNT(*) FROM notify_sent WHERE topic = 'invoice_overdue' AND event_key <> (
		SELECT 'invoice:' || id FROM invoices WHERE number = '2026101')`); n != 0 {
		t.Fatalf("%d other invoices announced", n)
	}
}

// In quiet hours (22:00–07:00, the portal's local time) an SMS is held and sent when
// they end; e-mail goes at once.
func TestQuietHoursHoldSMS(t *testing.T) {
	f := newFixture(t)
	f.setPrefs(t, f.c1, "22:00", "07:00", "outage.email", "outage.sms")
	night := time.Date(2026, 11, 2, 23, 30, 0, 0, time.Local)
	f.env.Clock.Set(night)
	if _, _, err := f.mod.Announce(context.Background(), Notice{Audience: "client", ClientID: f.c1, Title: "Night works", Text: "Fibre repair."}, "test", ""); err != nil {
		t.Fatal(err)
	}
	if msgs := f.deliverMail(t); len(msgs) != 1 || msgs[0].Subject != "Night works" {
		t.Fatalf("mail in quiet hours: %+v", msgs)
	}
	if n, err := f.mod.DeliverDue(context.Background()); err != nil || n != 0 {
		t.Fatalf("DeliverDue at night = %d, %v", n, err)
	}
	if texts := f.deliverSMS(t); len(texts) != 0 {
		t.Fatalf("SMS sent in quiet hours: %q", texts)
	}
	f.env.Browser().LoginAs(f.c1).Get("/notifications").Expect(t, 200, "Held until")
	f.env.Clock.Set(time.Date(2026, 11, 3, 6, 59, 0, 0, time.Local))
	if n, _ := f.mod.DeliverDue(context.Background()); n != 0 {
		t.Fatal("SMS released before the quiet hours end")
	}
	f.env.Clock.Set(time.Date(2026, 11, 3, 7, 0, 0, 0, time.Local))
	if n, err := f.mod.DeliverDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("DeliverDue at 07:00 = %d, %v", n, err)
	}
	if texts := f.deliverSMS(t); len(texts) != 1 || !strings.Contains(texts[0], "Night works") {
		t.Fatalf("SMS after quiet hours: %q", texts)
	}
	if n, _ := f.mod.DeliverDue(context.Background()); n != 0 {
		t.Fatal("the held SMS was released twice")
	}
}

func TestQuietUntil(t *testing.T) {
	loc := time.UTC
	at := func(h, m int) time.Time { return time.Date(2026, 11, 2, h, m, 0, 0, loc) }
	cases := []struct {
		from, to string
		now      time.Time
		want     time.Time
	}{
		{"22:00", "07:00", at(23, 0), time.Date(2026, 11, 3, 7, 0, 0, 0, loc)},
		{"22:00", "07:00", at(3, 0), at(7, 0)},
		{"22:00", "07:00", at(7, 0), time.Time{}},
		{"22:00", "07:00", at(21, 59), time.Time{}},
		{"12:00", "13:30", at(12, 15), at(13, 30)},
		{"08:00", "08:00", at(8, 0), time.Time{}},
	}
	for _, c := range cases {
		if got := (Prefs{QuietFrom: c.from, QuietTo: c.to}).QuietUntil(c.now, loc); !got.Equal(c.want) {
			t.Errorf("%s–%s at %s: %s, want %s", c.from, c.to, c.now.Format("15:04"), got, c.want)
		}
	}
}

// A payment recorded through Hooks.Money (card, voucher) and one imported are each
// announced once to a subscriber who wants payments.
func TestPaymentReceived(t *testing.T) {
	f := newFixture(t)
	f.setPrefs(t, f.c1, "00:00", "00:00", "payment.email")
	pay := `{"external_id":"P-9","client":"7001","date":"2026-11-01","amount":"99.00","currency":"CZK","method":"bank"}` + "\n"
	f.importFile(t, "payment import", pay)
	f.importFile(t, "payment import", pay)
	f.env.Tx(func(tx *sql.Tx) error {
		_, err := f.env.Deps.Hooks.Money.Record(context.Background(), tx, app.MoneyIn{ClientID: f.c1, ExternalID: "card-1",
			PaidOn: f.env.Clock.Now(), Amount: 5000, Currency: "CZK", Method: "card", CreatedAt: f.env.Clock.Now()})
		return err
	})
	msgs := f.deliverMail(t)
	if len(msgs) != 2 || msgs[0].Subject != "Payment received: 99.00 CZK" || msgs[1].Subject != "Payment received: 50.00 CZK" {
		t.Fatalf("mails %+v", msgs)
	}
}

// The helpdesk's staff reply goes through notify: mailed once when the subscriber
// wants e-mail of replies (the default), not at all when not, and an SMS added when
// chosen.
func TestTicketReplyRespectsPreference(t *testing.T) {
	f := newFixture(t)
	var dept int64
	f.env.Tx(func(tx *sql.Tx) (err error) {
		dept, err = helpdesk.SaveDepartment(context.Background(), tx, helpdesk.Department{Name: "Support", PortalRequests: true}, f.env.Clock.Now())
		return err
	})
	reply := func(client int64, body string) helpdesk.ReplyResult {
		var res helpdesk.ReplyResult
		f.env.Tx(func(tx *sql.Tx) error {
			id, err := helpdesk.SaveTicket(context.Background(), tx, helpdesk.Ticket{ClientID: client, DepartmentID: dept, Subject: "Slow line", State: "open"}, f.env.Clock.Now())
			if err != nil {
				return err
			}
			res, err = helpdesk.ReplyAsStaff(context.Background(), tx, f.env.Deps, id, "support", body)
			return err
		})
		return res
	}
	if res := reply(f.c1, "We fixed it."); res.MailID == 0 || res.NoMail != "" {
		t.Fatalf("default: %+v", res)
	}
	f.setPrefs(t, f.c2, "00:00", "00:00", "ticket_reply.sms")
	if res := reply(f.c2, "Check again."); res.MailID != 0 || res.NoMail != helpdesk.NoMailPreference {
		t.Fatalf("e-mail off: %+v", res)
	}
	msgs := f.deliverMail(t)
	if len(msgs) != 1 || !strings.HasPrefix(msgs[0].Subject, "Re: Slow line") || !strings.Contains(msgs[0].Text, "We fixed it.") {
		t.Fatalf("mails %+v", msgs)
	}
	if texts := f.deliverSMS(t); len(texts) != 1 || !strings.Contains(texts[0], "New reply to your ticket") {
		t.Fatalf("SMS %q", texts)
	}
}
