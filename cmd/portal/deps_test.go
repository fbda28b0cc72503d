package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryLinksNoTestServers keeps the test servers (mailtest, smpptest,
// gatewaytest, kanneltest) and their libraries out of the portal binary: they
// live in their own packages, and a production file that starts importing one
// of them, or package testing, fails here.
//
// Package testing itself is still linked: Fiber's utils package imports it.
// So the check is on our own packages' imports, not on the whole list.
func TestBinaryLinksNoTestServers(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}{{range .Imports}} {{.}}{{end}}", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	banned := map[string]bool{"github.com/emersion/go-smtp": true, "net/http/httptest": true}
	const module = "github.com/ispportal/portal"
	seen := 0
	for line := range strings.Lines(string(out)) {
		f := strings.Fields(line)
		pkg, imports := f[0], f[1:]
		if banned[pkg] {
			t.Errorf("the binary links %s", pkg)
		}
		if strings.HasSuffix(pkg, "test") && strings.HasPrefix(pkg, module+"/") {
			t.Errorf("the binary links the test package %s", pkg)
		}
		if pkg != module && !strings.HasPrefix(pkg, module+"/") {
			continue
		}
		seen++
		for _, imp := range imports {
			if imp == "testing" {
				t.Errorf("%s imports package testing", pkg)
			}
		}
	}
	if seen < 10 {
		t.Fatalf("go list named only %d packages of %s:\n%s", seen, module, out)
	}
}
