package testkit

import (
	"bytes"
	"context"
	"strings"

	"github.com/ispportal/portal/internal/app"
)

// Command runs the CLI command called name (`portal <name> args...`) of a module in
// the env, as cmd/portal would, with stdin; it returns what the command printed and
// its error. An unknown name fails the test.
func (e *Env) Command(name, stdin string, args ...string) (out, errOut string, err error) {
	e.T.Helper()
	for _, m := range e.Modules {
		for _, c := range m.Info().Commands {
			if c.Name == name {
				var o, eo bytes.Buffer
				err := c.Run(context.Background(), e.Deps, app.IO{In: strings.NewReader(stdin), Out: &o, Err: &eo}, args)
				return o.String(), eo.String(), err
			}
		}
	}
	e.T.Fatalf("no command %q", name)
	return "", "", nil
}
