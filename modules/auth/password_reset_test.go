package auth

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/internal/web"
)

const newPW = "seven purple owls at midnight"

// askLink posts the forgotten-password form from its own address (the per-IP limit
// is 5 per 10 minutes) and returns the answer.
func askLink(t *testing.T, env *testkit.Env, entry, ip string) *testkit.Response {
	t.Helper()
	b := env.Browser()
	b.RemoteAddr = ip + ":1000"
	b.Get("/password/forgot")
	return b.Post("/password/forgot", url.Values{"login": {entry}})
}

func TestForgotPasswordEndToEnd(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	mailer := newMailer(t, env)
	a := addClient(t, env, "5001", "", goodPW)
	addClient(t, env, "5002", "", goodPW)

	// Same page whether or not the address belongs to a client.
	known := askLink(t, env, "C5001@example.net", "192.0.2.1").Expect(t, 200, "If the details match a client")
	unknown := askLink(t, env, "nobody@example.net", "192.0.2.2").Expect(t, 200)
	if mask(known.Body) != mask(unknown.Body) || cookieNames(known) != cookieNames(unknown) {
		t.Fatal("known and unknown addresses answer differently")
	}
	msgs := mailer.deliver(t)
	if len(msgs) != 1 || msgs[0].To[0] != "c5001@example.net" || msgs[0].Subject != "Your client portal password" {
		t.Fatalf("mails: %+v", msgs)
	}
	path := link(t, msgs[0])
	if !strings.Contains(msgs[0].Text, "Client 5001") || !strings.Contains(msgs[0].Text, "5001") {
		t.Fatalf("mail lacks the client's name or number:\n%s", msgs[0].Text)
	}

	// Sessions from before the reset, and a lock, to see them go.
	old := env.Browser()
	login(old, "5001", goodPW).Expect(t, http.StatusSeeOther)
	other := env.Browser().LoginAs(env.AddClient("5003", 0))
	env.Tx(func(tx *sql.Tx) error {
		for i := 0; i < 5; i++ {
			if _, err := lockout.Fail(context.Background(), tx, lockout.KindClient, lockout.Account(a), env.Clock.Now(),
				lockout.Policy{MaxFailures: 5, LockFor: time.Hour}); err != nil {
				return err
			}
		}
		return nil
	})

	// Opening the link swaps the token for a state and drops it from the URL.
	b := env.Browser()
	r := b.Get(path)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/password/reset" {
		t.Fatalf("open link: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatal("no Referrer-Policy on the link page")
	}
	b.Get("/password/reset").Expect(t, 200, "Create a new password", "At least 12 characters")
	b.Post("/password/reset", url.Values{"password": {newPW}, "password2": {newPW + "x"}}).Expect(t, 422, "The two passwords differ.")
	b.Post("/password/reset", url.Values{"password": {"short"}, "password2": {"short"}}).Expect(t, 422, "too short")
	b.Post("/password/reset", url.Values{"password": {"Password12345!"}, "password2": {"Password12345!"}}).Expect(t, 422, "too easy to guess")
	done := b.Post("/password/reset", url.Values{"password": {newPW}, "password2": {newPW}}).
		Expect(t, 200, "Your new password is saved", `href="/login"`)
	if b.Cookie("sid") != nil || cookieNames(done) == "sid" {
		t.Fatal("the reset logged the browser in")
	}
	if loggedIn(t, old) {
		t.Fatal("a session from before the reset survived")
	}
	if !loggedIn(t, other) {
		t.Fatal("another client's session ended")
	}
	// The link works once.
	env.Browser().Get(path).Expect(t, http.StatusGone, "This link does not work", "Send me a new link")
	b.Post("/password/reset", url.Values{"password": {newPW}, "password2": {newPW}}).Expect(t, http.StatusGone)
	// The lock is cleared and the new password works; the old one does not.
	login(env.Browser(), "5001", goodPW).Expect(t, 422)
	nb := env.Browser()
	login(nb, "5001", newPW).Expect(t, http.StatusSeeOther)

	msgs = mailer.deliver(t)
	if len(msgs) != 2 || !strings.Contains(msgs[1].Subject, "was changed") {
		t.Fatalf("no password-changed mail: %+v", msgs)
	}
	// No raw token in the database, and no token or password in the logs.
	tok := tokenOf(path)
	var n int
	env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM password_tokens WHERE token_hash = ?`, tok).Scan(&n)
	if n != 0 {
		t.Fatal("raw token stored")
	}
	if logs := env.Logs.String(); strings.Contains(logs, tok) || strings.Contains(logs, newPW) || strings.Contains(logs, goodPW) {
		t.Fatal("token or password in the log")
	}
}

func TestForgotByUsernameAndHostHeader(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	mailer := newMailer(t, env)
	addClient(t, env, "5001", "", goodPW)
	addClient(t, env, "5002", "Novak", goodPW)
	env.Set("ci_forgotten_password", "username")
	b := env.Browser()
	b.Get("/password/forgot").Expect(t, 200, "Enter your client number or username", `autocomplete="username"`)
	// The link is built from ci_url, never from the Host header.
	req := httptest.NewRequest(http.MethodPost, "http://evil.example/password/forgot",
		strings.NewReader(url.Values{"login": {"5001"}, "csrf": {b.CSRF()}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	b.Do(req).Expect(t, 200, "If the details match a client")
	askLink(t, env, "NOVAK", "192.0.2.9").Expect(t, 200)
	askLink(t, env, "nobody", "192.0.2.10").Expect(t, 200)
	msgs := mailer.deliver(t)
	if len(msgs) != 2 {
		t.Fatalf("%d mails, want 2", len(msgs))
	}
	for _, m := range msgs {
		link(t, m) // fails unless the link is on portal.isp.example
		if strings.Contains(m.Text, "evil.example") {
			t.Fatal("Host header reached the link")
		}
	}
	// Without ci_url, server_url + /clientinterface/ is the base.
	env.Set("ci_url", "")
	env.Set("server_url", "https://isp.example")
	askLink(t, env, "5001", "192.0.2.11")
	msgs = mailer.deliver(t)
	if !strings.Contains(msgs[2].Text, "https://isp.example/clientinterface/password/reset?token=") {
		t.Fatalf("server_url link missing:\n%s", msgs[2].Text)
	}
	// Czech client, Czech mail.
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET language = 'cs' WHERE number = '5001'`)
		return err
	})
	askLink(t, env, "5001", "192.0.2.12")
	if msgs = mailer.deliver(t); msgs[3].Subject != "Heslo do zákaznického portálu" {
		t.Fatalf("Czech subject: %q", msgs[3].Subject)
	}
}

