package main

// Tests of SECURITY.md section 2 that need the real binary: the test binary runs
// itself as `portal serve` in a child process (TestHelperProcess), so a restart is a
// new process and the headers and cookies are those a reverse proxy would see.

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/auth"
)

// TestHelperProcess is not a test: started by startPortal with PORTAL_TEST_CHILD=1, it
// runs the portal's main() with the arguments after "--" and exits.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("PORTAL_TEST_CHILD") != "1" {
		return
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	os.Args = append([]string{"portal"}, args...)
	main() // exits
}

// child is a portal process started by the test.
type child struct {
	cmd      *exec.Cmd
	out, err *syncBuf
	done     chan error
	URL      string // http://127.0.0.1:PORT
}

// startPortal runs `portal serve` on dir in a child process and waits until it listens.
func startPortal(t *testing.T, dir string, flags ...string) *child {
	t.Helper()
	args := append([]string{"-test.run=^TestHelperProcess$", "--", "--data", dir, "--listen", "127.0.0.1:0", "--log-level", "info"}, flags...)
	if dbtest.Postgres() {
		args = append(args, "--database", dbtest.ForDir(t, dir))
	}
	cmd := exec.Command(os.Args[0], append(args, "serve")...)
	cmd.Env = append(os.Environ(), "PORTAL_TEST_CHILD=1")
	p := &child{cmd: cmd, out: &syncBuf{}, err: &syncBuf{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.out, p.err
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-p.done
		}
	})
	re := regexp.MustCompile(`http://([0-9.:]+)/`)
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := re.FindStringSubmatch(p.out.String()); m != nil {
			p.URL = "http://" + m[1]
			return p
		}
		select {
		case err := <-p.done:
			t.Fatalf("portal exited before listening: %v\n%s", err, p.err.String())
		default:
		}
	}
	t.Fatalf("portal did not start:\n%s", p.err.String())
	return nil
}

// stop sends SIGTERM, as systemd does, and waits for a clean exit.
func (p *child) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("portal exited with %v:\n%s", err, p.err.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("portal did not stop on SIGTERM")
	}
}

// client is a minimal browser for a child portal: it keeps every cookie by name
// (whatever the name), sends the form token of the last page, and follows no redirect.
type client struct {
	t       *testing.T
	base    string
	cookies map[string]*http.Cookie
	csrf    string
	header  http.Header
	http    *http.Client
}

