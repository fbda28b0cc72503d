package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/redistest"
)

// alternate is the transport of the test's reverse proxy: each request goes to the
// next instance in turn; an idempotent request (GET, HEAD) whose instance does not
// answer is sent to the next one, as a load balancer's retry does.
type alternate struct {
	targets []*url.URL
	n       atomic.Int64
	retried atomic.Int64
}

func (a *alternate) RoundTrip(req *http.Request) (*http.Response, error) {
	i := int(a.n.Add(1))
	var err error
	for k := range a.targets {
		u := a.targets[(i+k)%len(a.targets)]
		out := req.Clone(req.Context())
		out.URL.Scheme, out.URL.Host, out.Host = u.Scheme, u.Host, u.Host
		var resp *http.Response
		if resp, err = http.DefaultTransport.RoundTrip(out); err == nil {
			return resp, nil
		}
		if req.Method != http.MethodGet && req.Method != http.MethodHead {
			return nil, err
		}
		a.retried.Add(1)
	}
	return nil, err
}

// proxyTo starts a reverse proxy in front of the instances.
func proxyTo(t *testing.T, instances ...*child) (*httptest.Server, *alternate) {
	t.Helper()
	tr := &alternate{}
	for _, p := range instances {
		u, err := url.Parse(p.URL)
		if err != nil {
			t.Fatal(err)
		}
		tr.targets = append(tr.targets, u)
	}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.Out.URL.Scheme, r.Out.URL.Host = "http", "instance" },
		Transport: tr}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return srv, tr
}

