package admin_test

import (
	"bytes"
	"context"
	"database/sql"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
)

func run(t *testing.T, env *testkit.Env, stdin string, args ...string) (string, error) {
	t.Helper()
	for _, c := range admin.New(app.Deps{}).Info().Commands {
		words := strings.Fields(c.Name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.Name {
			var out, errb bytes.Buffer
			err := c.Run(context.Background(), env.Deps, app.IO{In: strings.NewReader(stdin), Out: &out, Err: &errb}, args[len(words):])
			return out.String() + errb.String(), err
		}
	}
	t.Fatalf("no command %v", args)
	return "", nil
}

func TestStaffCLI(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	bad := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"long enough password\n", []string{"staff", "add", "carol"}, "--role"},
		{"long enough password\n", []string{"staff", "add", "carol", "--role", "boss"}, "--role"},
		{"short\n", []string{"staff", "add", "carol", "--role", "support"}, "at least 12"},
		{"", []string{"staff", "add", "carol", "--role", "support"}, "no password"},
		{"long enough password\n", []string{"staff", "add", "--role", "support"}, "LOGIN"},
		{"long enough password\n", []string{"staff", "add", "bad login", "--role", "support"}, "login"},
		{"", []string{"staff", "passwd", "nobody"}, "no staff account"},
		{"", []string{"staff", "disable", "nobody"}, "no staff account"},
	}
	for _, c := range bad {
		if _, err := run(t, env, c.stdin, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}
	out, err := run(t, env, "carol's long password\n", "staff", "add", "carol", "--role", "support", "--name", "Carol C",
		"--email", "carol@example.cz", "--send-requests")
	if err != nil || !strings.Contains(out, "created") {
		t.Fatalf("add: %v %s", err, out)
	}
	if _, err := run(t, env, "carol's long password\n", "staff", "add", "carol", "--role", "support"); err == nil {
		t.Fatal("duplicate login accepted")
	}
	s, _ := core.StaffByLogin(context.Background(), env.Deps.DB.R, "carol")
	if s.Role != core.RoleSupport || !s.SendPortalRequests || s.SendTasksEmail || s.Email != "carol@example.cz" {
		t.Fatalf("stored %+v", s)
	}
	out, _ = run(t, env, "", "staff", "list")
	if !strings.Contains(out, "carol") || !strings.Contains(out, "support") {
		t.Fatalf("list: %s", out)
	}
	login := func(pw string) int {
		b := env.Browser()
		b.Get("/admin/login")
		return b.Post("/admin/login", url.Values{"login": {"carol"}, "password": {pw}}).StatusCode
	}
	if login("carol's long password") != 303 {
		t.Fatal("the new account cannot log in")
	}
	sess := env.Browser().LoginStaff(s.ID)
	sess.Get("/admin").Expect(t, 200)
	if _, err := run(t, env, "a new long password\n", "staff", "passwd", "carol"); err != nil {
		t.Fatal(err)
	}
	sess.Get("/admin").Expect(t, 303) // sessions ended
	if login("carol's long password") != 422 || login("a new long password") != 303 {
		t.Fatal("passwd did not replace the password")
	}
	if _, err := run(t, env, "", "staff", "disable", "carol"); err != nil {
		t.Fatal(err)
	}
	if login("a new long password") != 422 {
		t.Fatal("a disabled account can log in")
	}
	if auditCount(t, env, "staff.", "cli") != 3 {
		t.Fatal("CLI changes not audited")
	}
}

func TestSeedDemoStaff(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	seed := admin.New(app.Deps{}).Info().Seed
	for i := 0; i < 2; i++ { // idempotent
		env.Tx(func(tx *sql.Tx) error { return seed(context.Background(), tx, app.SeedEnv{Now: env.Clock.Now()}) })
	}
	var n int
	env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM staff`).Scan(&n)
	if n != 3 {
		t.Fatalf("%d staff accounts after seeding twice, want 3", n)
	}
	for login, pw := range map[string]string{"support": "support1234", "readonly": "readonly1234"} {
		b := env.Browser()
		b.Get("/admin/login")
		b.Post("/admin/login", url.Values{"login": {login}, "password": {pw}}).Expect(t, 303)
		b.Get("/admin").Expect(t, 200)
	}
	// The demo account with a second factor: the password leads to the code step.
	b := env.Browser()
	b.Get("/admin/login")
	if r := b.Post("/admin/login", url.Values{"login": {"twofactor"}, "password": {"twofactor1234"}}); r.Header.Get("Location") != "/admin/login/factor" {
		t.Fatalf("twofactor: %d %q, want the second-factor step", r.StatusCode, r.Header.Get("Location"))
	}
}