func newClient(t *testing.T, base string) *client {
	return &client{t: t, base: base, cookies: map[string]*http.Cookie{}, header: http.Header{"Accept-Language": {"en"}},
		http: &http.Client{Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var formToken = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// do sends a request and returns the response with its body read.
func (c *client) do(method, path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		if form.Get("csrf") == "" {
			form.Set("csrf", c.csrf)
		}
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for _, ck := range c.cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck
		}
	}
	if m := formToken.FindStringSubmatch(string(b)); m != nil {
		c.csrf = m[1]
	}
	return resp, string(b)
}

// login fetches the form at page and posts the name and password to it.
func (c *client) login(page, name, pw string) (*http.Response, string) {
	c.t.Helper()
	c.do(http.MethodGet, page, nil)
	return c.do(http.MethodPost, page, url.Values{"login": {name}, "password": {pw}})
}

// Accounts of portalData.
const (
	clientName = "jana"
	clientPW   = "violet tram under the bridge"
	staffPW    = "correct horse battery staple"
)

// portalData makes a migrated data directory with one client (username jana, number
// 5001) and two admins (boss, other), all with the passwords above. It writes the rows
// as the CLI and the API would, without the demo data, whose seeding takes a minute
// under the race detector on a loaded machine.
func portalData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if code, _, errs := portal(t, "", "--data", dir, "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, errs)
	}
	d, err := db.Open(dbtest.ForDir(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ch, err := password.Hash(clientPW)
	if err != nil {
		t.Fatal(err)
	}
	sh, err := password.Hash(staffPW)
	if err != nil {
		t.Fatal(err)
	}
	ctx, now := context.Background(), time.Now()
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		id, err := core.SaveClient(ctx, tx, core.Client{Number: "5001", Username: clientName, Name: "Jana Test",
			Email: "jana@example.net", Active: true}, core.Now(now))
		if err != nil {
			return err
		}
		if err := auth.SavePassword(ctx, tx, id, ch, false, time.Time{}, now); err != nil {
			return err
		}
		for _, login := range []string{"boss", "other"} {
			if _, err := core.SaveStaff(ctx, tx, core.Staff{Login: login, Name: login, Role: core.RoleAdmin, PasswordHash: sh, Active: true},
				core.Now(now)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// Item 3: a lock earned before a restart of the binary holds after it, for a client
// and for staff.
func TestLockSurvivesRestartOfTheBinary(t *testing.T) {
	dir := portalData(t)
	p := startPortal(t, dir)
	c := newClient(t, p.URL)
	for i := 0; i < 5; i++ {
		if r, _ := c.login("/login", clientName, fmt.Sprintf("wrong password %d", i)); r.StatusCode != 422 {
			t.Fatalf("wrong password %d: %d", i, r.StatusCode)
		}
	}
	s := newClient(t, p.URL)
	for i := 0; i < 5; i++ {
		if r, _ := s.login("/admin/login", "boss", fmt.Sprintf("wrong password %d", i)); r.StatusCode != 422 {
			t.Fatalf("staff wrong password %d: %d", i, r.StatusCode)
		}
	}
	if r, body := newClient(t, p.URL).login("/login", clientName, clientPW); r.StatusCode != 422 || !strings.Contains(body, "is blocked for") {
		t.Fatalf("client not locked before the restart: %d", r.StatusCode)
	}
	p.stop(t)

	p = startPortal(t, dir)
	r, body := newClient(t, p.URL).login("/login", clientName, clientPW)
	if r.StatusCode != 422 || !strings.Contains(body, "is blocked for") {
		t.Fatalf("right client password after the restart: %d, want 422 and the lock message", r.StatusCode)
	}
	r, body = newClient(t, p.URL).login("/admin/login", "boss", staffPW)
	if r.StatusCode != 422 || !strings.Contains(body, "Too many failed attempts") {
		t.Fatalf("right staff password after the restart: %d, want 422 and the lock message", r.StatusCode)
	}
	// The lock is the account's, not the server's: another admin logs in.
	if r, _ := newClient(t, p.URL).login("/admin/login", "other", staffPW); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlocked staff account after the restart: %d", r.StatusCode)
	}
	p.stop(t)
}

// checkSessionCookie parses a Set-Cookie of a session (item 24): __Host- prefix, Secure,
// HttpOnly, Path=/, SameSite=Lax, no Domain, and a value of 32 random bytes base64url.
func checkSessionCookie(t *testing.T, resp *http.Response, name string) string {
	t.Helper()
	var found *http.Cookie
	for _, line := range resp.Header.Values("Set-Cookie") {
		ck, err := http.ParseSetCookie(line)
		if err != nil {
			t.Fatalf("Set-Cookie %q: %v", line, err)
		}
		if strings.TrimPrefix(ck.Name, "__Host-") == name {
			found = ck
			if ck.Name != "__Host-"+name || !ck.Secure || !ck.HttpOnly || ck.Path != "/" || ck.Domain != "" ||
				ck.SameSite != http.SameSiteLaxMode || !strings.Contains(strings.ToLower(line), "samesite=lax") {
				t.Fatalf("session cookie %q: want __Host-%s; Path=/; HttpOnly; Secure; SameSite=Lax, no Domain", line, name)
			}
		}
	}
	if found == nil {
		t.Fatalf("no %s cookie in %q", name, resp.Header.Values("Set-Cookie"))
	}
	raw, err := base64.RawURLEncoding.DecodeString(found.Value)
	if err != nil || len(raw) != 32 {
		t.Fatalf("session id %q: %d bytes (%v), want 32 bytes base64url", found.Value, len(raw), err)
	}
	return found.Value
}

// Item 24: behind a trusted proxy that says https, the client and staff session
// cookies have every attribute, and each login issues a different random id.
func TestSessionCookiesBehindHTTPSProxy(t *testing.T) {
	dir := portalData(t)
	p := startPortal(t, dir, "--trusted-proxies", "127.0.0.1")
	seen := map[string]bool{}
	for i := 0; i < 2; i++ {
		c := newClient(t, p.URL)
		c.header.Set("X-Forwarded-Proto", "https")
		c.header.Set("X-Forwarded-For", "203.0.113.7")
		r, _ := c.login("/login", clientName, clientPW)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("client login: %d", r.StatusCode)
		}
		seen[checkSessionCookie(t, r, "sid")] = true
		if r, _ := c.do(http.MethodGet, "/password", nil); r.StatusCode != 200 {
			t.Fatalf("the __Host-sid cookie does not carry the session: %d", r.StatusCode)
		}
		s := newClient(t, p.URL)
		s.header = c.header
		if r, _ = s.login("/admin/login", "boss", staffPW); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("staff login: %d", r.StatusCode)
		}
		seen[checkSessionCookie(t, r, "asid")] = true
	}
	if len(seen) != 4 {
		t.Fatalf("4 logins gave %d distinct session ids", len(seen))
	}
	p.stop(t)
}

// securityHeaders are the answer headers item 31 is about.
var securityHeaders = []string{"Strict-Transport-Security", "Content-Security-Policy", "X-Content-Type-Options",
	"X-Frame-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy", "Permissions-Policy"}

func snapshot(r *http.Response) map[string]string {
	out := map[string]string{}
	for _, h := range securityHeaders {
		if v := r.Header.Get(h); v != "" {
			out[h] = v
		}
	}
	return out
}

// Item 31: every answer carries the same security headers; HSTS of at least a year
// only when the browser talks https (here through a trusted proxy), never on plain
// http, where a browser would ignore it anyway and a misconfigured proxy could pin it.
func TestSecurityHeadersSnapshot(t *testing.T) {
	dir := portalData(t)
	p := startPortal(t, dir, "--trusted-proxies", "127.0.0.1")
	paths := []string{"/login", "/healthz", "/admin/login", "/no/such/page", "/assets/theme/default/style.css", "/password/forgot"}
	var want map[string]string
	for _, path := range paths {
		c := newClient(t, p.URL)
		c.header.Set("X-Forwarded-Proto", "https")
		r, _ := c.do(http.MethodGet, path, nil)
		got := snapshot(r)
		if want == nil {
			want = got
			checkHeaderValues(t, got)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("https %s: headers %v, want %v", path, got, want)
		}
	}
	// Plain http: directly, and through the proxy saying http.
	for _, proto := range []string{"", "http"} {
		for _, path := range paths {
			c := newClient(t, p.URL)
			if proto != "" {
				c.header.Set("X-Forwarded-Proto", proto)
			}
			r, _ := c.do(http.MethodGet, path, nil)
			got := snapshot(r)
			if got["Strict-Transport-Security"] != "" {
				t.Errorf("plain http %s (proxy says %q): HSTS %q", path, proto, got["Strict-Transport-Security"])
			}
			got["Strict-Transport-Security"] = want["Strict-Transport-Security"]
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("http %s: headers %v, want %v", path, got, want)
			}
		}
	}
	p.stop(t)

	// A peer that is no trusted proxy cannot claim https: no HSTS.
	p = startPortal(t, dir, "--trusted-proxies", "192.0.2.1")
	c := newClient(t, p.URL)
	c.header.Set("X-Forwarded-Proto", "https")
	if r, _ := c.do(http.MethodGet, "/login", nil); r.Header.Get("Strict-Transport-Security") != "" {
		t.Errorf("forged X-Forwarded-Proto from an untrusted peer gave HSTS %q", r.Header.Get("Strict-Transport-Security"))
	}
	p.stop(t)
}

var maxAgeRE = regexp.MustCompile(`(?i)(?:^|;)\s*max-age=(\d+)\s*(?:;|$)`)

func checkHeaderValues(t *testing.T, h map[string]string) {
	t.Helper()
	m := maxAgeRE.FindStringSubmatch(h["Strict-Transport-Security"])
	if m == nil {
		t.Fatalf("no HSTS max-age over https: %q", h["Strict-Transport-Security"])
	}
	if age, _ := strconv.Atoi(m[1]); age < 365*24*3600 {
		t.Errorf("HSTS max-age %d is under a year", age)
	}
	csp := h["Content-Security-Policy"]
	if !strings.Contains(csp, "frame-ancestors 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP %q", csp)
	}
	if h["X-Content-Type-Options"] != "nosniff" || h["Referrer-Policy"] != "no-referrer" {
		t.Errorf("nosniff / Referrer-Policy: %v", h)
	}
}

