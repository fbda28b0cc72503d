package documents

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/internal/web"
)

// fixture is a portal with two clients; A has a shown contract and a hidden one.
type fixture struct {
	env                *testkit.Env
	a, b               int64
	shown, hidden, bID int64
	pdf                []byte
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := testkit.New(t, New)
	f := &fixture{env: env}
	g := env.AddGroup("Residential")
	f.a, f.b = env.AddClient("5001", g), env.AddClient("5002", g)
	var err error
	if f.pdf, err = DemoPDF("Contract 5001", "test"); err != nil {
		t.Fatal(err)
	}
	f.shown = f.add(t, Document{ClientID: f.a, Title: "Contract A", Kind: KindContract, FileName: "contract-a.pdf", Visible: true}, f.pdf)
	f.hidden = f.add(t, Document{ClientID: f.a, Title: "Secret protocol", Kind: KindOther, FileName: "secret.pdf"}, f.pdf)
	f.bID = f.add(t, Document{ClientID: f.b, Title: "Contract B", Kind: KindContract, FileName: "contract-b.pdf", Visible: true}, f.pdf)
	return f
}

func (f *fixture) add(t *testing.T, d Document, content []byte) int64 {
	t.Helper()
	id, err := AddDocumentFrom(context.Background(), f.env.Deps, d, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// command finds one of the module's CLI commands.
func command(t *testing.T, env *testkit.Env, name string) app.Command {
	t.Helper()
	for _, m := range env.Modules {
		for _, c := range m.Info().Commands {
			if c.Name == name {
				return c
			}
		}
	}
	t.Fatalf("no command %q", name)
	return app.Command{}
}

// run runs a CLI command and returns its output.
func run(t *testing.T, env *testkit.Env, name string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := command(t, env, name).Run(context.Background(), env.Deps, app.IO{In: strings.NewReader(""), Out: &out, Err: &out}, args)
	return out.String(), err
}

var keyRE = regexp.MustCompile(`"(documents\.[a-z_]*[a-z])"`)

// TestTranslationsComplete fails when a key used in code or templates is missing
// from either catalog (kind keys are built from the kinds).
func TestTranslationsComplete(t *testing.T) {
	env := testkit.New(t, New)
	used := map[string]bool{}
	for _, k := range []string{KindContract, KindAnnex, KindOther} {
		used["documents.kind_"+k] = true
	}
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
