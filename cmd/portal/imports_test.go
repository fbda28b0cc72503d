package main

import (
	"bufio"
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

const modPath = "github.com/ispportal/portal/"

// TestImportRules keeps the layers of docs/architecture.md: a feature module never
// imports another feature module, the shells (admin, api) import no feature module
// (they mount what modules declare), and platform code (internal/, settings) imports
// no module. Only cmd/portal knows the module list. Test files are not checked: a
// module's tests may boot the console or the API.
func TestImportRules(t *testing.T) {
	graph := importGraph(t, "./modules/...", "./internal/...", "./settings/...")
	if len(graph) < 20 {
		t.Fatalf("go list found only %d packages", len(graph))
	}
	for pkg, imports := range graph {
		own := moduleOf(pkg)
		for _, imp := range imports {
			dep := moduleOf(imp)
			if dep == "" || dep == own {
				continue
			}
			switch {
			case own == "":
				t.Errorf("%s (platform) imports module %s", pkg, imp)
			case own == "admin" || own == "api":
				t.Errorf("shell %s imports feature module %s: declare it in the module's Info instead", pkg, imp)
			default:
				t.Errorf("feature module %s imports module %s: modules talk through app.Hooks or internal/", pkg, imp)
			}
		}
	}
}

// moduleOf names the module a package belongs to ("files" for modules/files/...),
// or "" for any other package.
func moduleOf(pkg string) string {
	rest, ok := strings.CutPrefix(pkg, modPath+"modules/")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}

// importGraph runs `go list` and returns each package's non-test project imports.
func importGraph(t *testing.T, patterns ...string) map[string][]string {
	t.Helper()
	args := append([]string{"list", "-f", `{{.ImportPath}} {{join .Imports " "}}`}, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	graph := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		var own []string
		for _, imp := range f[1:] {
			if strings.HasPrefix(imp, modPath) {
				own = append(own, imp)
			}
		}
		graph[f[0]] = own
	}
	return graph
}
