package admin_test

import (
	"database/sql"
	"fmt"
	"net/url"
	"testing"

	"github.com/ispportal/portal/internal/core"
)

// TestDeactivatedClientPasswordActions: the console gives a deactivated client neither
// a one-time password nor a link, and says why.
func TestDeactivatedClientPasswordActions(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	env.Set("system_mail", "portal@example.cz")
	env.Set("system_mail_name", "Portal")
	env.Set("ci_url", "https://portal.example.cz/")
	cid := env.AddClient("7001", 0)
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET active = 0 WHERE id = ?`, cid)
		return err
	})
	b := staffBrowser(t, env, core.RoleSupport)
	card := fmt.Sprintf("/admin/clients/%d", cid)
	b.Get(card).Expect(t, 200, "Inactive")
	for _, form := range []url.Values{{"action": {"generate"}}, {"action": {"set"}, "password": {"agreed on the phone"}}, {"action": {"link"}}} {
		b.Post(card+"/password", form).Expect(t, 303)
		b.Get(card).Expect(t, 200, `role="alert">The client is deactivated`)
	}
	var creds, mails int
	env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM client_credentials WHERE client_id = ?`, cid).Scan(&creds)
	env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM mail_outbox WHERE client_id = ?`, cid).Scan(&mails)
	if creds != 0 || mails != 0 {
		t.Fatalf("deactivated client got %d passwords and %d mails", creds, mails)
	}
	b.Header.Set("Accept-Language", "cs")
	b.Post(card+"/password", url.Values{"action": {"generate"}})
	b.Get(card).Expect(t, 200, "Klient je deaktivován")
}
