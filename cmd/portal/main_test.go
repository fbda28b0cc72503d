package main

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/internal/testkit"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// portal runs the CLI in-process and returns its exit code and output.
func portal(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	// On PostgreSQL (dbtest.Postgres) a data directory's portal runs on its own
	// database, as `portal --data DIR --database URL` would.
	for i := 0; dbtest.Postgres() && i+1 < len(args); i++ {
		if args[i] == "--data" {
			args = append([]string{"--database", dbtest.ForDir(t, args[i+1])}, args...)
			break
		}
	}
	var out, errb syncBuf
	code := run(context.Background(), append([]string{"--log-level", "error"}, args...),
		app.IO{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func counts(t *testing.T, dir string) map[string]int {
	t.Helper()
	d, err := db.Open(dbtest.ForDir(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// Ordinary tables: a full-text index's own tables ("shadow") change their rows as
	// it merges, whatever the data.
	q := `SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'`
	if d.Dialect == db.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	rows, err := d.R.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]int{}
	for _, tb := range tables {
		var n int
		d.R.QueryRow(`SELECT COUNT(*) FROM "` + tb + `"`).Scan(&n)
		out[tb] = n
	}
	return out
}

func TestMigrateAndDemoTwiceChangeNothing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if code, _, errs := portal(t, "", "--data", dir, "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, errs)
	}
	code, out, errs := portal(t, "", "--data", dir, "demo")
	if code != 0 || !strings.Contains(out, "1001") || !strings.Contains(out, "admin") {
		t.Fatalf("demo: %d %s %s", code, out, errs)
	}
	first := counts(t, dir)
	if first["clients"] < 20 || first["invoice_groups"] != 2 || first["staff"] < 1 {
		t.Fatalf("demo rows: %v", first)
	}
	if code, _, errs := portal(t, "", "--data", dir, "demo"); code != 0 {
		t.Fatalf("second demo: %s", errs)
	}
	portal(t, "", "--data", dir, "migrate")
	second := counts(t, dir)
	for tb, n := range first {
		if tb == "sessions" || tb == "audit_log" {
			continue
		}
		if second[tb] != n {
			t.Errorf("table %s: %d rows after the first demo, %d after the second", tb, n, second[tb])
		}
	}
}

func TestSettingsCLI(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := portal(t, "", "--data", dir, "settings", "set", "ci_sms_per_month", "lots")
	if code == 0 || !strings.Contains(errs, "ci_sms_per_month") || !strings.Contains(errs, "whole number") {
		t.Fatalf("bad value: code %d, %q", code, errs)
	}
	if code, _, errs := portal(t, "", "--data", dir, "settings", "set", "ci_nonsense", "1"); code == 0 || !strings.Contains(errs, "unknown setting") {
		t.Fatalf("unknown key: %d %q", code, errs)
	}
	if code, out, _ := portal(t, "", "--data", dir, "settings", "set", "ci_enable_cllient_data_change", "off"); code != 0 || !strings.Contains(out, "ci_enable_client_data_change = 0") {
		t.Fatalf("alias set: %d %q", code, out)
	}
	if _, out, _ := portal(t, "", "--data", dir, "settings", "get", "ci_enable_client_data_change"); strings.TrimSpace(out) != "0" {
		t.Fatalf("get: %q", out)
	}
	portal(t, "", "--data", dir, "settings", "set", "smtp_password", "s3cret-value")
	if _, out, _ := portal(t, "", "--data", dir, "settings", "list"); strings.Contains(out, "s3cret-value") || !strings.Contains(out, "ci_skin_theme") {
		t.Fatal("list shows a secret or misses settings")
	}
	if _, out, _ := portal(t, "", "--data", dir, "settings", "audit"); !strings.Contains(out, "ci_enable_client_data_change") || strings.Contains(out, "s3cret") {
		t.Fatalf("audit: %q", out)
	}
	if code, _, _ := portal(t, "", "--data", dir, "settings", "set", "ci_contact_text", "<p>G</p>", "--group", "x"); code != 2 {
		t.Fatalf("bad --group: exit %d", code)
	}
	if code, _, _ := portal(t, "", "--data", dir, "nosuchcommand"); code != 2 {
		t.Fatalf("unknown command: exit %d", code)
	}
}

func TestThemeCopyAndBackup(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := portal(t, "", "--data", dir, "theme", "copy", "default", "company"); code != 0 {
		t.Fatal(errs)
	}
	for _, f := range []string{"style.css", "images/logo.png", "images/background-page.png", "templates/README.txt"} {
		if _, err := os.Stat(filepath.Join(dir, "themes", "company", f)); err != nil {
			t.Errorf("copied theme lacks %s", f)
		}
	}
	if code, _, _ := portal(t, "", "--data", dir, "theme", "copy", "default", "company"); code == 0 {
		t.Error("copy over an existing theme succeeded")
	}
	if code, _, _ := portal(t, "", "--data", dir, "theme", "copy", "default", "../escape"); code == 0 {
		t.Error("a theme name with a path was accepted")
	}
	if code, _, _ := portal(t, "", "--data", dir, "theme", "copy", "nosuch", "x"); code == 0 {
		t.Error("copy of an unknown theme succeeded")
	}
	portal(t, "", "--data", dir, "theme", "copy", "green", "green2")
	css, _ := os.ReadFile(filepath.Join(dir, "themes", "green2", "style.css"))
	if strings.Contains(string(css), "../default") || !strings.Contains(string(css), "#1d7a3a") {
		t.Error("a copy of a colour theme must be self-contained")
	}
	if _, out, _ := portal(t, "", "--data", dir, "theme", "list"); !strings.Contains(out, "company\tcustom") {
		t.Errorf("theme list: %q", out)
	}
	dest := filepath.Join(t.TempDir(), "b.db")
	if code, _, errs := portal(t, "", "--data", dir, "backup", dest); code != 0 {
		t.Fatal(errs)
	}
	if dbtest.Postgres() {
		if !strings.Contains(dbtest.DumpText(t, dest), "CREATE TABLE public.clients") {
			t.Fatal("the pg_dump backup lacks the clients table")
		}
	} else {
		b, err := sql.Open("sqlite", "file:"+dest+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		var ok string
		if b.QueryRow(`PRAGMA integrity_check`).Scan(&ok); ok != "ok" {
			t.Fatalf("backup integrity: %q", ok)
		}
	}
	if code, _, _ := portal(t, "", "--data", dir, "backup", dest); code == 0 {
		t.Error("backup overwrote an existing file")
	}
}

func TestServeAndGracefulShutdown(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuf
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--data", dir, "--listen", "127.0.0.1:0", "--log-level", "error", "serve"},
			app.IO{In: strings.NewReader(""), Out: &out, Err: &errb})
	}()
	re := regexp.MustCompile(`http://([0-9.:]+)/`)
	var addr string
	// Boot migrates a new database first; on a loaded two-core machine (the race
	// detector, other test binaries) that took over 5 s, so wait for the line, not a time.
	for deadline := time.Now().Add(60 * time.Second); addr == "" && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		if m := re.FindStringSubmatch(out.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatalf("server did not start: %s", errb.String())
	}
	if o := out.String(); !strings.Contains(o, "http://"+addr+"/admin") || !strings.Contains(o, "no SMTP server configured") ||
		!strings.Contains(o, "SMS: off") {
		t.Errorf("serve does not say where the console is and where mails and SMS go: %q", o)
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", err, resp)
	}
	resp.Body.Close()
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on cancel")
	}
	// The database was closed cleanly: the WAL is checkpointed away.
	if fi, err := os.Stat(filepath.Join(dir, "portal.db-wal")); err == nil && fi.Size() > 0 {
		t.Errorf("WAL left behind (%d bytes): database not closed cleanly", fi.Size())
	}
}

// The demo's ci_url (the address in password links) follows the address make run
// serves on until staff set their own.
func TestDemoURLFollowsListen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	get := func() string {
		_, out, _ := portal(t, "", "--data", dir, "settings", "get", "ci_url")
		return strings.TrimSpace(out)
	}
	if code, _, errs := portal(t, "", "--data", dir, "--listen", "127.0.0.1:9101", "demo"); code != 0 {
		t.Fatalf("demo: %s", errs)
	}
	if got := get(); got != "http://127.0.0.1:9101/" {
		t.Fatalf("ci_url after demo on 127.0.0.1:9101 = %q", got)
	}
	portal(t, "", "--data", dir, "--listen", ":9202", "demo")
	if got := get(); got != "http://localhost:9202/" {
		t.Fatalf("ci_url after demo on :9202 = %q", got)
	}
	portal(t, "", "--data", dir, "settings", "set", "ci_url", "https://portal.example.net/")
	portal(t, "", "--data", dir, "--listen", "127.0.0.1:9303", "demo")
	if got := get(); got != "https://portal.example.net/" {
		t.Fatalf("demo overwrote the staff's ci_url: %q", got)
	}
	if got := app.DemoURL("[::]:80", "/cp"); got != "http://localhost:80/cp/" {
		t.Errorf("DemoURL([::]:80, /cp) = %q", got)
	}
}

// serve's SMS line names the transport and where unsent SMS wait, and of the gateway's
// URL only the scheme and host (its query holds the credentials' placeholders, and a
// URL may be given with more than the host in it).
func TestSMSDestination(t *testing.T) {
	env := testkit.New(t)
	if got := smsDestination(env.Deps.Settings); got != "SMS: off (sms_notify is disabled)" {
		t.Errorf("disabled: %q", got)
	}
	env.Set("sms_notify", "gateway")
	env.Set("sms_gateway_url", "http://127.0.0.1:13013/cgi-bin/sendsms?username={user}&password={password}&to={number}&text={text}")
	got := smsDestination(env.Deps.Settings)
	if !strings.HasPrefix(got, "SMS: sent through the HTTP gateway at http://127.0.0.1:13013;") || strings.Contains(got, "password") ||
		!strings.Contains(got, "/admin/tools/sms") {
		t.Errorf("gateway: %q", got)
	}
	env.Set("sms_notify", "smpp")
	env.Set("smpp_host", "smsc.example")
	if got := smsDestination(env.Deps.Settings); !strings.HasPrefix(got, "SMS: sent over SMPP to smsc.example:2775;") {
		t.Errorf("smpp: %q", got)
	}
}
