//go:build e2e

// Package e2e drives the real portal binary in headless Chromium: every page visited
// is checked with axe-core (no serious or critical violation), captured at phone and
// desktop width, and must not be wider than a 390 px phone screen.
//
// Run with `make e2e` (part of `make test`). It needs Debian's chromium package and
// the axe-core npm package; the Makefile installs both when missing, and the suite
// fails, never skips, when either cannot be had.
package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/ispportal/portal/internal/mail/mailtest"
)

// once is what every test starts from: the portal binary and a data directory with the
// demo data, made by the first test that needs them and removed by TestMain.
var once struct {
	sync.Once
	dir, bin, data string
	err            error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if once.dir != "" {
		os.RemoveAll(once.dir)
	}
	os.Exit(code)
}

// prepared builds the portal and seeds the demo data, once per run.
func prepared(t *testing.T) (bin, data string) {
	once.Do(func() {
		if once.dir, once.err = os.MkdirTemp("", "portal-e2e-"); once.err != nil {
			return
		}
		once.bin = filepath.Join(once.dir, "portal")
		once.data = filepath.Join(once.dir, "data")
		if out, err := exec.Command("go", "build", "-o", once.bin, "../cmd/portal").CombinedOutput(); err != nil {
			once.err = fmt.Errorf("build: %v\n%s", err, out)
			return
		}
		if out, err := exec.Command(once.bin, "--data", once.data, "--log-level", "error", "demo").CombinedOutput(); err != nil {
			once.err = fmt.Errorf("portal demo: %v\n%s", err, out)
		}
	})
	if once.err != nil {
		t.Fatalf("e2e: %v", once.err)
	}
	return once.bin, once.data
}

// copyTree copies a data directory no process has open (SQLite files, stored blobs).
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o600)
	})
}

// suite is one running portal with a browser attached.
type suite struct {
	t       *testing.T
	base    string
	dir     string
	bin     string
	smtp    *mailtest.Server
	browser context.Context
	axe     string
	shots   string
	pages   int
	demoSet bool // demo client 1001 has demoPassword
}

func chromiumPath(t *testing.T) string {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	t.Fatal("e2e: Chromium not found (install Debian's chromium package, or set CHROMIUM); `make e2e` installs it")
	return ""
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// start builds the portal, seeds a fresh data directory with the demo data, points its
// mail at a real SMTP server in this process and starts it on a free loopback port.
//
// The tests run in parallel (each has its own server, data and browser); the binary is
// built and the demo data seeded once per run, and each test starts from a copy.
//
// extra are more Chromium options (the brands test maps host names to loopback with
// --host-resolver-rules).
func start(t *testing.T, extra ...chromedp.ExecAllocatorOption) *suite {
	t.Parallel()
	s := &suite{t: t, dir: t.TempDir()}
	axe, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("e2e: axe-core missing (run `npm ci --prefix e2e`, which `make e2e` does): %v", err)
	}
	s.axe = string(axe)
	// One folder per test (TestPortal, TestPhone, ...), emptied when that test starts,
	// so a run keeps every test's pictures.
	s.shots = filepath.Join("screenshots", t.Name())
	os.RemoveAll(s.shots)
	if err := os.MkdirAll(s.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	var demo string
	s.bin, demo = prepared(t)
	data := filepath.Join(s.dir, "data")
	if err := copyTree(demo, data); err != nil {
		t.Fatalf("e2e: copy the demo data: %v", err)
	}
	s.smtp = mailtest.Start(t)
	port := freePort(t)
	s.base = "http://127.0.0.1:" + strconv.Itoa(port)
	s.cli("settings", "set", "smtp_host", "127.0.0.1")
	s.cli("settings", "set", "smtp_port", strconv.Itoa(s.smtp.Port()))
	s.cli("settings", "set", "smtp_tls", "none")
	s.cli("settings", "set", "ci_url", s.base+"/")
	srv := exec.Command(s.bin, "--data", data, "--listen", "127.0.0.1:"+strconv.Itoa(port), "--log-level", "warn", "serve")
	logf, _ := os.Create(filepath.Join(s.dir, "server.log"))
	srv.Stdout, srv.Stderr = logf, logf
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Process.Signal(os.Interrupt)
		srv.Wait()
		logf.Close()
		if t.Failed() {
			log, _ := os.ReadFile(logf.Name())
			t.Logf("server log:\n%s", tail(string(log), 4000))
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(s.base + "/healthz")
		if err == nil && resp.StatusCode == 200 {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("portal did not start: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(filepath.Join(s.dir, "chrome")),
		chromedp.WindowSize(1440, 900),
	}
	opts = append(opts, extra...)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelB := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelB(); cancelA() })
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("e2e: Chromium does not start: %v", err)
	}
	s.browser = bctx
	return s
}

