package info_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
)

// run executes a CLI command of the booted portal as `portal NAME ARGS < stdin` would.
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

func TestMessageCommands(t *testing.T) {
	w := newWorld(t)
	bad := []struct {
		args []string
		want string
	}{
		{[]string{"--kind", "private", "--client", "9999", "--title", "X"}, `no client with number "9999"`},
		{[]string{"--kind", "private", "--title", "X"}, "needs a client"},
		{[]string{"--kind", "group", "--group", "999", "--title", "X"}, "no invoice group with id 999"},
		{[]string{"--kind", "global", "--client", "2001", "--title", "X"}, "neither client nor group"},
		{[]string{"--kind", "spam", "--title", "X"}, "kind must be"},
		{[]string{"--kind", "global", "--title", ""}, "title must be"},
		{[]string{"--kind", "global", "--title", " \n\t"}, "title must be"},
		{[]string{"--kind", "global", "--title", "Out\x1b[2Jage"}, "without control characters"},
		{[]string{"--kind", "global", "--title", "X", "--from", "tomorrow"}, `date "tomorrow"`},
		{[]string{"--kind", "global", "--title", "X", "--from", "2026-12-01", "--until", "2026-11-01"}, "until must be after from"},
	}
	for _, tc := range bad {
		if _, err := run(t, w.env, "message add", "body", tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("message add %v: error %v, want %q", tc.args, err, tc.want)
		}
	}
	out, err := run(t, w.env, "message add", "<p>Only for <b>B</b></p>", "--kind", "private", "--client", "2002", "--title", "Hello B")
	if err != nil || !strings.Contains(out, "saved") {
		t.Fatalf("add: %v %s", err, out)
	}
	if _, err := run(t, w.env, "message add", "<p>Today only</p>", "--kind", "global", "--title", "Until today",
		"--from", "2026-11-01", "--until", "2026-11-02"); err != nil {
		t.Fatal(err)
	}
	list, err := run(t, w.env, "message list", "")
	if err != nil || !strings.Contains(list, "client 2002") || !strings.Contains(list, "Hello B") {
		t.Fatalf("list: %v\n%s", err, list)
	}
	w.env.Browser().LoginAs(w.a).Get("/info").Expect(t, 200, "Until today").Lacks(t, "Hello B")
	w.env.Browser().LoginAs(w.b).Get("/info").Expect(t, 200, "Hello B")

	if _, err := run(t, w.env, "message delete", "", "999"); err == nil {
		t.Fatal("deleting a missing message must fail")
	}
	if _, err := run(t, w.env, "message delete", "", "1"); err != nil {
		t.Fatal(err)
	}
	w.env.Browser().LoginAs(w.b).Get("/info").Expect(t, 200).Lacks(t, "Hello B")
}

// A title typed with a line break (a shell here-string, a pasted text) is stored as
// one line; the body keeps its lines.
func TestMessageCommandNormalisesTitle(t *testing.T) {
	w := newWorld(t)
	if _, err := run(t, w.env, "message add", "<p>One</p>\r\n<p>Two</p>\r\n", "--kind", "global", "--title", "Planned\r\noutage "); err != nil {
		t.Fatal(err)
	}
	var title, body string
	w.env.Deps.DB.R.QueryRow(`SELECT title, body FROM info_messages`).Scan(&title, &body)
	if title != "Planned outage" || body != "<p>One</p>\n<p>Two</p>" {
		t.Fatalf("stored %q / %q", title, body)
	}
}
