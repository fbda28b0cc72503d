package documents

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
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