// Two portal processes on one database and one Redis, behind a reverse proxy that
// alternates between them (issue 24, item 7).
func TestTwoInstances(t *testing.T) {
	t.Parallel()
	dir := portalData(t)
	smtp := mailtest.Start(t)
	for _, kv := range [][2]string{{"smtp_host", "127.0.0.1"}, {"smtp_port", fmt.Sprint(smtp.Port())}, {"smtp_tls", "none"},
		{"ci_url", "https://portal.isp.example/"}} {
		if code, _, errs := portal(t, "", "--data", dir, "settings", "set", kv[0], kv[1]); code != 0 {
			t.Fatalf("settings set %s: %s", kv[0], errs)
		}
	}
	rd := redistest.Start(t)
	a := startPortal(t, dir, "--redis", rd.URL())
	b := startPortal(t, dir, "--redis", rd.URL())
	proxy, tr := proxyTo(t, a, b)

	// A session made through the proxy (form from one instance, post to the other: the
	// form token's key is shared too) works on both.
	c := newClient(t, proxy.URL)
	if r, _ := c.login("/login", clientName, clientPW); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("login through the proxy: %d", r.StatusCode)
	}
	for i := range 4 {
		if r, body := c.do(http.MethodGet, "/info", nil); r.StatusCode != 200 || !strings.Contains(body, `action="/logout"`) {
			t.Fatalf("request %d after login: %d, logged in %v", i, r.StatusCode, strings.Contains(body, `action="/logout"`))
		}
	}

	// A setting changed through A applies on B's next request: a sender address makes
	// the forgotten-password page exist.
	if r, _ := newClient(t, b.URL).do(http.MethodGet, "/password/forgot", nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("forgotten-password page before mail is set up: %d", r.StatusCode)
	}
	staff := newClient(t, a.URL)
	if r, _ := staff.login("/admin/login", "boss", staffPW); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("staff login on A: %d", r.StatusCode)
	}
	staff.do(http.MethodGet, "/admin/settings", nil)
	if r, _ := staff.do(http.MethodPost, "/admin/settings", url.Values{"v.system_mail": {"portal@isp.example"},
		"v.system_mail_name": {"ISP Portal"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("settings saved on A: %d", r.StatusCode)
	}
	if r, _ := newClient(t, b.URL).do(http.MethodGet, "/password/forgot", nil); r.StatusCode != 200 {
		t.Fatalf("forgotten-password page on B after A saved the setting: %d", r.StatusCode)
	}

	// A mail queued on A is sent exactly once, though both instances run a mail worker.
	fc := newClient(t, a.URL)
	fc.do(http.MethodGet, "/password/forgot", nil)
	if r, _ := fc.do(http.MethodPost, "/password/forgot", url.Values{"login": {"jana@example.net"}}); r.StatusCode >= 400 {
		t.Fatalf("password link asked on A: %d", r.StatusCode)
	}
	smtp.WaitFor(t, 1, 30*time.Second)
	time.Sleep(11 * time.Second) // B's worker polls every 10 s: it had its round
	if n := len(smtp.Messages()); n != 1 {
		t.Fatalf("%d mails received, want exactly 1", n)
	}

	// A lockout earned through A holds on B.
	for i := range 5 {
		if r, _ := newClient(t, a.URL).login("/admin/login", "other", fmt.Sprintf("wrong %d", i)); r.StatusCode != 422 {
			t.Fatalf("wrong staff password %d on A: %d", i, r.StatusCode)
		}
	}
	if r, body := newClient(t, b.URL).login("/admin/login", "other", staffPW); r.StatusCode != 422 || !strings.Contains(body, "Too many failed attempts") {
		t.Fatalf("right password on B after the lockout on A: %d", r.StatusCode)
	}

	// The password-link budget (5 per address per 10 minutes) is one for both
	// instances: the link asked above spent one; alternating, four more pass.
	forgot := func(p *child) int {
		fc := newClient(t, p.URL)
		fc.do(http.MethodGet, "/password/forgot", nil)
		r, _ := fc.do(http.MethodPost, "/password/forgot", url.Values{"login": {"nobody@example.net"}})
		return r.StatusCode
	}
	for i := range 6 {
		p := []*child{a, b}[i%2]
		code := forgot(p)
		if (i < 4) != (code != http.StatusTooManyRequests) {
			t.Fatalf("link request %d (instance %d): %d", i+1, i%2, code)
		}
	}
	// Redis down: each instance limits on its own (a fresh budget of 5), never not at
	// all, and says so once.
	rd.Stop()
	for i := range 7 {
		if code := forgot(a); (i < 5) != (code != http.StatusTooManyRequests) {
			t.Fatalf("Redis down: link request %d on A: %d", i+1, code)
		}
	}
	if n := strings.Count(a.err.String()+a.out.String(), "Redis does not answer"); n != 1 {
		t.Fatalf("outage warnings on A: %d, want 1", n)
	}

	// Killing A while requests flow loses nothing: every GET through the proxy is
	// answered (by B when A is gone), and what A acknowledged is in the database.
	var wg sync.WaitGroup
	var failed atomic.Int64
	stop := make(chan struct{})
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := http.Get(proxy.URL + "/login")
				if err != nil || resp.StatusCode != 200 {
					failed.Add(1)
				}
				if resp != nil {
					resp.Body.Close()
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	a.cmd.Process.Signal(syscall.SIGKILL)
	<-a.done
	time.Sleep(500 * time.Millisecond)
	close(stop)
	wg.Wait()
	if failed.Load() != 0 || tr.retried.Load() == 0 {
		t.Fatalf("after killing A: %d GETs failed, %d retried on B", failed.Load(), tr.retried.Load())
	}
	r, body := c.do(http.MethodGet, "/info", nil)
	if r.StatusCode != 200 || !strings.Contains(body, `action="/logout"`) {
		t.Fatalf("session after A died: %d", r.StatusCode)
	}
	bs := newClient(t, b.URL)
	bs.login("/admin/login", "boss", staffPW)
	if _, body := bs.do(http.MethodGet, "/admin/settings?q=system_mail", nil); !strings.Contains(body, "portal@isp.example") {
		t.Fatal("the setting A acknowledged is not on B after A died")
	}
}