func TestResetLinkExpiresAt60Minutes(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	mailer := newMailer(t, env)
	addClient(t, env, "5001", "", goodPW)
	start := env.Clock.Now()
	askLink(t, env, "c5001@example.net", "192.0.2.1")
	path := link(t, mailer.deliver(t)[0])
	env.Clock.Set(start.Add(59*time.Minute + 59*time.Second))
	b := env.Browser()
	b.Get(path).Expect(t, http.StatusSeeOther)
	b.Get("/password/reset").Expect(t, 200)
	env.Clock.Set(start.Add(60 * time.Minute))
	env.Browser().Get(path).Expect(t, http.StatusGone, "has expired")
	// The form opened in time does not outlive the link either.
	b.Post("/password/reset", url.Values{"password": {newPW}, "password2": {newPW}}).Expect(t, http.StatusGone)
}

func TestResetTokensTamperedReplacedAndForeign(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	mailer := newMailer(t, env)
	addClient(t, env, "5001", "", goodPW)
	bID := addClient(t, env, "5002", "", goodPW)
	// Two requests: the first link dies.
	askLink(t, env, "c5001@example.net", "192.0.2.1")
	askLink(t, env, "c5001@example.net", "192.0.2.2")
	msgs := mailer.deliver(t)
	first, second := link(t, msgs[0]), link(t, msgs[1])
	env.Browser().Get(first).Expect(t, http.StatusGone)
	// Tampered and nonsense tokens.
	tok := tokenOf(second)
	flip := "A"
	if strings.HasSuffix(tok, "A") {
		flip = "B"
	}
	for _, bad := range []string{tok[:len(tok)-1] + flip, "", "x", strings.Repeat("A", 5000), "%00%ff", "' OR 1=1 --"} {
		env.Browser().Get("/password/reset?token="+url.QueryEscape(bad)).Expect(t, http.StatusGone)
	}
	// No state cookie, or a forged one: no form.
	env.Browser().Get("/password/reset").Expect(t, http.StatusGone)
	forged := env.Browser()
	forged.SetCookie(&http.Cookie{Name: resetCookie, Value: web.NewToken()})
	forged.Post("/password/reset", url.Values{"password": {newPW}, "password2": {newPW}}).Expect(t, http.StatusGone)
	// Client A's link opened in client B's logged-in browser changes A's password only.
	b := env.Browser().LoginAs(bID)
	b.Get(second).Expect(t, http.StatusSeeOther)
	b.Get("/password/reset").Expect(t, 200)
	b.Post("/password/reset", url.Values{"password": {newPW}, "password2": {newPW}}).Expect(t, 200)
	login(env.Browser(), "5002", goodPW).Expect(t, http.StatusSeeOther)
	login(env.Browser(), "5001", newPW).Expect(t, http.StatusSeeOther)
}