// Item 35: the linked Fiber is at least v2.52.15, the floor SECURITY.md sets. The
// version comes from the build info of this (test) binary, so a replace directive or
// a downgrade in go.mod is caught, not just the text of go.mod.
func TestFiberVersion(t *testing.T) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build info in the test binary")
	}
	for _, d := range bi.Deps {
		if d.Path != "github.com/gofiber/fiber/v2" {
			continue
		}
		v := d.Version
		if d.Replace != nil {
			v = d.Replace.Version
		}
		if !atLeast(v, 2, 52, 15) {
			t.Fatalf("gofiber/fiber/v2 %s is linked; SECURITY.md item 35 needs v2.52.15 or later", v)
		}
		return
	}
	t.Fatal("gofiber/fiber/v2 is not linked")
}

// atLeast compares a module version vMAJOR.MINOR.PATCH[-pre] with a release; a
// pre-release or pseudo-version of that release counts as older.
func atLeast(v string, major, minor, patch int) bool {
	core, pre, _ := strings.Cut(strings.TrimPrefix(v, "v"), "-")
	core, _, _ = strings.Cut(core, "+")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return false
	}
	var n [3]int
	for i, s := range parts {
		x, err := strconv.Atoi(s)
		if err != nil {
			return false
		}
		n[i] = x
	}
	want := [3]int{major, minor, patch}
	for i := range n {
		if n[i] != want[i] {
			return n[i] > want[i]
		}
	}
	return pre == ""
}

