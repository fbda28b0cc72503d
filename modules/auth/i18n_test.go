package auth

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestTranslationKeys checks that every "auth.*" key used in the code and templates
// exists in both catalogs.
func TestTranslationKeys(t *testing.T) {
	keyRE := regexp.MustCompile(`"(auth\.[a-z_]+\.[a-z_.]+[a-z_])"`)
	used := map[string]bool{}
	for _, pattern := range []string{"*.go", "templates/*.html"} {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
				used[m[1]] = true
			}
		}
	}
	if len(used) < 30 {
		t.Fatalf("found only %d keys; the scan is broken", len(used))
	}
	for _, lang := range []string{"en", "cs"} {
		b, err := fs.ReadFile(localeFiles, "locales/"+lang+".toml")
		if err != nil {
			t.Fatal(err)
		}
		cat := string(b)
		for k := range used {
			if !strings.Contains(cat, `"`+k+`" =`) && !strings.Contains(cat, `["`+k+`"]`) {
				t.Errorf("%s.toml lacks %q", lang, k)
			}
		}
	}
}
