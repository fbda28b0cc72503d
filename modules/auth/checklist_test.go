package auth

// Tests for SECURITY.md section 2 that the other test files leave open (see the
// item numbers on each test).

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/testkit"
)

// Item 5, the variant CI can afford (TestLoginTiming is the 500-sample measurement):
// a login for an unknown name, a wrong password, a locked account and a client
// number whose client must log in by username all run one argon2id, so their median
// times agree within a factor of two. A path that skipped the dummy hash answers in
// microseconds instead of tens of milliseconds, far outside that. Not parallel, so it
// runs before this package's parallel tests compete for the CPU; the cases are
// interleaved so that load from other processes hits them alike.
func TestLoginTimingAlikeInCI(t *testing.T) {
	testkit.RealPasswordCost(t) // a skipped hash must stand out from a real one
	env := newEnv(t)
	env.Set("ci_login_attempts", "100") // "wrong" stays a wrong password, never a lock
	addClient(t, env, "5001", "", goodPW)
	locked := addClient(t, env, "5002", "", goodPW)
	addClient(t, env, "5003", "novak", goodPW)
	env.Tx(func(tx *sql.Tx) error {
		_, err := lockout.Fail(context.Background(), tx, lockout.KindClient, lockout.Account(locked), env.Clock.Now(),
			lockout.Policy{MaxFailures: 1, LockFor: 24 * time.Hour})
		return err
	})
	cases := []struct{ name, login string }{{"wrong", "5001"}, {"unknown", "9999"}, {"locked", "5002"}, {"number of a username client", "5003"}}
	const rounds = 9
	samples := map[string][]time.Duration{}
	for i := 0; i < rounds; i++ {
		for j := range cases {
			c := cases[(i+j)%len(cases)] // rotate the order too
			b := env.Browser()
			b.RemoteAddr = fmt.Sprintf("10.2.%d.%d:1", i, j+1) // fresh address: no per-IP limit
			b.Get("/login")
			start := time.Now()
			r := b.Post("/login", url.Values{"login": {c.login}, "password": {"not the password"}})
			samples[c.name] = append(samples[c.name], time.Since(start))
			if r.StatusCode != 422 {
				t.Fatalf("%s: status %d", c.name, r.StatusCode)
			}
		}
	}
	med := map[string]time.Duration{}
	for name, ds := range samples {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		med[name] = ds[len(ds)/2]
	}
	t.Logf("median over %d rounds: %v", rounds, med)
	ref := med["wrong"]
	for _, c := range cases[1:] {
		if m := med[c.name]; m < ref/2 || m > ref*2 {
			t.Errorf("median %s login %v, wrong password %v: not within a factor of 2 (a skipped or extra hash?)", c.name, m, ref)
		}
	}
}

// authLines returns the auth.submitLogin lines of the log.
func authLines(logs string) []string {
	var out []string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "auth.submitLogin") {
			out = append(out, l)
		}
	}
	return out
}

