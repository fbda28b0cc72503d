package auth

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ispportal/portal/internal/testkit"
)

// The fuzz targets talk to the app directly: testkit's Browser reports to the
// testing.F it was built with, which a fuzz target may not use.

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newFuzzEnv(f *testing.F) *testkit.Env {
	env := newEnv(f)
	addClient(f, env, "5001", "", goodPW)
	return env
}

func fuzzDo(t *testing.T, env *testkit.Env, req *http.Request, ip string, cookies []*http.Cookie) (*http.Response, string) {
	req.RemoteAddr = ip
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := env.App.Fiber.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// FuzzLoginForm posts arbitrary login names and passwords: never a 500, never a
// session for a wrong password, never unescaped input in the page.
// Run: go test -fuzz FuzzLoginForm ./modules/auth/
func FuzzLoginForm(f *testing.F) {
	env := newFuzzEnv(f)
	f.Add("5001", "x")
	f.Add("", "")
	f.Add("<b>x</b>", "' OR 1=1 --")
	f.Add("\xff\xfe", strings.Repeat("é", 300))
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, name, pw string) {
		// A fresh address per input keeps the per-IP limit out of the way.
		i := n.Add(1)
		ip := fmt.Sprintf("10.%d.%d.%d:1", (i>>16)&255, (i>>8)&255, i&255)
		resp, body := fuzzDo(t, env, httptest.NewRequest(http.MethodGet, "/login", nil), ip, nil)
		m := csrfInput.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no csrf token on the login page")
		}
		form := url.Values{"csrf": {m[1]}, "login": {name}, "password": {pw}}
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, body = fuzzDo(t, env, req, ip, resp.Cookies())
		switch resp.StatusCode {
		case http.StatusUnprocessableEntity, http.StatusTooManyRequests:
		default:
			t.Fatalf("login %q/%q: status %d", name, pw, resp.StatusCode)
		}
		// The page's own markup holds "<" and many runs after it, so the name's raw text in
		// the answer only means an unescaped echo when the same answer for a harmless name
		// lacks it.
		if strings.Contains(name, "<") && strings.Contains(body, name) {
			resp, plain := fuzzDo(t, env, httptest.NewRequest(http.MethodGet, "/login", nil), ip, nil)
			m := csrfInput.FindStringSubmatch(plain)
			if m == nil {
				t.Fatal("no csrf token on the login page")
			}
			form := url.Values{"csrf": {m[1]}, "login": {fmt.Sprintf("fuzz-%d", i)}, "password": {pw}}
			req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if _, plain = fuzzDo(t, env, req, ip, resp.Cookies()); !strings.Contains(plain, name) {
				t.Fatalf("unescaped name %q in page", name)
			}
		}
		for _, c := range resp.Cookies() {
			if c.Name == "sid" && c.Value != "" {
				t.Fatal("session for a wrong password")
			}
		}
	})
}

// FuzzResetToken opens password links with arbitrary tokens: never a 500, never a
// password form.
// Run: go test -fuzz FuzzResetToken ./modules/auth/
func FuzzResetToken(f *testing.F) {
	env := newFuzzEnv(f)
	f.Add("")
	f.Add("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("%00")
	f.Add(strings.Repeat("z", 200))
	f.Fuzz(func(t *testing.T, tok string) {
		target := "/password/reset?token=" + url.QueryEscape(tok)
		if len(target) > 3000 {
			// Beyond the 4 KiB the server reads for a request head: refused with 431
			// before routing (cmd/portal TestOverlongRequestLineRefused).
			return
		}
		req := httptest.NewRequest(http.MethodGet, target, nil)
		resp, body := fuzzDo(t, env, req, "192.0.2.1:1", nil)
		if resp.StatusCode != http.StatusGone || strings.Contains(body, `name="password"`) {
			t.Fatalf("token %q: status %d", tok, resp.StatusCode)
		}
	})
}
