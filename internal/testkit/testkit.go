// Package testkit boots the real portal for tests: a migrated SQLite file in a temp
// dir, the real Fiber app with the modules under test, a controllable clock, and a
// browser-like client with a cookie jar that fills in CSRF tokens. Nothing is mocked.
package testkit

import (
	"bytes"
	"net"

	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/pgcluster"
	"github.com/ispportal/portal/internal/web"
)

// Clock is a settable clock for expiry tests.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Set sets the clock.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Env is a booted portal for one test.
type Env struct {
	*app.Env
	App   *app.App
	Clock *Clock
	Logs  *LogBuffer
	T     testing.TB
}

// LogBuffer captures everything the portal logged, to check that no secret reaches it.
type LogBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns the captured log.
func (l *LogBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// New boots a portal with the given modules in a fresh temp data directory.
func New(t testing.TB, ctors ...app.Constructor) *Env {
	t.Helper()
	return NewIn(t, t.TempDir(), ctors...)
}

// NewIn boots a portal on an existing data directory (to test restarts).
func NewIn(t testing.TB, dir string, ctors ...app.Constructor) *Env {
	t.Helper()
	database, err := startMigrated(t, dir, ctors)
	if err != nil {
		t.Fatal(err)
	}
	clock := &Clock{t: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)}
	logs := &LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := app.Config{DataDir: dir, Database: database, TrustedProxies: []string{"10.99.0.1"}}
	if err := cfg.ValidateAndSetDefaults(); err != nil {
		t.Fatal(err)
	}
	e, err := app.Boot(context.Background(), cfg, log, clock.Now, ctors)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return &Env{Env: e, App: app.New(e.Deps, e.Modules), Clock: clock, Logs: logs, T: t}
}

// Set stores a setting (as staff would) and fails the test on a validation error.
func (e *Env) Set(key, value string) {
	e.T.Helper()
	if err := e.Deps.Settings.Set(context.Background(), key, 0, value, "test"); err != nil {
		e.T.Fatal(err)
	}
}

// Tx runs fn in a write transaction and fails the test on error.
func (e *Env) Tx(fn func(tx *sql.Tx) error) {
	e.T.Helper()
	if err := e.Deps.DB.Tx(context.Background(), fn); err != nil {
		e.T.Fatal(err)
	}
}

// AddGroup creates an invoice group.
func (e *Env) AddGroup(name string) int64 {
	e.T.Helper()
	var id int64
	e.Tx(func(tx *sql.Tx) error {
		var err error
		id, err = core.SaveGroup(context.Background(), tx, core.InvoiceGroup{Name: name, SupplierName: name + " s.r.o.",
			BankAccount: "123456789/0100", IBAN: "CZ6508000000192000145399", Currency: "CZK"}, core.Now(e.Clock.Now()))
		return err
	})
	return id
}

// AddClient creates an active client with the given number (and optional group).
func (e *Env) AddClient(number string, group int64) int64 {
	e.T.Helper()
	var id int64
	e.Tx(func(tx *sql.Tx) error {
		var err error
		id, err = core.SaveClient(context.Background(), tx, core.Client{Number: number, Name: "Client " + number,
			InvoiceGroupID: group, Email: "c" + number + "@example.net", Active: true}, core.Now(e.Clock.Now()))
		return err
	})
	return id
}

// Browser is an HTTP client for the app with a cookie jar. Form posts carry the CSRF
// token of the last page fetched (or the session's token, after LoginAs).
type Browser struct {
	env     *Env
	cookies map[string]*http.Cookie
	csrf    string
	// Header is added to every request (e.g. Accept-Language).
	Header http.Header
	// RemoteAddr is the peer address the app sees ("1.2.3.4:5678").
	RemoteAddr string
	// Host is the Host header (a brand's domain); "" is portal.test.
	Host string
}

// Browser returns a new browser with no cookies.
func (e *Env) Browser() *Browser {
	return &Browser{env: e, cookies: map[string]*http.Cookie{}, Header: http.Header{}, RemoteAddr: "192.0.2.10:40000"}
}

// LoginAs starts a real session for a client, as a successful login does, without
// going through the login form (which the auth module's own tests cover).
func (b *Browser) LoginAs(clientID int64) *Browser {
	b.env.T.Helper()
	return b.login(web.Session{Kind: web.KindClient, ClientID: clientID}, "sid")
}