// Item 7: the auth log line names the real client address (the one the trusted proxy
// saw, not the proxy, not what the client wrote into X-Forwarded-For), the outcome
// and the account, and never the password or the typed name. So does the audit log.
func TestAuthLogCarriesRealClientIP(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := addClient(t, env, "5001", "", goodPW)
	const wrongPW = "Wrong-Secret-4711"
	// Through the trusted proxy 10.99.0.1; the client forged the left part.
	p := env.Browser()
	p.RemoteAddr = "10.99.0.1:4000"
	p.Header.Set("X-Forwarded-For", "203.0.113.9, 198.51.100.23")
	login(p, "5001", wrongPW).Expect(t, 422)
	login(p, "5001", goodPW).Expect(t, http.StatusSeeOther)
	// Directly from an untrusted peer: its own address, whatever it claims.
	d := env.Browser()
	d.RemoteAddr = "192.0.2.44:5555"
	d.Header.Set("X-Forwarded-For", "198.51.100.99")
	login(d, "ghost-name", wrongPW).Expect(t, 422)

	lines := authLines(env.Logs.String())
	want := []string{"outcome=fail client_id=" + strconv.FormatInt(id, 10) + " ip=198.51.100.23",
		"outcome=ok client_id=" + strconv.FormatInt(id, 10) + " ip=198.51.100.23", "outcome=fail client_id=0 ip=192.0.2.44"}
	if len(lines) != len(want) {
		t.Fatalf("%d auth log lines, want %d:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}
	for i, l := range lines {
		if !strings.Contains(l, want[i]) {
			t.Errorf("auth log line %d: %s\nwant it to contain %q", i, l, want[i])
		}
		for _, bad := range []string{"10.99.0.1", "203.0.113.9", "198.51.100.99", wrongPW, goodPW, "ghost-name"} {
			if strings.Contains(l, bad) {
				t.Errorf("auth log line %d contains %q: %s", i, bad, l)
			}
		}
	}
	if logs := env.Logs.String(); strings.Contains(logs, wrongPW) || strings.Contains(logs, goodPW) {
		t.Error("a password reached the log")
	}
	rows, err := env.Deps.DB.R.Query(`SELECT action, ip FROM audit_log WHERE action LIKE 'login.%' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var a, ip string
		rows.Scan(&a, &ip)
		got = append(got, a+" "+ip)
	}
	if strings.Join(got, ",") != "login.fail 198.51.100.23,login.ok 198.51.100.23,login.fail 192.0.2.44" {
		t.Fatalf("audit: %v", got)
	}
}

// Item 8: a client behind the trusted proxy cannot escape its 429 by rotating what it
// writes into X-Forwarded-For (the proxy appends the real address, which is read from
// the right), nor X-Real-IP, nor by rotating the host half of its IPv6 /64.
func TestRotatingForwardedForThroughProxyKeepsThe429(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := addClient(t, env, "5001", "", goodPW)
	for _, real := range []func(i int) string{
		func(int) string { return "192.0.2.77" },
		func(i int) string { return fmt.Sprintf("2001:db8:77:1::%x", i+1) },
	} {
		b := env.Browser()
		b.Get("/login")
		send := func(i int) *http.Response {
			b.RemoteAddr = fmt.Sprintf("10.99.0.1:%d", 4000+i) // a new proxy connection each time
			b.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d, %s", i%7, i%251, i%13+1, real(i)))
			b.Header.Set("X-Real-IP", fmt.Sprintf("172.16.%d.%d", i%250, i%13+1))
			// An empty password is refused before hashing, but counts for the limit.
			return b.Post("/login", url.Values{"login": {"5001"}, "password": {""}}).Response
		}
		for i := 0; i < loginRate; i++ {
			if r := send(i); r.StatusCode != 422 {
				t.Fatalf("%s request %d: %d", real(i), i, r.StatusCode)
			}
		}
		for i := loginRate; i < loginRate+15; i++ {
			if r := send(i); r.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("%s request %d with a rotated X-Forwarded-For: %d, want 429", real(i), i, r.StatusCode)
			}
		}
	}
	// The limit is the client's, not the proxy's: another client behind it logs in.
	o := env.Browser()
	o.RemoteAddr = "10.99.0.1:9000"
	o.Header.Set("X-Forwarded-For", "192.0.2.78")
	login(o, "5001", goodPW).Expect(t, http.StatusSeeOther)
	if s := lockState(t, env, id); s.Failures != 0 {
		t.Fatalf("rate-limited requests fed a lockout: %+v", s)
	}
}

// blackHole is an SMTP server that accepts connections and never says a word.
type blackHole struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	first chan struct{} // closed at the first accepted connection
}

func newBlackHole(t *testing.T) *blackHole {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &blackHole{ln: ln, first: make(chan struct{})}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			h.mu.Lock()
			if len(h.conns) == 0 {
				close(h.first)
			}
			h.conns = append(h.conns, c)
			h.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		h.mu.Lock()
		for _, c := range h.conns {
			c.Close()
		}
		h.mu.Unlock()
	})
	return h
}

// Item 9: with the SMTP server black-holed (it accepts and never answers, so a send
// hangs until go-mail's 15 s timeout) and the outbox worker running as `portal serve`
// runs it, the forgotten-password form still answers at once: the request only queues
// the mail. 200 ms is the requirement; the bound is 1 s because a loaded two-core CI
// machine under -race is slow, and a synchronous send would take 15 s.
func TestForgotAnswersWhileSMTPIsBlackHoled(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	hole := newBlackHole(t)
	_, port, _ := net.SplitHostPort(hole.ln.Addr().String())
	env.Set("smtp_host", "127.0.0.1")
	env.Set("smtp_port", port)
	addClient(t, env, "5001", "", goodPW)
	addClient(t, env, "5002", "", goodPW)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { env.MailWorker.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		hole.ln.Close()
		hole.mu.Lock()
		for _, c := range hole.conns {
			c.Close() // ends the worker's hanging read
		}
		hole.mu.Unlock()
		<-done
	})
	const limit = time.Second
	ask := func(entry, ip string) time.Duration {
		b := env.Browser()
		b.RemoteAddr = ip + ":1000"
		b.Get("/password/forgot").Expect(t, 200)
		start := time.Now()
		r := b.Post("/password/forgot", url.Values{"login": {entry}})
		took := time.Since(start)
		r.Expect(t, 200, "If the details match a client")
		return took
	}
	took := ask("c5001@example.net", "192.0.2.1")
	t.Logf("answer with the worker about to send: %v", took)
	if took > limit {
		t.Fatalf("forgot answered after %v with SMTP black-holed, want < %v", took, limit)
	}
	// The worker really is stuck in the black hole now...
	select {
	case <-hole.first:
	case <-time.After(20 * time.Second):
		t.Fatal("the outbox worker never connected to the SMTP server")
	}
	// ...and a request meanwhile, known or unknown, still answers at once.
	for i, entry := range []string{"c5002@example.net", "nobody@example.net"} {
		took := ask(entry, fmt.Sprintf("192.0.2.%d", i+2))
		t.Logf("answer %q while the worker hangs: %v", entry, took)
		if took > limit {
			t.Fatalf("forgot answered after %v while the worker hangs on SMTP, want < %v", took, limit)
		}
	}
	var queued int
	env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM mail_outbox WHERE purpose = ? AND status IN ('queued', 'sending')`, PurposeLink).Scan(&queued)
	if queued != 2 {
		t.Fatalf("%d link mails waiting, want 2", queued)
	}
}

// Item 10: a link token is 32 random bytes in base64url, stored only as its SHA-256
// with the client and the purpose, and it is good for nothing but its own purpose: it
// is no session id and no opened-link state, and neither of those is a link token.
func TestLinkTokenIs32BytesAndBoundToItsPurpose(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	mailer := newMailer(t, env)
	a := addClient(t, env, "5001", "", goodPW)
	var toks []string
	for i := 0; i < 3; i++ {
		askLink(t, env, "c5001@example.net", fmt.Sprintf("192.0.2.%d", i+1))
	}
	msgs := mailer.deliver(t)
	for _, m := range msgs {
		toks = append(toks, tokenOf(link(t, m)))
	}
	for i, tok := range toks {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(raw) != 32 || strings.ContainsAny(tok, "+/=") {
			t.Fatalf("token %q: %d bytes (%v), want 32 bytes base64url without padding", tok, len(raw), err)
		}
		for _, other := range toks[:i] {
			if other == tok {
				t.Fatal("two links with the same token")
			}
		}
		sum := sha256.Sum256([]byte(tok))
		var client int64
		var purpose string
		if err := env.Deps.DB.R.QueryRow(`SELECT client_id, purpose FROM password_tokens WHERE token_hash = ?`,
			hex.EncodeToString(sum[:])).Scan(&client, &purpose); err != nil || client != a || purpose != tokenReset {
			t.Fatalf("stored link: client %d purpose %q (%v)", client, purpose, err)
		}
	}
	if err := SendPasswordLink(context.Background(), env.Deps, a, "staff:test", "127.0.0.1"); err != nil {
		t.Fatal(err)
	}
	staffTok := tokenOf(link(t, mailer.deliver(t)[3]))
	var purpose string
	env.Deps.DB.R.QueryRow(`SELECT purpose FROM password_tokens WHERE token_hash = ?`, fmt.Sprintf("%x", sha256.Sum256([]byte(staffTok)))).Scan(&purpose)
	if purpose != tokenStaff {
		t.Fatalf("staff link purpose %q", purpose)
	}

	// A session of client A, and an opened link's state (of the live staff link).
	sess := env.Browser()
	login(sess, "5001", goodPW).Expect(t, http.StatusSeeOther)
	sid := sess.Cookie("sid").Value
	opened := env.Browser()
	opened.Get("/password/reset?token="+staffTok).Expect(t, http.StatusSeeOther)
	state := opened.Cookie(resetCookie).Value

	// The link token is no session id...
	asSession := env.Browser()
	asSession.SetCookie(&http.Cookie{Name: "sid", Value: staffTok})
	if loggedIn(t, asSession) {
		t.Fatal("a link token works as a session id")
	}
	// ...and no opened-link state.
	asState := env.Browser()
	asState.SetCookie(&http.Cookie{Name: resetCookie, Value: staffTok})
	asState.Get("/password/reset").Expect(t, http.StatusGone)
	asState.Post("/password/reset", url.Values{"password": {newPW}, "password2": {newPW}}).Expect(t, http.StatusGone)
	// A session id and a state are no link tokens.
	for _, v := range []string{sid, state} {
		env.Browser().Get("/password/reset?token="+v).Expect(t, http.StatusGone)
	}
	// All that changed nothing: the staff link still works, the old password too.
	opened.Get("/password/reset").Expect(t, 200)
	login(env.Browser(), "5001", goodPW).Expect(t, http.StatusSeeOther)
}

// Item 25: logout and a password reset end the session, and the browser never gets
// the old id back: whatever id it holds later differs from every earlier one, and
// the earlier ones are dead on the server.
func TestSessionIDChangesAtLogoutAndReset(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	mailer := newMailer(t, env)
	addClient(t, env, "5001", "", goodPW)
	b := env.Browser()
	login(b, "5001", goodPW).Expect(t, http.StatusSeeOther)
	ids := []string{b.Cookie("sid").Value}
	dead := func(when string) {
		t.Helper()
		for _, id := range ids {
			r := env.Browser()
			r.SetCookie(&http.Cookie{Name: "sid", Value: id})
			if loggedIn(t, r) {
				t.Fatalf("%s: the session id %s… still works", when, id[:8])
			}
		}
	}
	fresh := func(when string) {
		t.Helper()
		c := b.Cookie("sid")
		if c == nil {
			t.Fatalf("%s: no session cookie", when)
		}
		for _, id := range ids {
			if c.Value == id {
				t.Fatalf("%s: the session id did not change", when)
			}
		}
		ids = append(ids, c.Value)
	}
	noSessionCookie := func(when string, r *http.Response) {
		t.Helper()
		for _, c := range r.Cookies() {
			if c.Name == "sid" && c.Value != "" && c.MaxAge >= 0 {
				t.Fatalf("%s set a session cookie: %v", when, c)
			}
		}
		if b.Cookie("sid") != nil {
			t.Fatalf("%s: the browser still holds a session id", when)
		}
	}

	// Logout.
	b.Get("/password").Expect(t, 200)
	r := b.Post("/logout", nil).Expect(t, http.StatusSeeOther)
	noSessionCookie("logout", r.Response)
	dead("after logout")
	login(b, "5001", goodPW).Expect(t, http.StatusSeeOther)
	fresh("login after logout")

	// Reset from a link, opened in the same logged-in browser.
	askLink(t, env, "c5001@example.net", "192.0.2.1")
	b.Get(link(t, mailer.deliver(t)[0])).Expect(t, http.StatusSeeOther)
	b.Get("/password/reset").Expect(t, 200)
	r = b.Post("/password/reset", url.Values{"password": {newPW}, "password2": {newPW}}).Expect(t, 200, "Your new password is saved")
	noSessionCookie("reset", r.Response)
	if b.Cookie(resetCookie) != nil {
		t.Fatal("the opened-link state outlives the reset")
	}
	dead("after reset")
	login(b, "5001", newPW).Expect(t, http.StatusSeeOther)
	fresh("login after reset")
	if !loggedIn(t, b) {
		t.Fatal("the new session does not work")
	}
}
