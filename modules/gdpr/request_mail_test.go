package gdpr

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/testkit"
)

// deliverAll sends the outbox to srv and returns every message it received so far.
func deliverAll(t *testing.T, env *testkit.Env, srv *mailtest.Server) []mailtest.Message {
	t.Helper()
	w := mail.NewWorker(env.Deps.DB, srv.Config, env.Deps.Log, env.Clock.Now)
	if _, _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	return srv.Messages()
}

// TestRequestStateMailed: each state change of a privacy request is mailed to its
// client (kind and state in the client's language, the own-data link), through the
// outbox and the real SMTP test server; saving the same state again mails nothing;
// the other client gets nothing.
func TestRequestStateMailed(t *testing.T) {
	env, a, other := exportEnv(t)
	srv := mailtest.Start(t)
	b := env.Browser().LoginAs(a)
	b.Post("/gdpr/requests", url.Values{"kind": {KindRestriction}}).Expect(t, http.StatusSeeOther)
	env.Browser().LoginAs(other).Post("/gdpr/requests", url.Values{"kind": {KindErasure}}).Expect(t, http.StatusSeeOther)
	s := env.StaffBrowser("admin")
	s.Post("/admin/gdpr/requests/1", url.Values{"state": {ReqInProgress}}).Expect(t, http.StatusSeeOther)
	msgs := deliverAll(t, env, srv)
	if len(msgs) != 1 {
		t.Fatalf("%d mails, want 1", len(msgs))
	}
	m := msgs[0]
	if strings.Join(m.To, ",") != "jiri@example.cz" || !strings.Contains(m.Subject, "Being handled") {
		t.Fatalf("mail to %v: %q", m.To, m.Subject)
	}
	for _, want := range []string{"Restrict the processing of my data", "Being handled", "7001", "https://portal.isp.example/gdpr/export"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("mail lacks %q:\n%s", want, m.Text)
		}
	}
	// The same state again: no mail. Czech client, refused: a Czech mail.
	s.Post("/admin/gdpr/requests/1", url.Values{"state": {ReqInProgress}}).Expect(t, http.StatusSeeOther)
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET language = 'cs' WHERE id = ?`, a)
		return err
	})
	// Refusing needs the reasons: the form comes back with the message and the typed
	// state, nothing changes and nothing is mailed.
	s.Post("/admin/gdpr/requests/1", url.Values{"state": {ReqRefused}, "reply": {"  "}}).
		Expect(t, http.StatusUnprocessableEntity, "Give the client the reasons for refusing the request.", `aria-invalid="true"`,
			`<option value="refused" selected>`)
	s.Post("/admin/gdpr/requests/1", url.Values{"state": {ReqRefused}, "reply": {strings.Repeat("x", 2001)}}).
		Expect(t, http.StatusUnprocessableEntity, "at most 2000 characters")
	if n := env.Count(`SELECT COUNT(*) FROM gdpr_requests WHERE id = 1 AND state = ?`, ReqInProgress); n != 1 {
		t.Fatal("a refusal without reasons changed the request")
	}
	reason := "Faktury musíme ze zákona uchovat deset let."
	s.Post("/admin/gdpr/requests/1", url.Values{"state": {ReqRefused}, "reply": {reason}}).Expect(t, http.StatusSeeOther)
	msgs = deliverAll(t, env, srv)
	if len(msgs) != 2 {
		t.Fatalf("%d mails, want 2", len(msgs))
	}
	if m := msgs[1]; !strings.Contains(m.Subject, "Zamítnuta") || !strings.Contains(m.Text, "Omezit zpracování mých údajů") ||
		!strings.Contains(m.Text, "Naše odpověď:\n"+reason) {
		t.Fatalf("Czech mail: %q\n%s", m.Subject, m.Text)
	}
	if strings.Contains(msgs[0].Text, "answer") {
		t.Fatalf("a state change without an answer mentions one:\n%s", msgs[0].Text)
	}
	b.Header.Set("Accept-Language", "cs")
	b.Get("/gdpr/export").Expect(t, 200, "Naše odpověď", reason)
	env.Browser().LoginAs(other).Get("/gdpr/export").Lacks(t, reason)
	s.Get("/admin/gdpr/requests?state=all").Expect(t, 200, reason)
	if n := env.Count(`SELECT COUNT(*) FROM mail_outbox WHERE purpose = ? AND client_id = ?`, PurposeRequestState, other); n != 0 {
		t.Fatalf("%d mails for the other client", n)
	}
}
