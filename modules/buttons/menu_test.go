package buttons_test

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/buttons"
	"github.com/ispportal/portal/modules/contact"
	"github.com/ispportal/portal/modules/info"
)

func run(t *testing.T, env *testkit.Env, name string, args ...string) (string, error) {
	t.Helper()
	for _, c := range env.Commands() {
		if c.Name == name {
			var out, errOut bytes.Buffer
			err := c.Run(context.Background(), env.Deps, app.IO{In: strings.NewReader(""), Out: &out, Err: &errOut}, args)
			return out.String(), err
		}
	}
	t.Fatalf("no command %q", name)
	return "", nil
}

// The buttons module is listed first, as in cmd/portal/modules.go: its middleware
// runs only for routes registered after it.
func newEnv(t *testing.T) (*testkit.Env, int64) {
	env := testkit.New(t, buttons.New, info.New, contact.New)
	g := env.AddGroup("Residential")
	return env, env.AddClient("2001", g)
}

func TestButtonsInMenu(t *testing.T) {
	env, a := newEnv(t)
	b := env.Browser().LoginAs(a)
	b.Get("/info").Expect(t, 200).Lacks(t, "Speed test")

	if _, err := run(t, env, "button add", "--label-en", "Speed test", "--label-cs", "Test rychlosti",
		"--url", "https://speed.isp.example/", "--order", "2", "--new-tab"); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, env, "button add", "--label-en", "Write to us", "--url", "mailto:help@isp.example", "--order", "1"); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, env, "button add", "--label-en", "Hidden", "--url", "https://hidden.isp.example/", "--inactive"); err != nil {
		t.Fatal(err)
	}
	speed := `<a href="https://speed.isp.example/" target="_blank" rel="noopener noreferrer">Speed test</a>`
	write := `<a href="mailto:help@isp.example">Write to us</a>`
	for _, path := range []string{"/info", "/contact", "/no-such-page"} {
		r := b.Get(path)
		r.Lacks(t, "Hidden")
		if !strings.Contains(r.Body, speed) || !strings.Contains(r.Body, write) {
			t.Fatalf("%s: buttons missing from the menu\n%s", path, r.Body)
		}
		// Custom buttons come after every module's entry, in their own order.
		if i, j, k := strings.Index(r.Body, ">Contact</a>"), strings.Index(r.Body, "Write to us"), strings.Index(r.Body, "Speed test"); !(i < j && j < k) {
			t.Fatalf("%s: menu order contact %d, write %d, speed %d", path, i, j, k)
		}
	}
	b.Header.Set("Accept-Language", "cs")
	b.Get("/info").Expect(t, 200, ">Test rychlosti</a>", ">Write to us</a>", "Informace").Lacks(t, ">Speed test<")

	// Nobody logged in: no menu at all.
	env.Browser().Get("/no-such-page").Expect(t, 404).Lacks(t, "Speed test")

	// Deleting takes effect on the next page.
	if _, err := run(t, env, "button delete", "1"); err != nil {
		t.Fatal(err)
	}
	b.Get("/info").Expect(t, 200, "Write to us").Lacks(t, "Test rychlosti")
}

func TestButtonRefusedAtSave(t *testing.T) {
	env, a := newEnv(t)
	for _, u := range []string{"javascript:alert(1)", " javascript:alert(1)", "data:text/html,x", "/info", "//evil.example"} {
		if _, err := run(t, env, "button add", "--label-en", "Evil", "--url", u); err == nil {
			t.Fatalf("%q accepted", u)
		}
	}
	if _, err := run(t, env, "button delete", "abc"); err == nil {
		t.Fatal("bad id accepted")
	}
	out, err := run(t, env, "button list")
	if err != nil || strings.Contains(out, "Evil") {
		t.Fatalf("list: %v\n%s", err, out)
	}
	env.Browser().LoginAs(a).Get("/info").Expect(t, 200).Lacks(t, "Evil", "javascript:")
}

// A change made by another process (the CLI against the same database) reaches the
// server's cached menu through the revision counter.
func TestButtonsCacheSeesOtherProcess(t *testing.T) {
	env, a := newEnv(t)
	b := env.Browser().LoginAs(a)
	b.Get("/info").Expect(t, 200).Lacks(t, "Status page")
	env.Tx(func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO custom_buttons (label_en, url, created_at, updated_at) VALUES ('Status page', 'https://status.isp.example/', 'x', 'x')`); err != nil {
			return err
		}
		_, err := tx.Exec(`UPDATE custom_buttons_revision SET rev = rev + 1`)
		return err
	})
	time.Sleep(1100 * time.Millisecond)
	b.Get("/info").Expect(t, 200, "Status page")
}
