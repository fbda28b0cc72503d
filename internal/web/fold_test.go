package web

import (
	"html/template"
	"io"
	"log/slog"
	"strings"
	"testing"
	"testing/fstest"
)

// foldPage exercises every context a folded constant can stand in: text, quoted
// attributes, RCDATA, URLs at their start, middle and query, calls with arguments
// (never folded), constants inside range, nested templates and dict pipelines.
const foldPage = `<title>{{.T "f.title"}}</title>
<p title="{{.T "f.quote"}}">{{.T "f.quote"}} {{.T "f.plain"}}</p>
<a href="{{.URL "/invoices/"}}{{.Data.ID}}/pdf?x={{.T "f.plain"}}&y={{.URL "/a b"}}">{{$.T "f.lt"}}</a>
<a href="{{.URL "/a%20b?c=d"}}">{{.T "f.count" "Count" 3}}</a>
<img alt="{{.T "f.amp"}}" src="{{.URL "/img.png"}}">
{{range .Data.Items}}<li data-x="{{.}}">{{$.T "f.plain"}} {{$.T .}}</li>{{end}}
{{template "t/part" (dict "P" $ "S" "f.lt")}}
{{if .T "f.plain"}}{{.T "f.missing"}}{{end}}
<a href="{{.T "f.url"}}">x</a>
{{template "t/frag" .}}{{.T "f.amp"}}">y</a>
`

func TestFoldedTemplatesPrintTheSame(t *testing.T) {
	locales := fstest.MapFS{
		"en.toml": {Data: []byte(`"f.title" = "Invoices & payments"
"f.quote" = "It's \"quoted\" + more"
"f.plain" = "Plain words"
"f.lt" = "a < b > c"
"f.amp" = "R&D"
"f.url" = "javascript:alert(1)"
[f.count]
one = "{{.Count}} invoice"
other = "{{.Count}} invoices"
`)},
		"cs.toml": {Data: []byte(`"f.title" = "Faktury a platby"
"f.quote" = "Řekl „ano“ + víc"
"f.plain" = "Prostá slova"
"f.lt" = "a < b"
"f.amp" = "V&V"
"f.url" = "/ok"
[f.count]
one = "{{.Count}} faktura"
few = "{{.Count}} faktury"
other = "{{.Count}} faktur"
`)},
	}
	cat, err := NewCatalog(slog.New(slog.NewTextHandler(io.Discard, nil)), locales)
	if err != nil {
		t.Fatal(err)
	}
	src := TemplateSource{FS: fstest.MapFS{
		"t/page.html": {Data: []byte(foldPage)},
		// Not complete HTML on its own: it ends inside an attribute its caller closes.
		"t/frag.html": {Data: []byte(`<a title="{{.T "f.plain"}} `)},
		"t/part.html": {Data: []byte(`<b title="{{.P.T "f.amp"}}">{{.P.T "f.quote"}}|{{.P.T .S}}</b>`)},
	}}
	funcs := template.FuncMap{"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}}
	builtin := fstest.MapFS{"default/style.css": {Data: []byte("body{}")}}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	plain := NewThemes(builtin, t.TempDir(), log, funcs, src)
	folded := NewThemes(builtin, t.TempDir(), log, funcs, src)
	folded.Fold(cat, "/base")
	w := &Web{Catalog: cat}
	for _, lang := range Languages {
		render := func(th *Themes) string {
			e, err := th.Engine("default", lang)
			if err != nil {
				t.Fatal(err)
			}
			p := &Page{Lang: lang, Base: "/base", web: w,
				Data: map[string]any{"ID": 42, "Items": []string{"f.plain", "f.amp"}}}
			out, err := execute(e, "t/page", "", p)
			if err != nil {
				t.Fatal(err)
			}
			return string(out)
		}
		want, got := render(plain), render(folded)
		if got != want {
			t.Fatalf("%s: folded output differs\nwant:\n%s\ngot:\n%s", lang, want, got)
		}
		// Folding did happen: the constant labels are text in the parsed tree now.
		e, _ := folded.Engine("default", lang)
		if tree := e.Templates.Lookup("t/page").Tree.Root.String(); !containsAll(tree, cat.T(lang, "f.plain"), "/base/img.png") {
			t.Fatalf("%s: constants not folded:\n%s", lang, tree)
		}
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
