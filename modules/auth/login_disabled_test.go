package auth

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/testkit"
)

const disabledText = "Your access to the client portal is disabled"

func setActive(env *testkit.Env, id int64, active bool) {
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET active = ? WHERE id = ?`, active, id)
		return err
	})
}

// TestDeactivatedClientCannotLogIn: no path lets a deactivated client in. The right
// password (form, /sign/, one-time password) shows the "access disabled" page with the
// supplier to contact; a wrong password gets the ordinary answer; a live session and a
// password link stop working; a forgotten-password request sends nothing.
func TestDeactivatedClientCannotLogIn(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	ctx := context.Background()
	g := env.AddGroup("NetWave")
	id := addClient(t, env, "5001", "", goodPW)
	addClient(t, env, "5002", "", goodPW)
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET invoice_group_id = ? WHERE id = ?`, g, id)
		return err
	})
	// Before: a session, a link opened in a browser, and a link not yet opened.
	sess := env.Browser()
	login(sess, "5001", goodPW).Expect(t, http.StatusSeeOther)
	var opened, unopened string
	env.Tx(func(tx *sql.Tx) error {
		var err error
		if opened, err = insertToken(ctx, tx, id, tokenStaff, time.Hour, env.Clock.Now()); err != nil {
			return err
		}
		return nil
	})
	linkBrowser := env.Browser()
	linkBrowser.Get("/password/reset?token="+opened).Expect(t, http.StatusSeeOther)
	linkBrowser.Get("/password/reset").Expect(t, 200, "Create a new password")

	// Deactivated directly in the database: the session check alone must refuse.
	setActive(env, id, false)
	if loggedIn(t, sess) {
		t.Fatal("the session of a deactivated client still works")
	}

	// The right password: the page that says so, and no session.
	b := env.Browser()
	login(b, "5001", goodPW).Expect(t, http.StatusForbidden, disabledText, "NetWave s.r.o.").Lacks(t, "The login name or password is wrong")
	if b.Cookie("sid") != nil || loggedIn(t, b) {
		t.Fatal("a deactivated client got a session")
	}
	b.Post("/sign/", url.Values{"username": {"5001"}, "password": {goodPW}, "send": {"Log in"}, "_do": {"signInForm-submit"}}).
		Expect(t, http.StatusForbidden, disabledText)
	cs := env.Browser()
	cs.Header.Set("Accept-Language", "cs")
	login(cs, "5001", goodPW).Expect(t, http.StatusForbidden, "Váš přístup do zákaznického portálu je zablokován", "NetWave s.r.o.")
	if n := countAudit(t, env, "login.disabled", id); n != 3 {
		t.Fatalf("%d login.disabled entries, want 3", n)
	}

	// A wrong password: the ordinary answer, byte for byte that of an active client.
	wrongOff := login(env.Browser(), "5001", "not the password 1")
	wrongOn := login(env.Browser(), "5002", "not the password 1")
	if wrongOff.StatusCode != 422 || mask(wrongOff.Body, "5001") != mask(wrongOn.Body, "5002") {
		t.Fatalf("wrong passwords of deactivated and active clients answer differently:\n%s", wrongOff.Body)
	}

	// A one-time password: refused the same way, and not spent.
	env.Tx(func(tx *sql.Tx) error {
		return SavePassword(ctx, tx, id, goodHash(), true, env.Clock.Now().Add(time.Hour), env.Clock.Now())
	})
	login(env.Browser(), "5001", goodPW).Expect(t, http.StatusForbidden, disabledText)
	if cred, err := credentialFor(ctx, env.Deps.DB.R, id); err != nil || !cred.usableOTP(env.Clock.Now()) {
		t.Fatalf("the refused login spent the one-time password: %+v %v", cred, err)
	}

	// Links: neither one opened before nor a new one sets a password (a new link kills
	// the older ones, so the opened one goes first).
	linkBrowser.Get("/password/reset").Expect(t, http.StatusForbidden, disabledText)
	linkBrowser.Post("/password/reset", url.Values{"password": {newPW}, "password2": {newPW}}).Expect(t, http.StatusForbidden, disabledText)
	env.Tx(func(tx *sql.Tx) error {
		var err error
		unopened, err = insertToken(ctx, tx, id, tokenStaff, time.Hour, env.Clock.Now())
		return err
	})
	env.Browser().Get("/password/reset?token="+unopened).Expect(t, http.StatusForbidden, disabledText)
	if cred, _ := credentialFor(ctx, env.Deps.DB.R, id); !cred.MustChange {
		t.Fatal("a link set a deactivated client's password")
	}
	// Forgotten password by login name: the usual page, no mail.
	env.Set("ci_forgotten_password", "username")
	askLink(t, env, "5001", "192.0.2.77").Expect(t, 200, "If the details match a client")
	var mails int
	env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM mail_outbox WHERE client_id = ?`, id).Scan(&mails)
	if mails != 0 {
		t.Fatalf("%d mails to a deactivated client", mails)
	}

	// Staff hand a deactivated client no password either (the CLI here; the console
	// and the API call the same functions).
	for _, flag := range []string{"--generate", "--send-link"} {
		if _, err := runCmd(t, env, "", "client", "password", "5001", flag); !errors.Is(err, ErrInactive) {
			t.Fatalf("client password %s for a deactivated client: %v", flag, err)
		}
	}

	// Active again: everything works.
	setActive(env, id, true)
	nb := env.Browser()
	if r := login(nb, "5001", goodPW); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != pathNew {
		t.Fatalf("login after reactivation: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
}

func countAudit(t *testing.T, env *testkit.Env, action string, clientID int64) int {
	t.Helper()
	var n int
	if err := env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = ? AND client_id = ?`, action, clientID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
