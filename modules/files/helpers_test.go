package files

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
)

// fixture: two invoice groups, a client in each and one without a group; a file for
// everybody, one for group 2 only.
type fixture struct {
	env                   *testkit.Env
	g1, g2                int64
	c1, c2, none          int64
	everybody, onlyGroup2 int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := testkit.New(t, New)
	f := &fixture{env: env}
	f.g1, f.g2 = env.AddGroup("Residential"), env.AddGroup("Business")
	f.c1, f.c2, f.none = env.AddClient("6001", f.g1), env.AddClient("6002", f.g2), env.AddClient("6003", 0)
	f.everybody = f.add(t, File{Title: "Price list", Description: "All prices", FileName: "prices.txt"}, "PRICES FOR ALL")
	f.onlyGroup2 = f.add(t, File{Title: "Business terms", FileName: "sla.txt", Groups: []int64{f.g2}}, "BUSINESS ONLY")
	return f
}

func (f *fixture) add(t *testing.T, file File, content string) int64 {
	t.Helper()
	id, err := Publish(context.Background(), f.env.Deps, file, strings.NewReader(content), nil)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func run(t *testing.T, env *testkit.Env, name string, args ...string) (string, error) {
	t.Helper()
	for _, m := range env.Modules {
		for _, c := range m.Info().Commands {
			if c.Name == name {
				var out bytes.Buffer
				err := c.Run(context.Background(), env.Deps, app.IO{In: strings.NewReader(""), Out: &out, Err: &out}, args)
				return out.String(), err
			}
		}
	}
	t.Fatalf("no command %q", name)
	return "", nil
}
