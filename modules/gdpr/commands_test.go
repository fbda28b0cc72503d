package gdpr

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"testing"
)

func TestConsentCommands(t *testing.T) {
	f := newFixture(t)
	out, err := runCmd(t, f.env, "<p>We send a newsletter.</p>", "consent add", "--title", "Newsletter", "--purposes", "Weekly, Monthly ")
	if err != nil {
		t.Fatal(err, out)
	}
	id := regexp.MustCompile(`consent document (\d+) published`).FindStringSubmatch(out)[1]
	out, _ = runCmd(t, f.env, "", "consent list")
	if !regexp.MustCompile(id + `\s+1\s+yes\s+Newsletter\s+Weekly, Monthly`).MatchString(out) {
		t.Fatalf("list:\n%s", out)
	}
	a := f.env.Browser().LoginAs(f.a)
	a.Get("/gdpr/").Expect(t, 200, "Newsletter")

	if out, err := runCmd(t, f.env, "<p>Now daily.</p>", "consent version", id); err != nil || !strings.Contains(out, "version 2") {
		t.Fatalf("version: %v %s", err, out)
	}
	a.Get("/gdpr/"+id).Expect(t, 200, "Now daily.", "(version 2)")

	post(a, f.mk.ID, load(t, a, f.mk.ID), "give", f.mk.purposeID("SMS")).Expect(t, 303)
	post(a, f.mk.ID, load(t, a, f.mk.ID), "withdraw").Expect(t, 303)
	out, err = runCmd(t, f.env, "", "consent history", "7001")
	if err != nil || !regexp.MustCompile(`Marketing\s+1\s+1\s+given\s+SMS\s+192\.0\.2\.10\s+client`).MatchString(out) ||
		!regexp.MustCompile(`Marketing\s+2\s+1\s+withdrawn\s+192\.0\.2\.10`).MatchString(out) {
		t.Fatalf("history: %v\n%s", err, out)
	}

	if _, err := runCmd(t, f.env, "", "consent retire", id); err != nil {
		t.Fatal(err)
	}
	a.Get("/gdpr/").Lacks(t, "Newsletter")
	if _, err := runCmd(t, f.env, "", "consent offer", id); err != nil {
		t.Fatal(err)
	}
	a.Get("/gdpr/").Expect(t, 200, "Newsletter")

	bad := []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"consent add", "--title", "X"}, "consent text is empty"},
		{"<p>x</p>", []string{"consent add"}, "--title"},
		{"<p>x</p>", []string{"consent add", "--title", "X", "--purposes", "a,A"}, "listed twice"},
		{strings.Repeat("x", MaxTextBytes+1), []string{"consent add", "--title", "X"}, "longer than 200 kB"},
		{"<p>x</p>", []string{"consent version", "424242"}, "no consent document"},
		{"<p>x</p>", []string{"consent version", "x"}, "not a number"},
		{"", []string{"consent history", "9999"}, "no client"},
		{"", []string{"consent retire", "424242"}, "no consent document"},
	}
	for _, c := range bad {
		_, err := runCmd(t, f.env, c.stdin, c.args[0], c.args[1:]...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err %v, want %q", c.args, err, c.want)
		}
	}
	// A refused add leaves no half-made document.
	var n int
	f.env.Tx(func(tx *sql.Tx) error {
		return tx.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM consent_documents`).Scan(&n)
	})
	if n != 3 {
		t.Fatalf("%d documents, want 3", n)
	}
}
