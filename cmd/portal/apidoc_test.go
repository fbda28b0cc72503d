package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/rpc"
)

var updateDoc = flag.Bool("update", false, "rewrite docs/api.md")

const apiDocPath = "../../docs/api.md"

// bootAll boots every module of the list on a temp dir (nothing served).
func bootAll(t *testing.T) *app.Env {
	t.Helper()
	cfg := app.Config{DataDir: t.TempDir()}
	cfg.ValidateAndSetDefaults()
	e, err := app.Boot(context.Background(), cfg, slog.New(slog.DiscardHandler), time.Now, modules)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// apiDoc runs `portal api doc [args]` as the CLI does.
func apiDoc(t *testing.T, e *app.Env, args ...string) (string, error) {
	t.Helper()
	for _, c := range e.Commands() {
		if c.Name == "api doc" {
			var out bytes.Buffer
			err := c.Run(t.Context(), e.Deps, app.IO{Out: &out, Err: &out}, args)
			return out.String(), err
		}
	}
	t.Fatal("no api doc command")
	return "", nil
}

// TestAPIDocIsCurrent fails when docs/api.md differs from what `portal api doc` writes
// with the whole module list: every module's declared methods, in reference order.
func TestAPIDocIsCurrent(t *testing.T) {
	e := bootAll(t)
	md, err := apiDoc(t, e)
	if err != nil {
		t.Fatal(err)
	}
	if *updateDoc {
		if err := os.WriteFile(apiDocPath, []byte(md), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	have, err := os.ReadFile(apiDocPath)
	if err != nil {
		t.Fatal(err)
	}
	if string(have) != md {
		t.Fatal("docs/api.md is stale: run `portal api doc docs/api.md` (or go test ./cmd/portal -run TestAPIDocIsCurrent -update)")
	}
	for _, m := range e.Deps.Declared.Methods() {
		if !strings.Contains(md, "### "+m.Name+"\n") {
			t.Errorf("reference lacks %s", m.Name)
		}
	}
	out := filepath.Join(t.TempDir(), "api.md")
	said, err := apiDoc(t, e, out)
	if b, _ := os.ReadFile(out); err != nil || string(b) != md || !strings.Contains(said, "methods") {
		t.Fatalf("doc command wrote %d bytes, said %q, %v", len(b), said, err)
	}
	if _, err := apiDoc(t, e, "a", "b"); err == nil {
		t.Fatal("two files accepted")
	}
}

// TestAPIExamplesDecode checks every example request of the reference against its own
// params type and validation, so the documentation never shows a call that fails.
func TestAPIExamplesDecode(t *testing.T) {
	for _, m := range bootAll(t).Deps.Declared.Methods() {
		b, _ := json.Marshal(m.ExampleParams)
		var p map[string]any
		json.Unmarshal(b, &p)
		// Example params omit fields left at their zero value, as a caller would.
		for k, v := range p {
			if v == nil || v == "" || v == 0.0 || v == false {
				delete(p, k)
			}
		}
		raw, _ := json.Marshal(p)
		v := reflect.New(m.Params).Interface()
		if err := rpc.DecodeParams(raw, v); err != nil {
			t.Errorf("%s: example params %s: %v", m.Name, raw, err)
		}
	}
}

// TestEveryMethodTested fails when a declared API method appears in no test file of
// the modules.
func TestEveryMethodTested(t *testing.T) {
	var all strings.Builder
	filepath.WalkDir(filepath.Join("..", "..", "modules"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, "_test.go") {
			b, _ := os.ReadFile(p)
			all.Write(b)
		}
		return nil
	})
	methods := bootAll(t).Deps.Declared.Methods()
	if len(methods) < 50 {
		t.Fatalf("only %d methods declared", len(methods))
	}
	for _, m := range methods {
		if !strings.Contains(all.String(), `"`+m.Name+`"`) {
			t.Errorf("no test calls %s", m.Name)
		}
	}
}
