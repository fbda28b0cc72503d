package info_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/info"
)

// world is a portal with two invoice groups and a client in each.
type world struct {
	env    *testkit.Env
	g1, g2 int64
	a, b   int64
	ctx    context.Context
	now    time.Time
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := testkit.New(t, info.New)
	w := &world{env: env, ctx: context.Background(), now: env.Clock.Now()}
	w.g1, w.g2 = env.AddGroup("Residential"), env.AddGroup("Business")
	w.a, w.b = env.AddClient("2001", w.g1), env.AddClient("2002", w.g2)
	return w
}

func (w *world) message(t *testing.T, m info.Message) int64 {
	t.Helper()
	var id int64
	w.env.Tx(func(tx *sql.Tx) error {
		var err error
		id, err = info.SaveMessage(w.ctx, tx, m, w.env.Clock.Now())
		return err
	})
	return id
}

var keyRE = regexp.MustCompile(`"(info\.[a-z0-9_.]+)"`)

// TestTranslationKeys fails when a key used in the code or templates is missing from
// either catalog.
func TestTranslationKeys(t *testing.T) {
	env := testkit.New(t, info.New)
	keys := map[string]bool{}
	for _, dir := range []string{".", "templates"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") || !(strings.HasSuffix(f, ".go") || strings.HasSuffix(f, ".html")) {
				continue
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range keyRE.FindAllStringSubmatch(string(data), -1) {
				if !strings.HasSuffix(m[1], ".") && m[1] != "info.f." {
					keys[m[1]] = true
				}
			}
		}
	}
	for _, f := range []string{"street", "city", "postcode", "country", "inv_street", "inv_city", "inv_postcode", "inv_country",
		"email", "phone", "mobile", "company", "registration_no", "vat_no"} {
		keys["info.f."+f] = true
	}
	if len(keys) < 20 {
		t.Fatalf("found only %d keys: the scan is broken", len(keys))
	}
	for k := range keys {
		for _, lang := range []string{"en", "cs"} {
			if !env.Deps.Web.Catalog.Has(lang, k) {
				t.Errorf("key %q missing from %s.toml", k, lang)
			}
		}
	}
}
