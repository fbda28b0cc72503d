package api

// Tests for SECURITY.md section 2 that the other test files leave open (see the
// item numbers on each test). They boot the staff console (admin) beside the API,
// since the items are about the two together.

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
)

var linkPathRE = regexp.MustCompile(`/password/reset\?token=[A-Za-z0-9_-]+`)

// Item 13: a one-time password from staff (API or console, generated or typed) and a
// change of the login name kill the client's outstanding password links, including a
// link already opened into its form; a change of other data does not.
func TestStaffOTPAndUsernameChangeKillLinks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.Set("ci_enable_login_name_creation", "1") // usernames can be created (item 21)
	sid := e.admin()
	setupClient(t, e, sid)
	e.Set("system_mail", "portal@example.net")
	e.Set("system_mail_name", "NetWave")
	e.Set("ci_url", "https://portal.example.net/")
	e.call(sid, "clients.edit", map[string]any{"external_id": "C1", "email": "alice@example.net"}).OK(t, nil)
	var cl admin.ClientOut
	e.call(sid, "clients.get", map[string]any{"external_id": "C1"}).OK(t, &cl)
	console := e.Browser().LoginStaff(e.addStaff("desk", core.RoleAdmin))
	card := "/admin/clients/" + strconv.FormatInt(cl.ID, 10)

	// sendLink has staff send a link and returns its path, opened in a browser.
	sendLink := func() (string, *testkit.Browser) {
		t.Helper()
		e.call(sid, "clients.sendPasswordLink", map[string]any{"external_id": "C1"}).OK(t, nil)
		var body string
		if err := e.Deps.DB.R.QueryRow(`SELECT body_text FROM mail_outbox WHERE purpose = 'password_link' ORDER BY id DESC LIMIT 1`).
			Scan(&body); err != nil {
			t.Fatal(err)
		}
		path := linkPathRE.FindString(body)
		if path == "" {
			t.Fatalf("no link in %q", body)
		}
		b := e.Browser()
		b.Get(path).Expect(t, http.StatusSeeOther)
		b.Get("/password/reset").Expect(t, 200)
		return path, b
	}
	cases := []struct {
		name  string
		kills bool
		do    func()
	}{
		{"API: phone changed", false, func() {
			e.call(sid, "clients.edit", map[string]any{"external_id": "C1", "phone": "+420 111 222 333"}).OK(t, nil)
		}},
		{"API: username changed", true, func() {
			e.call(sid, "clients.edit", map[string]any{"external_id": "C1", "username": "alice.n"}).OK(t, nil)
		}},
		{"API: username changed again", true, func() {
			e.call(sid, "clients.edit", map[string]any{"external_id": "C1", "username": "alice.novak"}).OK(t, nil)
		}},
		{"API: one-time password generated", true, func() {
			e.call(sid, "clients.setPassword", map[string]any{"external_id": "C1", "generate": true}).OK(t, nil)
		}},
		{"API: one-time password typed", true, func() {
			e.call(sid, "clients.setPassword", map[string]any{"external_id": "C1", "password": "Phone agreed 4711 ok"}).OK(t, nil)
		}},
		{"console: one-time password generated", true, func() {
			console.Get(card).Expect(t, 200)
			console.Post(card+"/password", url.Values{"action": {"generate"}}).Expect(t, 200)
		}},
		{"console: one-time password typed", true, func() {
			console.Get(card).Expect(t, 200)
			console.Post(card+"/password", url.Values{"action": {"set"}, "password": {"Phone agreed 4712 ok"}}).Expect(t, http.StatusSeeOther)
		}},
	}
	for _, c := range cases {
		path, opened := sendLink()
		c.do()
		want := http.StatusGone
		if !c.kills {
			want = 200
		}
		if r := opened.Get("/password/reset"); r.StatusCode != want {
			t.Errorf("%s: the form opened before answers %d, want %d", c.name, r.StatusCode, want)
		}
		if !c.kills {
			want = http.StatusSeeOther
		}
		if r := e.Browser().Get(path); r.StatusCode != want {
			t.Errorf("%s: the link answers %d, want %d", c.name, r.StatusCode, want)
		}
	}
}

