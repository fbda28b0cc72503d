//go:build !race

package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
)

// hostileArgs are the argument lists every CLI command is run with: none, hostile
// words where a client, a name or a number goes, and unknown or odd flags.
var hostileArgs = [][]string{
	{},
	{""},
	{"a\x00b"},
	{"\xff\xfe"},
	{"-1"},
	{"99999999999999999999"},
	{"9223372036854775807"},
	{"--no-such-flag"},
	{"-"},
	{"--"},
	{app.DemoClientNumber, "a\x00b"},
	{app.DemoClientNumber, "\xff\xfe", "-1"},
	{app.DemoClientNumber, "--no-such-flag"},
	{app.DemoClientNumber, "99999999999999999999"},
	{app.DemoClientNumber, strings.Repeat("é", 70_000)},
	{app.DemoClientNumber, "2026-02-30"},
}

// TestHostileCommands runs every CLI command the modules declare on the demo data
// with each hostile argument list and hostile standard input. A command may succeed or
// refuse, but never panic, and what it prints and the error the CLI would print carry
// no database, runtime or decoder text.
func TestHostileCommands(t *testing.T) {
	env, _ := demoEnv(t)
	// Commands that write a file (portal api doc FILE) write it here, not into the source tree.
	t.Chdir(t.TempDir())
	stdins := []string{"", "a\x00b\n\xff\xfe\n", strings.Repeat("x,", 10_000) + "\n"}
	runs := 0
	for _, m := range env.Modules {
		for _, c := range m.Info().Commands {
			for _, args := range hostileArgs {
				for _, in := range stdins {
					runs++
					what := fmt.Sprintf("portal %s %.60q (stdin %.20q)", c.Name, args, in)
					out, errOut, err := runCommand(env.Deps, c, in, args)
					if m := leak(out + errOut); m != "" {
						t.Errorf("%s printed %q: %.300s", what, m, out+errOut)
					}
					if err != nil {
						if m := leak(err.Error()); m != "" {
							t.Errorf("%s failed with %q: %.300s", what, m, err)
						}
					}
				}
			}
		}
	}
	if runs < 500 {
		t.Fatalf("only %d runs: the commands were not reached", runs)
	}
	t.Logf("%d runs", runs)
}

// runCommand runs c as cmd/portal would, turning a panic into an error that names it.
func runCommand(d app.Deps, c app.Command, stdin string, args []string) (out, errOut string, err error) {
	var o, eo bytes.Buffer
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
		out, errOut = o.String(), eo.String()
	}()
	err = c.Run(context.Background(), d, app.IO{In: strings.NewReader(stdin), Out: &o, Err: &eo}, append([]string(nil), args...))
	return
}
