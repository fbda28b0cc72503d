package invoices_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/invoices"
)

// TestTranslationKeys finds every "invoices.*" key in the code and templates (and the
// keys built with printf from states and methods) and checks both catalogs have it.
func TestTranslationKeys(t *testing.T) {
	env := testkit.New(t, invoices.New)
	cat := env.Deps.Web.Catalog
	keys := map[string]bool{}
	re := regexp.MustCompile(`"(invoices\.[a-z_]*[a-z])"`) // a prefix ending in _ is completed below
	files, _ := filepath.Glob("*.go")
	tpls, _ := filepath.Glob("templates/*.html")
	for _, p := range append(files, tpls...) {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			keys[m[1]] = true
		}
	}
	for _, s := range []invoices.State{invoices.StatePaid, invoices.StateUnpaid, invoices.StateOverdue} {
		keys["invoices.filter_"+string(s)] = true
		keys["invoices.state_"+string(s)] = true
	}
	for _, m := range invoices.Methods {
		keys["invoices.method_"+m] = true
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d keys; is the scan broken?", len(keys))
	}
	for k := range keys {
		for _, lang := range []string{"en", "cs"} {
			if !cat.Has(lang, k) {
				t.Errorf("%s: key %q missing", lang, k)
			}
		}
	}
	// And no key is defined in one catalog only.
	for _, pair := range [][2]string{{"en", "cs"}, {"cs", "en"}} {
		for k := range cat.Keys(pair[0]) {
			if regexp.MustCompile(`^invoices\.`).MatchString(k) && !cat.Has(pair[1], k) {
				t.Errorf("%q in %s but not in %s", k, pair[0], pair[1])
			}
		}
	}
}