// consoleLogin posts the staff console's login form from its own address.
func consoleLogin(t *testing.T, e *apiEnv, ip, login, pw string) (*testkit.Browser, *testkit.Response) {
	t.Helper()
	b := e.Browser()
	b.RemoteAddr = ip + ":2000"
	b.Get("/admin/login").Expect(t, 200)
	return b, b.Post("/admin/login", url.Values{"login": {login}, "password": {pw}})
}

// Item 32: five bad API logins lock the staff member's console login too (and the
// right password is refused there), five bad console logins lock the API login, and
// both open again after the lock time.
func TestAPIAndConsoleShareTheLockout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.addStaff("ops", core.RoleAdmin)
	e.addStaff("desk", core.RoleAdmin)
	auth := func(login, pw string) map[string]any {
		return map[string]any{"auth": map[string]string{"login": login, "password": pw}}
	}

	// API → console.
	for i := 0; i < 5; i++ {
		e.call("", "session.info", auth("ops", fmt.Sprintf("wrong %d", i))).Fails(t, rpc.CodeUnauthorized)
	}
	for i, name := range []string{"ops", "OPS", " ops "} {
		b, r := consoleLogin(t, e, fmt.Sprintf("192.0.2.%d", i+1), name, testPassword)
		r.Expect(t, 422, "Too many failed attempts")
		if b.Cookie("asid") != nil {
			t.Fatalf("console login %q after 5 bad API logins: got a session", name)
		}
	}

	// Console → API.
	for i := 0; i < 5; i++ {
		_, r := consoleLogin(t, e, fmt.Sprintf("198.51.100.%d", i+1), "desk", fmt.Sprintf("wrong %d", i))
		r.Expect(t, 422)
	}
	e.call("", "session.info", auth("desk", testPassword)).Fails(t, rpc.CodeUnauthorized, "locked")
	// ...and the console too, of course.
	_, r := consoleLogin(t, e, "198.51.100.99", "desk", testPassword)
	r.Expect(t, 422, "Too many failed attempts")

	// Both accounts open again after the lock time, on either door.
	e.Clock.Advance(15*time.Minute + time.Second)
	if b, r := consoleLogin(t, e, "203.0.113.1", "ops", testPassword); r.StatusCode != http.StatusSeeOther || b.Cookie("asid") == nil {
		t.Fatalf("console login after the lock time: %d", r.StatusCode)
	}
	e.login("desk")
}

// Item 33: the API offers no CORS. A preflight or a call from another origin gets
// no Access-Control-Allow-* header, so a browser on another site can neither send
// the JSON call with its headers nor read the answer; the same holds for the web
// pages.
func TestNoCORS(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sid := e.admin()
	cors := func(resp *http.Response) string {
		var out []string
		for k, v := range resp.Header {
			if strings.HasPrefix(strings.ToLower(k), "access-control-") {
				out = append(out, k+": "+strings.Join(v, ","))
			}
		}
		return strings.Join(out, "; ")
	}
	do := func(method, path, origin string, body string, hdr ...string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, e.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", origin)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := e.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	call := `{"jsonrpc": "2.0", "id": 1, "method": "session.info"}`
	for _, origin := range []string{"https://evil.example", "null", "https://portal.example.net", e.URL} {
		for _, path := range []string{"/jsonrpc", "/login", "/admin/login"} {
			r := do(http.MethodOptions, path, origin, "", "Access-Control-Request-Method", "POST",
				"Access-Control-Request-Headers", "content-type, x-session-id")
			if h := cors(r); h != "" {
				t.Errorf("preflight %s from %s: %s", path, origin, h)
			}
		}
		r := do(http.MethodPost, "/jsonrpc", origin, call, "Content-Type", "application/json", "X-Session-Id", sid)
		if r.StatusCode != 200 {
			t.Fatalf("call from %s: %d", origin, r.StatusCode)
		}
		if h := cors(r); h != "" {
			t.Errorf("call from %s: %s", origin, h)
		}
		// The simple-request form a foreign page could send without a preflight is
		// refused before any method runs.
		if r := do(http.MethodPost, "/jsonrpc", origin, call, "Content-Type", "text/plain", "X-Session-Id", sid); r.StatusCode != http.StatusUnsupportedMediaType || cors(r) != "" {
			t.Errorf("text/plain call from %s: %d %s", origin, r.StatusCode, cors(r))
		}
	}
}
