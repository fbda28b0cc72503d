package web

import (
	"html/template"
	"io"
	"log/slog"
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
