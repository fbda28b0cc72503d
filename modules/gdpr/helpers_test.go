package gdpr

import (
	"bytes"
	"context"
	"database/sql"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
)

// fixture: clients A and B; a marketing document with three purposes and a plain
// agreement without purposes.
type fixture struct {
	env       *testkit.Env
	a, b      int64
	mk, plain Document
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := testkit.New(t, New)
	f := &fixture{env: env}
	g := env.AddGroup("Residential")
	f.a, f.b = env.AddClient("7001", g), env.AddClient("7002", g)
	f.mk = f.addDoc(t, "Marketing", "<p>We would like to <strong>write</strong> to you.</p><script>alert(1)</script>", "E-mail", "SMS", "Phone")
	f.plain = f.addDoc(t, "Data processing", "<p>Plain agreement.</p>")
	return f
}

func (f *fixture) addDoc(t *testing.T, title, text string, purposes ...string) Document {
	t.Helper()
	var d Document
	f.env.Tx(func(tx *sql.Tx) error {
		id, err := AddDocument(context.Background(), tx, "", title, text, purposes, f.env.Clock.Now())
		if err != nil {
			return err
		}
		d, err = DocumentByID(context.Background(), tx, id)
		return err
	})
	return d
}

// purposeID returns the id of a purpose by name.
func (d Document) purposeID(name string) string {
	for _, p := range d.Purposes {
		if p.Name == name {
			return strconv.FormatInt(p.ID, 10)
		}
	}
	return "0"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

var (
	seqRE     = regexp.MustCompile(`name="seq" value="(\d+)"`)
	versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)
)

// form is what the consent page's form carries.
type form struct{ version, seq string }

// load fetches a document page and returns the values its form carries.
func load(t testing.TB, b *testkit.Browser, docID int64) form {
	t.Helper()
	r := b.Get("/gdpr/" + itoa(docID))
	if r.StatusCode != 200 {
		t.Fatalf("GET /gdpr/%d: %d", docID, r.StatusCode)
	}
	s, v := seqRE.FindStringSubmatch(r.Body), versionRE.FindStringSubmatch(r.Body)
	if s == nil || v == nil {
		t.Fatalf("no form on the page:\n%s", r.Body)
	}
	return form{version: v[1], seq: s[1]}
}

// post sends a consent action with the given form values and purpose ids.
func post(b *testkit.Browser, docID int64, fm form, action string, purposes ...string) *testkit.Response {
	v := url.Values{"action": {action}, "version": {fm.version}, "seq": {fm.seq}}
	for _, p := range purposes {
		v.Add("purpose", p)
	}
	return b.Post("/gdpr/"+itoa(docID), v)
}

func history(t testing.TB, env *testkit.Env, client, doc int64) []Entry {
	t.Helper()
	h, err := ConsentHistory(context.Background(), env.Deps.DB.R, client, doc)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func runCmd(t *testing.T, env *testkit.Env, stdin, name string, args ...string) (string, error) {
	t.Helper()
	for _, m := range env.Modules {
		for _, c := range m.Info().Commands {
			if c.Name == name {
				var out bytes.Buffer
				err := c.Run(context.Background(), env.Deps, app.IO{In: strings.NewReader(stdin), Out: &out, Err: &out}, args)
				return out.String(), err
			}
		}
	}
	t.Fatalf("no command %q", name)
	return "", nil
}
