package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/testkit"
)

// TestMailNamesThePortalHost sends through the booted worker and the real SMTP test
// server: the HELO and the Message-ID carry the host of ci_url (then server_url), not
// the machine's name.
func TestMailNamesThePortalHost(t *testing.T) {
	env := testkit.New(t)
	srv := mailtest.Start(t)
	env.Set("smtp_host", "127.0.0.1")
	env.Set("smtp_port", fmt.Sprint(srv.Port()))
	env.Set("smtp_tls", "none")
	env.Set("system_mail", "noreply@isp-mail.example")
	env.Set("system_mail_name", "ISP")
	send := func() mailtest.Message {
		t.Helper()
		srv.Clear()
		env.Tx(func(tx *sql.Tx) error {
			_, err := mail.Enqueue(context.Background(), tx, mail.Message{To: []string{"jan@example.cz"},
				Subject: "Hello", Text: "Hello", At: env.Clock.Now()})
			return err
		})
		if s, _, err := env.MailWorker.RunOnce(context.Background()); s != 1 || err != nil {
			t.Fatalf("RunOnce = %d, %v", s, err)
		}
		return srv.WaitFor(t, 1, 5*time.Second)[0]
	}
	for _, tc := range []struct{ ciURL, serverURL, want string }{
		{"https://Portal.ISP.example:8443/clientinterface/", "https://isp.example/", "portal.isp.example"},
		{"", "https://isp.example/", "isp.example"},
		{"https://192.0.2.7/", "", "isp-mail.example"}, // an IP names nothing: the sender's domain
	} {
		env.Set("ci_url", tc.ciURL)
		env.Set("server_url", tc.serverURL)
		got := send()
		if got.Helo != tc.want || !strings.HasSuffix(got.MessageID, "@"+tc.want+">") {
			t.Errorf("ci_url %q server_url %q: HELO %q Message-ID %q, want %q", tc.ciURL, tc.serverURL, got.Helo, got.MessageID, tc.want)
		}
	}
}
