package files

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/internal/web"
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
	id, err := AddFileFrom(context.Background(), f.env.Deps, file, strings.NewReader(content))
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

var keyRE = regexp.MustCompile(`"(files\.[a-z_]*[a-z])"`)

// TestTranslationsComplete fails when a key used in code or templates is missing
// from either catalog.
func TestTranslationsComplete(t *testing.T) {
	env := testkit.New(t, New)
	used := map[string]bool{}
	for _, dir := range []string{".", "templates"} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.IsDir() || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			b, _ := fs.ReadFile(os.DirFS(dir), e.Name())
			for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
				used[m[1]] = true
			}
		}
	}
	if len(used) < 10 {
		t.Fatalf("found only %d keys; the scan is broken", len(used))
	}
	for _, lang := range web.Languages {
		for k := range used {
			if !env.Deps.Web.Catalog.Has(lang, k) {
				t.Errorf("%s: missing %s", lang, k)
			}
		}
	}
}
