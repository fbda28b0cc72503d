package requests_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/requests"
)

// TestStaffReplyMailsClient: a staff reply to a support request (console or API) sends
// the client a mail in the client's language through the outbox; a change without a
// reply, or a client without an address, sends none.
func TestStaffReplyMailsClient(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, requests.New, admin.New, api.New)
	env.Set("ci_auth_requests_enable", "1")
	env.Set("ci_url", "https://portal.isp.example/")
	en, cs, none := env.AddClient("3001", 0), env.AddClient("3002", 0), env.AddClient("3003", 0)
	env.Tx(func(tx *sql.Tx) error {
		if _, err := tx.Exec(`UPDATE clients SET language = 'cs' WHERE id = ?`, cs); err != nil {
			return err
		}
		_, err := tx.Exec(`UPDATE clients SET email = '' WHERE id = ?`, none)
		return err
	})
	for _, cl := range []int64{en, cs, none} {
		env.Browser().LoginAs(cl).Post("/requests", url.Values{"subject": {"Moving"}, "category": {"service_change"}, "text": {"Please move my line."}}).Expect(t, 303)
	}
	srv := mailtest.Start(t)
	worker := mail.NewWorker(env.Deps.DB, srv.Config, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	deliver := func() []mailtest.Message {
		t.Helper()
		srv.Clear()
		n, _, err := worker.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return nil
		}
		return srv.WaitFor(t, n, 5*time.Second)
	}
	deliver() // nothing: no staff copies configured

	b := env.StaffBrowserAs("jana", core.RoleSupport)
	b.Post("/admin/requests/1", url.Values{"state": {"in_progress"}}).Expect(t, 303)
	if msgs := deliver(); len(msgs) != 0 {
		t.Fatalf("a state change mailed %d", len(msgs))
	}
	b.Post("/admin/requests/1", url.Values{"state": {"in_progress"}, "reply": {"A technician comes on Friday."}}).Expect(t, 303)
	msgs := deliver()
	if len(msgs) != 1 || !strings.Contains(msgs[0].To[0], "c3001@example.net") || msgs[0].Subject != "Re: your request #1: Moving" ||
		!strings.Contains(msgs[0].Text, "jana replied to your support request #1") || !strings.Contains(msgs[0].Text, "A technician comes on Friday.") ||
		!strings.Contains(msgs[0].Text, "https://portal.isp.example/requests/1") {
		t.Fatalf("reply mail: %+v", msgs)
	}

	// Through the API, to the Czech client.
	a := env.API()
	a.Call(a.Admin(), "requests.update", map[string]any{"id": 2, "reply": "Technik přijde v pátek."}).OK(t, nil)
	msgs = deliver()
	if len(msgs) != 1 || msgs[0].Subject != "Re: váš požadavek #2: Moving" || !strings.Contains(msgs[0].Text, "Technik přijde v pátek.") ||
		!strings.Contains(msgs[0].Text, "Klientském portálu") {
		t.Fatalf("Czech reply mail: %+v", msgs)
	}

	// No address: the reply is stored, no mail.
	b.Post("/admin/requests/3", url.Values{"state": {"new"}, "reply": {"Noted."}}).Expect(t, 303)
	if msgs := deliver(); len(msgs) != 0 {
		t.Fatalf("mailed a client without an address: %d", len(msgs))
	}
	if env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'request.update' AND detail LIKE '%no mail (no address)'`) != 1 {
		t.Fatal("the missing mail is not in the audit detail")
	}
}