func TestForgotCapsMailsPerClient(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := addClient(t, env, "5001", "", goodPW)
	for i := 0; i < 8; i++ {
		askLink(t, env, "c5001@example.net", "192.0.2."+string(rune('1'+i))).Expect(t, 200, "If the details match a client")
	}
	n, err := mail.CountRecent(context.Background(), env.Deps.DB.R, id, PurposeLink, time.Time{})
	if err != nil || n != mailCap {
		t.Fatalf("%d link mails queued (%v), want %d", n, err, mailCap)
	}
	// The per-IP limit answers 429 and locks nobody.
	b := env.Browser()
	b.RemoteAddr = "198.51.100.1:1"
	b.Get("/password/forgot")
	for i := 0; i < linkRate; i++ {
		b.Post("/password/forgot", url.Values{"login": {"x@example.net"}}).Expect(t, 200)
	}
	b.Post("/password/forgot", url.Values{"login": {"c5001@example.net"}}).Expect(t, http.StatusTooManyRequests)
	login(env.Browser(), "5001", goodPW).Expect(t, http.StatusSeeOther)
}

func TestTokenSingleUseRace(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := addClient(t, env, "5001", "", "")
	var tok string
	env.Tx(func(tx *sql.Tx) error {
		var err error
		tok, err = insertToken(context.Background(), tx, id, tokenReset, time.Hour, env.Clock.Now())
		return err
	})
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			env.Deps.DB.Tx(context.Background(), func(tx *sql.Tx) error {
				won, err := useToken(context.Background(), tx, web.HashToken(tok), env.Clock.Now())
				if won {
					wins.Add(1)
				}
				return err
			})
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d winners, want 1", wins.Load())
	}
}

// A link sent to the old e-mail address dies when the address (or the login name)
// changes, whichever way it is changed.
func TestContactChangeKillsLinks(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	mailer := newMailer(t, env)
	id := addClient(t, env, "5001", "", goodPW)
	askLink(t, env, "c5001@example.net", "192.0.2.1")
	path := link(t, mailer.deliver(t)[0])
	// An update that leaves e-mail and username alone keeps the link.
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET phone = '+420 111 222 333' WHERE id = ?`, id)
		return err
	})
	b := env.Browser()
	b.Get(path).Expect(t, http.StatusSeeOther)
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET email = 'new@example.net' WHERE id = ?`, id)
		return err
	})
	// Neither the link nor a form opened from it before the change works any more.
	b.Post("/password/reset", url.Values{"password": {newPW}, "password2": {newPW}}).Expect(t, http.StatusGone)
	env.Browser().Get(path).Expect(t, http.StatusGone)
	login(env.Browser(), "5001", goodPW).Expect(t, http.StatusSeeOther)
}
