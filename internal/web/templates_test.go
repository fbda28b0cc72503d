package web

import (
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// partial runs the template it is named at run time, with html/template's escaping,
// and fails the render on a name no template has.
func TestPartialRunsTemplateByName(t *testing.T) {
	src := TemplateSource{FS: fstest.MapFS{
		"t/page.html":    {Data: []byte(`<table>{{partial .Data.Body .}}</table>`)},
		"t/rows.html":    {Data: []byte(`{{range .Data.Rows}}<tr><td>{{.}}</td></tr>{{end}}`)},
		"t/missing.html": {Data: []byte(`{{partial "t/none" .}}`)},
	}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	th := NewThemes(fstest.MapFS{"default/style.css": {Data: []byte("body{}")}}, t.TempDir(), log, template.FuncMap{}, src)
	e, err := th.Engine("default", "en")
	if err != nil {
		t.Fatal(err)
	}
	p := &Page{Data: map[string]any{"Body": "t/rows", "Rows": []string{"a<b", "c"}}}
	out, err := execute(e, "t/page", "", p)
	if err != nil {
		t.Fatal(err)
	}
	if want := `<table><tr><td>a&lt;b</td></tr><tr><td>c</td></tr></table>`; string(out) != want {
		t.Fatalf("got %s, want %s", out, want)
	}
	if _, err := execute(e, "t/missing", "", p); err == nil || !strings.Contains(err.Error(), `"t/none" not found`) {
		t.Fatalf("missing template: err %v", err)
	}
}

// A page's theme address trusts a hand-placed file's version for diskVersionTTL (no
// stat on every page); the asset handler's Version stats every time and remembers
// nothing, so request paths cannot grow the memo.
func TestThemeFileVersionMemo(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "custom"), 0o755); err != nil {
		t.Fatal(err)
	}
	css := filepath.Join(dir, "custom", "style.css")
	if err := os.WriteFile(css, []byte("body{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	th := NewThemes(fstest.MapFS{"default/style.css": {Data: []byte("body{}")}}, dir, slog.New(slog.DiscardHandler), template.FuncMap{})
	first := th.pageVersion("custom", "style.css")
	if first == "" || first != th.Version("custom", "style.css") {
		t.Fatalf("versions %q and %q", first, th.Version("custom", "style.css"))
	}
	if err := os.WriteFile(css, []byte("body{color:red}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if v := th.pageVersion("custom", "style.css"); v != first {
		t.Fatalf("the page's version changed within the memo's time: %q", v)
	}
	if v := th.Version("custom", "style.css"); v == first || v == "" {
		t.Fatalf("the asset handler's version did not follow the file: %q", v)
	}
	th.versionTTL = 0
	if v := th.pageVersion("custom", "style.css"); v == first || v == "" {
		t.Fatalf("the page's version did not follow the file after the memo's time: %q", v)
	}
	for i := range 100 {
		th.Version("custom", fmt.Sprintf("nothing-%d.css", i))
	}
	n := 0
	th.versions.Range(func(any, any) bool { n++; return true })
	if n != 1 {
		t.Fatalf("the memo holds %d entries, want 1 (the page's)", n)
	}
}