// cli runs the portal binary on the suite's data directory.
func (s *suite) cli(args ...string) string {
	s.t.Helper()
	return s.cliIn("", args...)
}

func (s *suite) cliIn(stdin string, args ...string) string {
	s.t.Helper()
	cmd := exec.Command(s.bin, append([]string{"--data", filepath.Join(s.dir, "data"), "--log-level", "error"}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("portal %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// run executes browser actions with a timeout.
func (s *suite) run(actions ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.browser, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		s.t.Fatalf("browser: %v", err)
	}
}

// value runs one action that returns a value.
func value[T any](s *suite, a chromedp.Action[T]) T {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.browser, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		s.t.Fatalf("browser: %v", err)
	}
	return v
}

// open navigates to a path and checks the page.
func (s *suite) open(name, path string) {
	s.t.Helper()
	s.run(chromedp.Navigate(s.base+path), chromedp.WaitReady(chromedp.CSS("body")))
	s.check(name)
}

// url returns the current page's path.
func (s *suite) path() string {
	return strings.TrimPrefix(value(s, chromedp.Location()), s.base)
}

// text returns the visible text of the page's main landmark.
func (s *suite) text() string {
	return value(s, chromedp.Text(chromedp.CSS("body")))
}

func (s *suite) expectText(want ...string) {
	s.t.Helper()
	txt := s.text()
	for _, w := range want {
		if !strings.Contains(txt, w) {
			s.t.Fatalf("page %s lacks %q:\n%s", s.path(), w, tail(txt, 1500))
		}
	}
}

type violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

var nameRE = regexp.MustCompile(`[^a-z0-9-]+`)

// check runs axe-core on the current page, fails on serious or critical violations,
// captures it at 390×844 and 1440×900, and fails when it is wider than the phone.
// shots is whether check keeps a full-page picture of every page at both widths (for
// people to look at; the checks do not need them): on, unless E2E_SHOTS=0, which
// `make test` sets to save the suite a good part of its CPU.
var shots = os.Getenv("E2E_SHOTS") != "0"

func (s *suite) check(name string) {
	s.t.Helper()
	s.pages++
	value(s, chromedp.Evaluate[any](s.axe))
	file := nameRE.ReplaceAllString(strings.ToLower(name), "-")
	// axe runs at both widths: a phone layout has its own problems (a table frame that
	// scrolls must take focus, a menu that wraps, tap targets).
	for _, vp := range []struct{ w, h int64 }{{390, 844}, {1440, 900}} {
		s.run(chromedp.EmulateViewport(vp.w, vp.h))
		res := value(s, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ['violations']}).then(r => JSON.stringify(
			r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
				id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))))`,
			chromedp.EvalAwaitPromise))
		var vs []violation
		if err := json.Unmarshal([]byte(res), &vs); err != nil {
			s.t.Fatalf("axe result: %v (%s)", err, res)
		}
		for _, v := range vs {
			s.t.Errorf("%s (%s) at %d px: axe %s %s: %s at %v", name, s.path(), vp.w, v.Impact, v.ID, v.Help, v.Nodes)
		}
		width := value(s, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
		if vp.w == 390 && width > 390 {
			s.t.Errorf("%s (%s): content is %d px wide on a 390 px phone", name, s.path(), width)
		}
		if !shots {
			continue
		}
		png := value(s, chromedp.FullScreenshot(100))
		out := filepath.Join(s.shots, fmt.Sprintf("%02d-%s-%d.png", s.pages, file, vp.w))
		if err := os.WriteFile(out, png, 0o644); err != nil {
			s.t.Fatal(err)
		}
	}
	s.run(chromedp.EmulateViewport(1440, 900))
}

// clearCookies logs the browser out of everything.
func (s *suite) clearCookies() {
	ctx, cancel := context.WithTimeout(s.browser, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		s.t.Fatalf("clear cookies: %v", err)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// fill types into form fields by CSS selector.
func (s *suite) fill(fields ...string) {
	s.t.Helper()
	for i := 0; i+1 < len(fields); i += 2 {
		sel := chromedp.CSS(fields[i])
		s.run(chromedp.WaitReady(sel))
		// Not chromedp.Clear: it fails on an empty <textarea>.
		js[any](s, fmt.Sprintf(`document.querySelector(%q).value = ""`, fields[i]))
		s.run(chromedp.SendKeys(sel, fields[i+1]))
	}
}

// submit clicks a button and waits until the next page has loaded.
func (s *suite) submit(sel string) {
	s.t.Helper()
	value(s, chromedp.Evaluate[any](`document.body.dataset.e2eOld = "1"`))
	s.run(chromedp.Click(chromedp.CSS(sel)))
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(s.browser, 2*time.Second)
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
			`!!document.body && document.body.dataset.e2eOld !== "1" && document.readyState === "complete"`))
		cancel()
		if err == nil && done {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("no new page after clicking %s (still at %s)", sel, s.path())
}

// login logs in through the form.
func (s *suite) login(name, password string) {
	s.t.Helper()
	s.run(chromedp.Navigate(s.base + "/login"))
	s.fill("#login", name, "#password", password)
	s.submit("main form button[type=submit]")
}

// js evaluates a JavaScript expression in the page (awaiting a promise) and returns
// its value.
func js[T any](s *suite, expr string) T {
	s.t.Helper()
	return value(s, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
}

// count is the number of elements matching a CSS selector on the current page.
func (s *suite) count(sel string) int {
	s.t.Helper()
	return js[int](s, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel))
}

// expectCount fails unless at least min elements match the selector.
func (s *suite) expectCount(sel string, min int) {
	s.t.Helper()
	if n := s.count(sel); n < min {
		s.t.Fatalf("page %s: %d × %s, want at least %d", s.path(), n, sel, min)
	}
}

// attr returns an attribute of the first element matching the selector ("" when none).
func (s *suite) attr(sel, name string) string {
	s.t.Helper()
	return js[string](s, fmt.Sprintf(`(document.querySelector(%q) || {getAttribute: () => ""}).getAttribute(%q) || ""`, sel, name))
}

// fetch requests a path with the browser's cookies (as a download link would) and
// returns "status content-type" without the parameters of the content type.
func (s *suite) fetch(path string) string {
	s.t.Helper()
	return js[string](s, fmt.Sprintf(`fetch(%q, {credentials: "same-origin"}).then(r =>
		r.status + " " + (r.headers.get("content-type") || "").split(";")[0])`, path))
}

// choose selects an option of a <select> by value.
func (s *suite) choose(sel, val string) {
	s.t.Helper()
	s.run(chromedp.WaitReady(chromedp.CSS(sel)), chromedp.SetValue(chromedp.CSS(sel), val))
}

// logout submits the header's logout form when a client is logged in.
func (s *suite) logout() {
	s.t.Helper()
	if s.count("header form button[type=submit]") > 0 {
		s.submit("header form button[type=submit]")
	}
}

// demoPassword is what asDemo sets for demo client 1001 on first use.
const demoPassword = "e2e-demo-passphrase"

// asDemo makes sure the browser is logged in as demo client 1001 (who has the demo
// data of every module). The first time it gives the client a one-time password from
// the command line and chooses demoPassword in the browser, so it works whatever
// earlier subtests did to the password, and a subtest can run alone with -run.
func (s *suite) asDemo() {
	s.t.Helper()
	s.run(chromedp.Navigate(s.base+"/info"), chromedp.WaitReady(chromedp.CSS("body")))
	if strings.HasPrefix(s.path(), "/info") && strings.Contains(s.text(), "1001") {
		return
	}
	s.logout()
	if !s.demoSet {
		s.cliIn("Demo-Onetime-2026\n", "client", "password", "1001", "--set")
		s.login("demo", "Demo-Onetime-2026")
		if p := s.path(); !strings.HasPrefix(p, "/password/new") {
			s.t.Fatalf("demo one-time login landed at %s", p)
		}
		s.fill("#password", demoPassword, "#password2", demoPassword)
		s.submit("main form button[type=submit]")
		s.demoSet = true
	} else {
		s.login("demo", demoPassword)
	}
	if p := s.path(); !strings.HasPrefix(p, "/info") {
		s.t.Fatalf("demo login landed at %s", p)
	}
}

// clickCSS clicks the first element matching a CSS selector.
func clickCSS(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(sel))
}

// clickLabel clicks the label (in main) whose text contains label, as a user ticks a box.
func clickLabel(label string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.Search(fmt.Sprintf(`//main//label[contains(., %q)]`, label)))
}

// imageLoaded waits until the image matching the selector has loaded with a size.
func (s *suite) imageLoaded(sel string) {
	s.t.Helper()
	value(s, chromedp.Poll[bool](fmt.Sprintf(`(i => !!i && i.complete && i.naturalWidth > 0)(document.querySelector(%q))`, sel)))
}