func TestAtLeast(t *testing.T) {
	for v, want := range map[string]bool{"v2.52.15": true, "v2.52.16": true, "v2.53.0": true, "v3.0.0": true,
		"v2.52.14": false, "v2.51.99": false, "v1.99.99": false, "v2.52.15-rc.1": false,
		"v2.52.15-0.20250101000000-abcdefabcdef": false, "v2.52.16-0.20250101000000-abcdefabcdef": true, "(devel)": false, "": false} {
		if atLeast(v, 2, 52, 15) != want {
			t.Errorf("atLeast(%q) = %t", v, !want)
		}
	}
}

// Item 15: no route, whatever its status, writes the query string to the log (links
// carry tokens there). Every route of every module is called with a marker in the
// query, anonymously and with client and staff sessions, GET and POST with a valid
// form token, then the whole captured log is searched for the marker.
func TestAccessLogHasNoQueryString(t *testing.T) {
	env := testkit.New(t, modules...)
	const mark = "QS-MARK-7f3a"
	cid := env.AddClient("5001", 0)
	var sid int64
	env.Tx(func(tx *sql.Tx) error {
		var err error
		sid, err = core.SaveStaff(context.Background(), tx, core.Staff{Login: "boss", Name: "boss", Role: core.RoleAdmin,
			PasswordHash: password.Dummy, Active: true}, core.Now(env.Clock.Now()))
		return err
	})
	browsers := []*testkit.Browser{env.Browser(), env.Browser().LoginAs(cid), env.Browser().LoginStaff(sid)}
	param := regexp.MustCompile(`:[A-Za-z_]+\??|\*|\+`)
	seen := map[string]bool{}
	n := 0
	for _, r := range env.App.Fiber.GetRoutes(true) {
		path := param.ReplaceAllString(r.Path, "1")
		key := r.Method + " " + path
		if seen[key] || (r.Method != http.MethodGet && r.Method != http.MethodPost) {
			continue
		}
		seen[key] = true
		for i, b := range browsers {
			b.RemoteAddr = fmt.Sprintf("192.0.2.%d:1000", n%200+1) // stay under the per-address limits
			n++
			q := "?token=" + mark + "&zz=" + mark + "&sid=" + mark
			if r.Method == http.MethodGet {
				b.Get(path + q)
			} else {
				b.Post(path+q, url.Values{"browser": {strconv.Itoa(i)}})
			}
		}
	}
	for _, b := range browsers {
		b.Get("/no/such/page?token=" + mark)
	}
	if n < 100 {
		t.Fatalf("only %d requests: the route list is not what it should be", n)
	}
	logs := env.Logs.String()
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, mark) {
			t.Errorf("query string in the log: %s", line)
		}
	}
	// The requests were logged (the access log is on), without their query.
	if !strings.Contains(logs, `msg=http method=GET path=/no/such/page status=404`) {
		t.Fatalf("no access log line for the 404:\n%.2000s", logs)
	}
	statuses := map[string]int{}
	for _, m := range regexp.MustCompile(`msg=http method=\S+ path=\S+ status=(\d)`).FindAllStringSubmatch(logs, -1) {
		statuses[m[1]+"xx"]++
	}
	t.Logf("%d requests on %d routes; access log lines by status: %v", n, len(seen), statuses)
	if statuses["2xx"] < 20 || statuses["3xx"] < 10 {
		t.Fatalf("too few requests reached a handler: %v", statuses)
	}
	if m := regexp.MustCompile(`path="?[^ "]*\?`).FindString(logs); m != "" {
		t.Errorf("a logged path has a query: %s", m)
	}
}
