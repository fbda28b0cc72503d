package contact_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/contact"
)

func run(t *testing.T, env *testkit.Env, name, stdin string, args ...string) (string, error) {
	t.Helper()
	for _, c := range env.Commands() {
		if c.Name == name {
			var out, errOut bytes.Buffer
			err := c.Run(context.Background(), env.Deps, app.IO{In: strings.NewReader(stdin), Out: &out, Err: &errOut}, args)
			return out.String(), err
		}
	}
	t.Fatalf("no command %q", name)
	return "", nil
}

func TestContactPage(t *testing.T) {
	env := testkit.New(t, contact.New)
	g1, g2 := env.AddGroup("Residential"), env.AddGroup("Business")
	a, b := env.AddClient("2001", g1), env.AddClient("2002", g2)
	none := env.AddClient("2003", 0)
	ba, bb, bn := env.Browser().LoginAs(a), env.Browser().LoginAs(b), env.Browser().LoginAs(none)

	// Nothing written: the supplier of the client's group instead of a blank page.
	ba.Get("/contact").Expect(t, 200, "Residential s.r.o.", "123456789/0100").Lacks(t, "Business s.r.o.")
	bb.Header.Set("Accept-Language", "cs")
	bb.Get("/contact").Expect(t, 200, "Kontakt", "Business s.r.o.", "Bankovní účet")
	bn.Get("/contact").Expect(t, 200, "Contact details have not been filled in yet.")

	// A default for everybody, and a text of its own for the second group; staff HTML is
	// sanitised.
	if _, err := run(t, env, "contact set", `<h2>Call us</h2><p onclick="alert(1)">Phone 123</p><script>alert(2)</script>`+
		`<a href="javascript:alert(3)">bad</a><a href="mailto:help@isp.example">mail</a>`); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, env, "contact set", "<p>Business line 999</p>", "--group", itoa(g2)); err != nil {
		t.Fatal(err)
	}
	r := ba.Get("/contact").Expect(t, 200, "<h2>Call us</h2>", "Phone 123", `href="mailto:help@isp.example"`)
	r.Lacks(t, "<script>", "alert(", "onclick", "javascript:", "Business line 999", "Residential s.r.o.</h2>")
	bb.Get("/contact").Expect(t, 200, "Business line 999").Lacks(t, "Call us")
	bn.Get("/contact").Expect(t, 200, "Call us")

	// A text that sanitises to nothing counts as empty.
	if _, err := run(t, env, "contact set", "<script>alert(1)</script>"); err != nil {
		t.Fatal(err)
	}
	ba.Get("/contact").Expect(t, 200, "Residential s.r.o.").Lacks(t, "alert")
	// Removing the group's text brings back the default.
	if _, err := run(t, env, "contact set", "", "--group", itoa(g2)); err != nil {
		t.Fatal(err)
	}
	bb.Get("/contact").Expect(t, 200, "Business s.r.o.").Lacks(t, "Business line 999")

	// Menu entry and login.
	ba.Get("/contact").Expect(t, 200, `href="/contact" aria-current="page">Contact</a>`)
	env.Browser().Get("/contact").Expect(t, 303)
}

func TestContactCommandErrors(t *testing.T) {
	env := testkit.New(t, contact.New)
	if _, err := run(t, env, "contact set", "x", "--group", "77"); err == nil || !strings.Contains(err.Error(), "no invoice group with id 77") {
		t.Fatalf("unknown group: %v", err)
	}
	if _, err := run(t, env, "contact set", strings.Repeat("x", 100001)); err == nil || !strings.Contains(err.Error(), "ci_contact_text") {
		t.Fatalf("oversized text: %v", err)
	}
	if _, err := run(t, env, "contact set", "x", "extra"); err == nil {
		t.Fatal("extra argument accepted")
	}
	// Changes go through the settings store and are audited there.
	if _, err := run(t, env, "contact set", "<p>Hi</p>"); err != nil {
		t.Fatal(err)
	}
	audit, err := env.Deps.Settings.Audit(context.Background(), "ci_contact_text", 10)
	if err != nil || len(audit) != 1 {
		t.Fatalf("audit: %v %+v", err, audit)
	}
	out, _ := run(t, env, "contact show", "")
	if !strings.Contains(out, "<p>Hi</p>") {
		t.Fatalf("show: %q", out)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
