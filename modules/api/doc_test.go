package api

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
)

var update = flag.Bool("update", false, "rewrite docs/api.md")

const docPath = "../../docs/api.md"

// TestDocIsCurrent fails when docs/api.md differs from what `portal api doc` writes.
func TestDocIsCurrent(t *testing.T) {
	md := Markdown()
	if *update {
		if err := os.WriteFile(docPath, []byte(md), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	have, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	if string(have) != md {
		t.Fatal("docs/api.md is stale: run `portal api doc docs/api.md` (or go test ./modules/api -run TestDocIsCurrent -update)")
	}
	for _, m := range Methods() {
		if !strings.Contains(md, "### "+m.Name+"\n") {
			t.Errorf("reference lacks %s", m.Name)
		}
	}
}

// TestDocCommand runs `portal api doc FILE` as the CLI does.
func TestDocCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "api.md")
	var stdout bytes.Buffer
	if err := runDoc(t.Context(), app.Deps{}, app.IO{Out: &stdout}, []string{out}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	if string(b) != Markdown() || !strings.Contains(stdout.String(), "methods") {
		t.Fatalf("doc command wrote %d bytes, said %q", len(b), stdout.String())
	}
	if err := runDoc(t.Context(), app.Deps{}, app.IO{Out: &stdout}, []string{"a", "b"}); err == nil {
		t.Fatal("two files accepted")
	}
}

// TestExamplesDecode checks every example request of the reference against its own
// params type and validation, so the documentation never shows a call that fails.
func TestExamplesDecode(t *testing.T) {
	for _, m := range Methods() {
		p := withSID(m.ExampleParams)
		delete(p, "SID")
		raw, _ := json.Marshal(p)
		v := reflect.New(m.Params).Interface()
		if err := decodeParams(raw, v); err != nil {
			t.Errorf("%s: example params %s: %v", m.Name, raw, err)
		}
	}
}

// TestEveryMethodTested fails when a method of the registry appears in no test file.
func TestEveryMethodTested(t *testing.T) {
	files, _ := filepath.Glob("*_test.go")
	var all strings.Builder
	for _, f := range files {
		if f == "doc_test.go" {
			continue
		}
		b, _ := os.ReadFile(f)
		all.Write(b)
	}
	for _, m := range Methods() {
		if !strings.Contains(all.String(), `"`+m.Name+`"`) {
			t.Errorf("no test calls %s", m.Name)
		}
	}
}
