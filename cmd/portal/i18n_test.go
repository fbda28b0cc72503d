package main

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/web"
)

// Shared namespaces of translation keys; every module's name is one too.
var coreNamespaces = []string{"app", "admin", "layout", "supplier", "pager", "errors", "suspended", "form", "common"}

// notKeys look like keys but are other identifiers (a Fiber Locals name).
var notKeys = map[string]bool{"app.menu.extra": true}

// TestTranslationsComplete fails when a key used in code or templates is missing from
// the English or Czech catalog, or when the two catalogs differ.
func TestTranslationsComplete(t *testing.T) {
	cfg := app.Config{DataDir: t.TempDir()}
	cfg.ValidateAndSetDefaults()
	e, err := app.Boot(context.Background(), cfg, slog.New(slog.DiscardHandler), time.Now, modules)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	cat := e.Deps.Web.Catalog
	ns := append([]string{}, coreNamespaces...)
	for _, m := range e.Modules {
		ns = append(ns, m.Info().Name)
	}
	keyRE := regexp.MustCompile(`"((?:` + strings.Join(ns, "|") + `)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)"`)
	used := map[string]string{}
	prefixes := map[string]string{}
	root := filepath.Join("..", "..")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "data", "node_modules", "docs", "bin", "testdata":
				return filepath.SkipDir
			case "api":
				// JSON-RPC method names ("services.list") look like keys; the API
				// answers in JSON and has no translations.
				if filepath.Base(filepath.Dir(p)) == "modules" {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if strings.HasSuffix(p, "_test.go") || !(strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".html")) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(data), -1) {
			k := m[1]
			if notKeys[k] {
				continue
			}
			// A prefix completed at run time ("gdpr.flash_" + action): at least one
			// key must start with it.
			if strings.HasSuffix(k, "_") || strings.HasSuffix(k, ".") {
				prefixes[k] = p
				continue
			}
			// File names such as "info.md" or "style.css" are not keys.
			if strings.HasSuffix(k, ".md") || strings.HasSuffix(k, ".go") || strings.HasSuffix(k, ".html") || strings.HasSuffix(k, ".css") || strings.HasSuffix(k, ".png") || strings.HasSuffix(k, ".pdf") {
				continue
			}
			used[k] = p
		}
		return nil
	})
	if len(used) < 20 {
		t.Fatalf("found only %d keys in use: the scan is broken", len(used))
	}
	var missing []string
	for k, where := range used {
		for _, lang := range web.Languages {
			if !cat.Has(lang, k) {
				missing = append(missing, lang+": "+k+" (used in "+where+")")
			}
		}
	}
	for _, a := range web.Languages {
		for _, b := range web.Languages {
			for k := range cat.Keys(a) {
				if !cat.Has(b, k) {
					missing = append(missing, b+": "+k+" (defined in "+a+" only)")
				}
			}
		}
	}
	for pre, where := range prefixes {
		for _, lang := range web.Languages {
			found := false
			for k := range cat.Keys(lang) {
				if strings.HasPrefix(k, pre) {
					found = true
					break
				}
			}
			if !found {
				missing = append(missing, lang+": no key starts with "+pre+" (used in "+where+")")
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("%d missing translations:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}