// LoginAsPerson starts a real session of an invited person of a client's account
// (modules/people) with a role, without the login form.
func (b *Browser) LoginAsPerson(clientID, personID int64, login, role string) *Browser {
	b.env.T.Helper()
	return b.login(web.Session{Kind: web.KindClient, ClientID: clientID, PersonID: personID, Person: login, Role: role}, "sid")
}

// LoginStaff starts a real staff session.
func (b *Browser) LoginStaff(staffID int64) *Browser {
	b.env.T.Helper()
	return b.login(web.Session{Kind: web.KindStaff, StaffID: staffID}, "asid")
}

func (b *Browser) login(s web.Session, cookie string) *Browser {
	tok := web.NewToken()
	now := b.env.Clock.Now()
	var cid, sid any
	if s.ClientID != 0 {
		cid = s.ClientID
	}
	if s.StaffID != 0 {
		sid = s.StaffID
	}
	_, err := b.env.Deps.DB.W.Exec(`INSERT INTO sessions (id_hash, kind, client_id, staff_id, person_id, person, role,
		created_at, last_seen, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, web.HashToken(tok), s.Kind, cid, sid,
		s.PersonID, s.Person, s.Role, core.Now(now), core.Now(now), core.Now(now.Add(12*time.Hour)))
	if err != nil {
		b.env.T.Fatal(err)
	}
	b.cookies[cookie] = &http.Cookie{Name: cookie, Value: tok}
	b.csrf = ""
	return b
}

// Response is a fetched page.
type Response struct {
	*http.Response
	Body string
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// Do sends a request through the real app and keeps cookies and the page's CSRF token.
// It calls the app's fasthttp handler directly with RemoteAddr as the peer address
// (Fiber's app.Test always reports 0.0.0.0), so proxy and rate-limit rules see the
// address the test chose.
func (b *Browser) Do(req *http.Request) *Response {
	b.env.T.Helper()
	for k, v := range b.Header {
		req.Header[k] = v
	}
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	req.RemoteAddr = b.RemoteAddr
	if b.Host != "" {
		req.Host = b.Host
	}
	resp := b.env.serve(req)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || (c.Value == "" && !c.Expires.IsZero()) {
			delete(b.cookies, c.Name)
			continue
		}
		b.cookies[c.Name] = c
	}
	if m := csrfRE.FindStringSubmatch(string(body)); m != nil {
		b.csrf = m[1]
	}
	return &Response{Response: resp, Body: string(body)}
}

// serve runs one request through the app's handler in this goroutine.
func (e *Env) serve(req *http.Request) *http.Response {
	var fr fasthttp.Request
	fr.Header.SetMethod(req.Method)
	fr.SetRequestURI(req.URL.RequestURI())
	host := req.Host
	if host == "" {
		host = "portal.test"
	}
	fr.Header.SetHost(host)
	for k, vs := range req.Header {
		for _, v := range vs {
			fr.Header.Add(k, v)
		}
	}
	if req.Body != nil {
		data, _ := io.ReadAll(req.Body)
		fr.SetBody(data)
	}
	addr, err := net.ResolveTCPAddr("tcp", req.RemoteAddr)
	if err != nil {
		e.T.Fatalf("testkit: RemoteAddr %q: %v", req.RemoteAddr, err)
	}
	var ctx fasthttp.RequestCtx
	ctx.Init(&fr, addr, nil)
	e.App.Fiber.Handler()(&ctx)
	out := &http.Response{StatusCode: ctx.Response.StatusCode(), Header: http.Header{}, Request: req,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
	ctx.Response.Header.VisitAll(func(k, v []byte) {
		if !strings.EqualFold(string(k), "Set-Cookie") {
			out.Header.Add(string(k), string(v))
		}
	})
	ctx.Response.Header.VisitAllCookie(func(_, v []byte) { out.Header.Add("Set-Cookie", string(v)) })
	body := ctx.Response.Body()
	// Compressed answers are decoded as a browser would.
	if enc := string(ctx.Response.Header.Peek("Content-Encoding")); enc != "" {
		if d, err := ctx.Response.BodyUncompressed(); err == nil {
			body = d
			out.Header.Del("Content-Encoding")
		}
	}
	out.Body = io.NopCloser(bytes.NewReader(append([]byte(nil), body...)))
	out.ContentLength = int64(len(body))
	return out
}

// Get fetches a path.
func (b *Browser) Get(path string) *Response {
	b.env.T.Helper()
	return b.Do(httptest.NewRequest(http.MethodGet, path, nil))
}

// Post sends a form with the current CSRF token (fetching "/" first when none is known).
func (b *Browser) Post(path string, form url.Values) *Response {
	b.env.T.Helper()
	if b.csrf == "" {
		b.Get(b.tokenPage())
	}
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if f.Get("csrf") == "" {
		f.Set("csrf", b.csrf)
	}
	return b.PostRaw(path, f)
}

func (b *Browser) tokenPage() string {
	// Any page renders the layout, whose language switcher carries the token; an
	// unknown path is the cheapest such page.
	if _, ok := b.cookies["asid"]; ok {
		return "/admin/__token"
	}
	return "/__token"
}

// PostRaw sends a form exactly as given (no CSRF token added).
func (b *Browser) PostRaw(path string, form url.Values) *Response {
	b.env.T.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.Do(req)
}

// CSRF returns the token the browser currently holds.
func (b *Browser) CSRF() string { return b.csrf }

// Cookie returns a cookie the browser holds, or nil.
func (b *Browser) Cookie(name string) *http.Cookie { return b.cookies[name] }

// SetCookie sets a cookie as a browser (or an attacker) would.
func (b *Browser) SetCookie(c *http.Cookie) { b.cookies[c.Name] = c }

// Expect fails the test unless the response has the status and contains every string.
func (r *Response) Expect(t testing.TB, status int, contains ...string) *Response {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", r.Request.Method, r.Request.URL, r.StatusCode, status, snippet(r.Body))
	}
	for _, s := range contains {
		if !strings.Contains(r.Body, s) {
			t.Fatalf("%s %s: body lacks %q\n%s", r.Request.Method, r.Request.URL, s, snippet(r.Body))
		}
	}
	return r
}

// Lacks fails the test if the body contains any of the strings.
func (r *Response) Lacks(t testing.TB, s ...string) *Response {
	t.Helper()
	for _, x := range s {
		if strings.Contains(r.Body, x) {
			t.Fatalf("%s %s: body contains %q\n%s", r.Request.Method, r.Request.URL, x, snippet(r.Body))
		}
	}
	return r
}

func snippet(s string) string {
	if len(s) > 3000 {
		return s[:3000] + fmt.Sprintf("... (%d bytes)", len(s))
	}
	return s
}

// FillDatabase makes the database full as a full disk would, through SQLite itself:
// it compacts the file (VACUUM leaves no free pages) and caps the writer's
// max_page_count at the current size. A write that needs a new page (a row of a few
// kilobytes always does) then fails with SQLITE_FULL. FreeDatabase lifts the cap.
//
// On PostgreSQL the database turns read-only instead (its writes fail with
// read_only_sql_transaction, which db.Unwritable counts with disk_full): new
// sessions start read-only and the writer pool keeps no idle connection, so each
// write opens one.
func FillDatabase(t testing.TB, d *db.DB) {
	t.Helper()
	if d.Dialect == db.Postgres {
		setReadOnly(t, d, true)
		return
	}
	if _, err := d.W.Exec(`VACUUM`); err != nil {
		t.Fatal(err)
	}
	var pages, max int64
	if err := d.W.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// max_page_count belongs to the connection; the writer pool has exactly one.
	if err := d.W.QueryRow(`PRAGMA max_page_count = ` + strconv.FormatInt(pages, 10)).Scan(&max); err != nil || max != pages {
		t.Fatalf("max_page_count %d (want %d): %v", max, pages, err)
	}
}

// FreeDatabase lifts the cap FillDatabase set.
func FreeDatabase(t testing.TB, d *db.DB) {
	t.Helper()
	if d.Dialect == db.Postgres {
		setReadOnly(t, d, false)
		return
	}
	var max int64
	if err := d.W.QueryRow(`PRAGMA max_page_count = 1073741823`).Scan(&max); err != nil {
		t.Fatal(err)
	}
}

func setReadOnly(t testing.TB, d *db.DB, on bool) {
	t.Helper()
	c, err := pgcluster.Shared()
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(d.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetReadOnly(context.Background(), strings.TrimPrefix(u.Path, "/"), on); err != nil {
		t.Fatal(err)
	}
	if on {
		d.W.SetMaxIdleConns(0)
	} else {
		d.W.SetMaxIdleConns(4)
	}
}
