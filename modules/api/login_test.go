package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/rpc"
)

// from returns an HTTP client whose connections come from a loopback address of its
// own, so that parallel callers do not share one per-address budget.
func from(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	return &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{DialContext: d.DialContext}}
}

// authCall is one JSON-RPC call that logs in with login and pw.
func authCall(id int, login, pw string) map[string]any {
	return map[string]any{"jsonrpc": "2.0", "id": id, "method": "session.info",
		"params": map[string]any{"auth": map[string]string{"login": login, "password": pw}}}
}

// TestParallelLoginsRevealNothing fires 100 auth calls for one staff login at once,
// one failure short of the lock: 99 wrong passwords and the right one. Whatever the
// order the calls are decided in, the right password must not get an answer of its
// own (it used to answer "locked" while the wrong ones said "wrong login or password").
func TestParallelLoginsRevealNothing(t *testing.T) {
	e := newEnv(t)
	id := e.addStaff("ops", core.RoleAdmin)
	answer := e.LoginRace(lockout.KindStaff, lockout.Account(id), testPassword, 100, 57,
		func(round, i int, pw string) func() string {
			body, _ := json.Marshal(authCall(1, "ops", pw))
			return func() string {
				resp, err := from(fmt.Sprintf("127.0.%d.%d", round, i+1)).Post(e.URL+"/jsonrpc", "application/json", strings.NewReader(string(body)))
				if err != nil {
					return "transport error: " + err.Error()
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				return fmt.Sprintf("%d %s", resp.StatusCode, b)
			}
		},
		// The right password decided before the fifth failure: a legitimate login.
		func(a string) bool { return strings.Contains(a, `"code":true`) })
	if !strings.Contains(answer, "login failed") {
		t.Fatalf("answer %s", answer)
	}
}

// TestBatchAuthenticatesOnce: one request may log in once. A batch of 100 calls with
// 100 different passwords costs one password check and one counted failure; the
// other calls are refused without a check. The same credentials repeated in every
// call of a batch are checked once and serve every call.
func TestBatchAuthenticatesOnce(t *testing.T) {
	e := newEnv(t)
	id := e.addStaff("ops", core.RoleAdmin)
	calls := make([]any, 100)
	for i := range calls {
		pw := fmt.Sprintf("guess %d", i)
		if i == 50 {
			pw = testPassword
		}
		calls[i] = authCall(i, "ops", pw)
	}
	body, _ := json.Marshal(calls)
	_, out := e.post("/jsonrpc", body)
	var rs []rpcResp
	decodeBytes(t, out, &rs)
	if len(rs) != 100 {
		t.Fatalf("%d answers", len(rs))
	}
	rs[0].Fails(t, rpc.CodeUnauthorized, "wrong login or password")
	for _, i := range []int{1, 50, 99} {
		rs[i].Fails(t, rpc.CodeUnauthorized, "once per request")
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'api.login%'`); n != 1 {
		t.Fatalf("%d login attempts audited, want 1", n)
	}
	st, err := lockout.Get(context.Background(), e.Deps.DB.R, lockout.KindStaff, lockout.Account(id), e.Clock.Now())
	if err != nil || st.Failures != 1 {
		t.Fatalf("lockout after one batch: %+v %v", st, err)
	}

	// The right credentials in every call: one login, one session for all.
	for i := range calls[:3] {
		calls[i] = authCall(i, "ops", testPassword)
	}
	body, _ = json.Marshal(calls[:3])
	_, out = e.post("/jsonrpc", body)
	rs = nil
	decodeBytes(t, out, &rs)
	for _, r := range rs {
		r.OK(t, nil)
		if r.Result.SessionID != rs[0].Result.SessionID {
			t.Fatal("one batch started several sessions")
		}
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.login'`); n != 1 {
		t.Fatalf("%d logins audited, want 1", n)
	}
}

// TestLoginAttemptsLimitedPerAddress: every auth attempt counts against the per-address
// budget of staff logins (20 a minute), which the API shares with the console's login
// form; beyond it the API answers -32029 without checking the password.
func TestLoginAttemptsLimitedPerAddress(t *testing.T) {
	e := newEnv(t)
	e.addStaff("ops", core.RoleAdmin)
	e.Set("ci_login_attempts", "100")
	for i := 0; i < 20; i++ {
		e.call("", "session.info", map[string]any{"auth": map[string]string{"login": "ops", "password": "wrong"}}).
			Fails(t, rpc.CodeUnauthorized, "wrong login or password")
	}
	e.call("", "session.info", map[string]any{"auth": map[string]string{"login": "ops", "password": testPassword}}).
		Fails(t, rpc.CodeRateLimited, "too many login attempts")
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action LIKE 'api.login%'`); n != 20 {
		t.Fatalf("%d attempts audited, want 20 (the limited one is not checked)", n)
	}
	// The console's login form from the same address is out of attempts too.
	b := e.Browser()
	b.RemoteAddr = "127.0.0.1:40000"
	b.Get("/admin/login")
	b.Post("/admin/login", url.Values{"login": {"ops"}, "password": {testPassword}}).Expect(t, http.StatusTooManyRequests)
	// Another address still may.
	e.HTTP = from("127.0.2.1")
	e.login("ops")
}

// TestOverlongLoginName: a login name beyond any staff login is refused with the
// ordinary failure, and what reaches the audit log of a typed name is bounded.
func TestOverlongLoginName(t *testing.T) {
	e := newEnv(t)
	e.addStaff("ops", core.RoleAdmin)
	huge := strings.Repeat("A", 60_000) // under the 64 KB body limit without a session
	e.call("", "session.info", map[string]any{"auth": map[string]string{"login": huge, "password": "x"}}).
		Fails(t, rpc.CodeUnauthorized, "wrong login or password")
	// A long name that is not an account, with a line break: stored bounded, on one line.
	e.call("", "session.info", map[string]any{"auth": map[string]string{"login": strings.Repeat("b", 150) + "\nfake entry", "password": "x"}}).
		Fails(t, rpc.CodeUnauthorized, "wrong login or password")
	var longest int
	var lines int
	if err := e.Deps.DB.R.QueryRow(`SELECT MAX(LENGTH(actor)), SUM(CASE WHEN actor LIKE ? THEN 1 ELSE 0 END) FROM audit_log
		WHERE action = 'api.login.fail'`, "%\n%").
		Scan(&longest, &lines); err != nil {
		t.Fatal(err)
	}
	if longest > 80 || lines != 0 {
		t.Fatalf("audit actor of a typed name: longest %d characters, %d with a line break", longest, lines)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.login.fail'`); n != 2 {
		t.Fatalf("%d failures audited, want 2", n)
	}
	// The account itself still logs in.
	e.login("ops")
}
