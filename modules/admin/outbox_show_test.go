package admin_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/testkit"
)

var tokenRE = regexp.MustCompile(`token=([A-Za-z0-9_-]{20,})`)

// outboxColumnsWith names the columns of any outbox row that contain s.
func outboxColumnsWith(t *testing.T, env *testkit.Env, s string) []string {
	t.Helper()
	rows, err := env.Deps.DB.R.Query(`SELECT * FROM mail_outbox`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if strings.Contains(v.String, s) {
				out = append(out, cols[i])
			}
		}
	}
	return out
}

// TestOutboxKeepsNoLiveToken follows staff's create-password mail through the real
// worker and SMTP server: the client gets the link, the outbox keeps the mail with the
// token removed once it is sent or expired, and the console shows only that text.
func TestOutboxKeepsNoLiveToken(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	cid := env.AddClient("7001", 0)
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET email = 'c7001@example.net' WHERE id = ?`, cid)
		return err
	})
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

	// Sent.
	boss.Post(card+"/password", url.Values{"action": {"link"}}).Expect(t, 303)
	id, body := lastMail()
	m := tokenRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in the queued mail: %q", body)
	}
	token := m[1]
	page := fmt.Sprintf("/admin/tools/outbox/%d", id)
	// Waiting: the worker needs the token, staff never see it.
	boss.Get(page).Expect(t, 200, "token="+mail.Redacted, "c7001@example.net").Lacks(t, token)
	env.Set("smtp_host", "127.0.0.1")
	if s, _, err := env.MailWorker.RunOnce(context.Background()); s != 1 || err != nil {
		t.Fatalf("RunOnce = %d, %v", s, err)
	}
	if got := srv.WaitFor(t, 1, 5*time.Second)[0]; !strings.Contains(got.Text, "token="+token) {
		t.Fatalf("the client did not get the link: %q", got.Text)
	}
	if cols := outboxColumnsWith(t, env, token); len(cols) > 0 {
		t.Fatalf("token kept at rest after sending, in %v", cols)
	}
	boss.Get(page).Expect(t, 200, "token="+mail.Redacted).Lacks(t, token)
	boss.Get("/admin/tools/outbox").Expect(t, 200, fmt.Sprintf(`href="/admin/tools/outbox/%d"`, id))

	// Expired while no SMTP server was configured.
	env.Set("smtp_host", "")
	boss.Post(card+"/password", url.Values{"action": {"link"}}).Expect(t, 303)
	id2, body2 := lastMail()
	token2 := tokenRE.FindStringSubmatch(body2)[1]
	env.Clock.Advance(73 * time.Hour) // ci_password_link_staff_hours is 72
	env.MailWorker.RunOnce(context.Background())
	boss = adminBrowser(t, env, "boss2") // the first session has timed out meanwhile
	if cols := outboxColumnsWith(t, env, token2); len(cols) > 0 {
		t.Fatalf("token kept at rest after expiry, in %v", cols)
	}
	page2 := fmt.Sprintf("/admin/tools/outbox/%d", id2)
	boss.Get(page2).Expect(t, 200, "token="+mail.Redacted, "expired").Lacks(t, token2)
	// Sending it again would only deliver a dead link.
	boss.Post(page2+"/retry", nil).Expect(t, 303)
	boss.Get("/admin/tools/outbox").Expect(t, 200, "The link in this mail was removed")
	boss.Header.Set("Accept-Language", "cs")
	boss.Post(page2+"/retry", nil).Expect(t, 303)
	boss.Get("/admin/tools/outbox").Expect(t, 200, "Odkaz v tomto e-mailu byl odstraněn")

	// Who may read a mail: as the outbox.
	staffBrowser(t, env, core.RoleReadOnly).Get(page).Expect(t, 200)
	staffBrowser(t, env, core.RoleSupport).Get(page).Expect(t, 403)
	boss.Get("/admin/tools/outbox/999").Expect(t, 404)
	boss.Get("/admin/tools/outbox/x").Expect(t, 404)
}
