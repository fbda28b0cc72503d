package admin_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
)

// TestOutboxRevealResendAndTest: a waiting password mail's link is shown on request
// (audited) only while it is valid; a sent mail is sent again, one that carried a link
// is not; the test e-mail reports the real SMTP server's answer: not configured,
// refused, accepted.
func TestOutboxRevealResendAndTest(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	cid := env.AddClient("7201", 0)
	srv := mailtest.Start(t)
	env.Set("system_mail", "portal@example.cz")
	env.Set("system_mail_name", "Portal")
	env.Set("ci_url", "https://portal.example.cz/")
	env.Set("smtp_port", fmt.Sprint(srv.Port()))
	env.Set("smtp_tls", "none")
	boss := adminBrowser(t, env, "boss")
	card := fmt.Sprintf("/admin/clients/%d", cid)
	lastMail := func() (int64, string) {
		var id int64
		var body string
		env.Deps.DB.R.QueryRow(`SELECT id, body_text FROM mail_outbox ORDER BY id DESC LIMIT 1`).Scan(&id, &body)
		return id, body
	}

	// The test e-mail without a server: the console says so.
	boss.Post("/admin/tools/outbox/test", url.Values{"to": {"noc@isp.example"}}).Expect(t, 303)
	boss.Get("/admin/tools/outbox").Expect(t, 200, "No mail server is configured")
	for _, bad := range []string{"", "not an address", "a@b.example, c@d.example", "Jana <j@b.example>", "x@y.example\r\nBcc: z@q.example"} {
		boss.Post("/admin/tools/outbox/test", url.Values{"to": {bad}}).Expect(t, 422, "Enter one e-mail address")
	}

	// A waiting password mail: shown on request, audited with the IP.
	boss.Post(card+"/password", url.Values{"action": {"link"}}).Expect(t, 303)
	id, body := lastMail()
	m := tokenRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in mail %d: %q", id, body)
	}
	token := m[1]
	page := fmt.Sprintf("/admin/tools/outbox/%d", id)
	boss.Get(page).Expect(t, 200, "Show the link (audited)").Lacks(t, token)
	boss.Post(page+"/reveal", nil).Expect(t, 200, "token="+token, "This viewing is in the audit log")
	if n := env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'outbox.reveal' AND actor = 'staff:boss' AND ip <> '' AND client_id = ?`, cid); n != 1 {
		t.Fatalf("reveal audited %d times", n)
	}
	ro := staffBrowser(t, env, core.RoleReadOnly)
	ro.Post(page+"/reveal", nil).Expect(t, 403)
	staffBrowser(t, env, core.RoleSupport).Post(page+"/reveal", nil).Expect(t, 403)

	// Sent through the real server: the link is gone, so nothing is shown and the mail
	// is not sent again.
	env.Set("smtp_host", "127.0.0.1")
	if s, _, err := env.MailWorker.RunOnce(context.Background()); s != 1 || err != nil {
		t.Fatalf("RunOnce = %d, %v", s, err)
	}
	srv.WaitFor(t, 1, 5*time.Second)
	boss.Post(page+"/reveal", nil).Expect(t, 303)
	boss.Get(page).Expect(t, 200, "holds no valid link").Lacks(t, token)
	boss.Post(page+"/resend", nil).Expect(t, 303)
	boss.Get(page).Expect(t, 200, "Send the client a new link")

	// An ordinary sent mail is sent again as a new row.
	env.Tx(func(tx *sql.Tx) error {
		_, err := mail.Enqueue(context.Background(), tx, mail.Message{To: []string{"c7201@example.net"}, Subject: "Outage tonight",
			Text: "Maintenance 22:00-23:00.", Purpose: "notice", ClientID: cid, At: env.Clock.Now()})
		return err
	})
	plain, _ := lastMail()
	if s, _, err := env.MailWorker.RunOnce(context.Background()); s != 1 || err != nil {
		t.Fatalf("RunOnce = %d, %v", s, err)
	}
	ppage := fmt.Sprintf("/admin/tools/outbox/%d", plain)
	boss.Get(ppage).Expect(t, 200, "Send again", "Maintenance 22:00-23:00.")
	boss.Post(ppage+"/resend", nil).Expect(t, 303)
	copyID, copyBody := lastMail()
	if copyID == plain || copyBody != "Maintenance 22:00-23:00." {
		t.Fatalf("resend made %d %q", copyID, copyBody)
	}
	boss.Post(fmt.Sprintf("/admin/tools/outbox/%d/resend", copyID), nil).Expect(t, 303) // still waiting
	boss.Get("/admin/tools/outbox").Expect(t, 200, "Only a sent mail can be sent again")
	boss.Post("/admin/tools/outbox/99999/resend", nil).Expect(t, 404)
	if env.AuditCount("outbox.resend", "staff:boss") != 1 {
		t.Fatal("resend not audited once")
	}

	// The test e-mail: refused by the server, then accepted; each audited.
	srv.Clear()
	srv.RejectNext(1)
	boss.Post("/admin/tools/outbox/test", url.Values{"to": {"noc@isp.example"}}).Expect(t, 303)
	boss.Get("/admin/tools/outbox").Expect(t, 200, "The test e-mail was not sent. The transport answered:")
	boss.Header.Set("Accept-Language", "cs")
	boss.Post("/admin/tools/outbox/test", url.Values{"to": {"noc@isp.example"}}).Expect(t, 303)
	boss.Get("/admin/tools/outbox").Expect(t, 200, fmt.Sprintf("Poštovní server 127.0.0.1:%d zkušební e-mail přijal.", srv.Port()), "Odeslat zkušební e-mail")
	got := srv.WaitFor(t, 1, 5*time.Second)
	if got[0].To[0] != "noc@isp.example" || !strings.Contains(got[0].Subject, "Zkušební e-mail") {
		t.Fatalf("test mail %+v", got[0])
	}
	if n := env.AuditCount("mail.test", "staff:boss"); n != 3 {
		t.Fatalf("mail.test audited %d times, want 3", n)
	}
	ro.Post("/admin/tools/outbox/test", url.Values{"to": {"noc@isp.example"}}).Expect(t, 403)

	// A waiting link whose time ran out is not shown: the worker has not swept it yet,
	// but the link is dead.
	env.Set("smtp_host", "")
	boss.Post(card+"/password", url.Values{"action": {"link"}}).Expect(t, 303)
	id3, body3 := lastMail()
	token3 := tokenRE.FindStringSubmatch(body3)[1]
	page3 := fmt.Sprintf("/admin/tools/outbox/%d", id3)
	boss.Post(page3+"/reveal", nil).Expect(t, 200, token3)
	env.Clock.Advance(73 * time.Hour) // ci_password_link_staff_hours is 72
	boss = adminBrowser(t, env, "boss2")
	boss.Post(page3+"/reveal", nil).Expect(t, 303)
	boss.Get(page3).Expect(t, 200, "holds no valid link").Lacks(t, token3)
}
