package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing/fstest"
	"time"

	"github.com/gofiber/template/html/v2"
)

// TemplateSource is a folder of .html templates mounted under a prefix: the shared
// layouts and partials at "", each module's pages under its name ("invoices/list").
type TemplateSource struct {
	Prefix string
	FS     fs.FS
}

// Themes resolves theme files in three layers: the selected custom theme in
// data/themes/NAME, then the selected built-in theme, then the built-in default. A
// custom theme therefore needs only the files it changes.
type Themes struct {
	builtin fs.FS  // embedded themes/: default/, orange/, ...
	dataDir string // data/themes
	log     *slog.Logger
	sources []TemplateSource
	funcs   template.FuncMap

	// fold, when set, turns constant labels and paths into text per language.
	catalog *Catalog
	base    string

	mu      sync.Mutex
	engines map[string]*html.Engine // by theme and language
	warned  sync.Map

	menuMu sync.RWMutex
	menus  map[string]template.HTML // rendered partials/menu by theme, language and entries

	store atomic.Pointer[storeBox] // themes staff made in the console, when a module keeps them

	// versions remembers, for diskVersionTTL, what Version found on disk for a theme
	// file: every page asks for several (style sheet, logo, icons), and a stat each
	// was 3 % of the information page's CPU.
	versions   sync.Map // theme + "\x00" + file → diskVersion
	versionTTL time.Duration
}

// diskVersionTTL is how long a custom theme file's version on disk is trusted: a file
// replaced by hand in data/themes shows within that time. Files uploaded in the
// console are versioned by the store and never wait.
const diskVersionTTL = 2 * time.Second

type diskVersion struct {
	v  string
	at time.Time
}

// ThemeStore is where themes made in the staff console live (the appearance module
// keeps them in the database). A stored theme has its own files and falls back to its
// base theme (built in or in data/themes) for everything else. It holds no templates.
type ThemeStore interface {
	// Stored returns a theme by name; false when the store has none of that name.
	Stored(name string) (StoredTheme, bool)
	// StoredNames lists the stored themes.
	StoredNames() []string
}

// StoredTheme is one stored theme as the store last loaded it; the maps are never
// changed after the store hands them out.
type StoredTheme struct {
	Base  string
	Files map[string]StoredFile // by name in the theme: style.css, images/logo.png
}

// StoredFile is a file of a stored theme, checked when it was uploaded.
type StoredFile struct {
	Data    []byte
	Type    string // Content-Type
	Version string // changes whenever the file does
}

type storeBox struct{ s ThemeStore }

// SetStore makes the themes of s known (Exists, Open, Version, Type); nil forgets them.
func (t *Themes) SetStore(s ThemeStore) {
	t.store.Store(&storeBox{s})
	t.Forget()
}

func (t *Themes) stored(name string) (StoredTheme, bool) {
	b := t.store.Load()
	if b == nil || b.s == nil {
		return StoredTheme{}, false
	}
	return b.s.Stored(name)
}

// StoredNames lists the themes made in the console (none without a store).
func (t *Themes) StoredNames() []string {
	if b := t.store.Load(); b != nil && b.s != nil {
		return b.s.StoredNames()
	}
	return nil
}

// Type is the Content-Type a stored theme file was checked as ("" for any other
// file: the extension decides).
func (t *Themes) Type(theme, file string) string {
	file = path.Clean("/" + file)[1:]
	if st, ok := t.stored(theme); ok {
		if f, ok := st.Files[file]; ok {
			return f.Type
		}
	}
	return ""
}

// storedFS serves a stored theme's files as a file system layer.
func storedFS(st StoredTheme) fs.FS {
	m := fstest.MapFS{}
	for n, f := range st.Files {
		m[n] = &fstest.MapFile{Data: f.Data}
	}
	return m
}

// maxMenus bounds the menu cache; combinations of gates, buttons and the active entry
// stay far below it, and reaching it only starts the cache afresh.
const maxMenus = 4096

// Menu renders partials/menu for the entries, once per theme, language and entries.
func (t *Themes) Menu(e *html.Engine, theme string, v MenuView) (template.HTML, error) {
	var k strings.Builder
	k.WriteString(theme + "\x00" + v.Lang)
	for _, m := range v.Items {
		fmt.Fprintf(&k, "\x00%s\x01%s\x01%t\x01%t", m.Href, m.Text, m.Active, m.NewTab)
	}
	key := k.String()
	t.menuMu.RLock()
	h, ok := t.menus[key]
	t.menuMu.RUnlock()
	if ok {
		return h, nil
	}
	tpl := e.Templates.Lookup("partials/menu")
	if tpl == nil {
		return "", fmt.Errorf("template %q not found", "partials/menu")
	}
	var b bytes.Buffer
	if err := tpl.Execute(&b, v); err != nil {
		return "", err
	}
	h = template.HTML(b.String()) // escaped by html/template
	t.menuMu.Lock()
	if t.menus == nil || len(t.menus) >= maxMenus {
		t.menus = map[string]template.HTML{}
	}
	t.menus[key] = h
	t.menuMu.Unlock()
	return h, nil
}

// Fold makes each engine specific to a language: constant translations and paths are
// resolved once when the templates are parsed instead of on every render (see
// foldConstants). Call it before the first Engine.
func (t *Themes) Fold(cat *Catalog, base string) {
	t.mu.Lock()
	t.catalog, t.base = cat, base
	t.engines = map[string]*html.Engine{}
	t.mu.Unlock()
}

// NewThemes prepares theme lookup. Engines are built per theme on first use.
func NewThemes(builtin fs.FS, dataDir string, log *slog.Logger, funcs template.FuncMap, sources ...TemplateSource) *Themes {
	return &Themes{builtin: builtin, dataDir: dataDir, log: log, sources: sources, funcs: funcs, engines: map[string]*html.Engine{},
		versionTTL: diskVersionTTL}
}

// BuiltinNames lists the embedded themes.
func (t *Themes) BuiltinNames() []string {
	var out []string
	entries, _ := fs.ReadDir(t.builtin, ".")
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

// CustomNames lists the themes in data/themes.
func (t *Themes) CustomNames() []string {
	var out []string
	entries, _ := os.ReadDir(t.dataDir)
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, e.Name())
		}
	}
	return out
}

// Exists reports whether a theme of that name is built in or present in data/themes.
func (t *Themes) Exists(name string) bool {
	if name == "" || strings.ContainsAny(name, `/\.`) {
		return false
	}
	if _, ok := t.stored(name); ok {
		return true
	}
	if fi, err := fs.Stat(t.builtin, name); err == nil && fi.IsDir() {
		return true
	}
	fi, err := os.Stat(filepath.Join(t.dataDir, name))
	return err == nil && fi.IsDir()
}

// Resolve returns the theme to use for a configured name: the name itself when it
// exists, otherwise "default" with a logged warning (never a blank page).
func (t *Themes) Resolve(name string) string {
	if t.Exists(name) {
		return name
	}
	if name != "default" {
		if _, warned := t.warned.LoadOrStore(name, true); !warned {
			t.log.Warn("web.Themes: unknown theme, using default", "theme", name)
		}
	}
	return "default"
}

// layers returns the file systems of a theme, most specific first.
func (t *Themes) layers(name string) []fs.FS {
	var ls []fs.FS
	if st, ok := t.stored(name); ok {
		ls = append(ls, storedFS(st))
		if name = st.Base; name == "" || strings.ContainsAny(name, `/\.`) {
			name = "default"
		}
	}
	if fi, err := os.Stat(filepath.Join(t.dataDir, name)); err == nil && fi.IsDir() {
		ls = append(ls, os.DirFS(filepath.Join(t.dataDir, name)))
	}
	if sub, err := fs.Sub(t.builtin, name); err == nil && name != "default" {
		if _, err := fs.Stat(t.builtin, name); err == nil {
			ls = append(ls, sub)
		}
	}
	def, _ := fs.Sub(t.builtin, "default")
	return append(ls, def)
}

// Open returns a theme file (style.css, images/logo.png) from the first layer that has it.
func (t *Themes) Open(theme, file string) (fs.File, error) {
	file = path.Clean("/" + file)[1:]
	if strings.HasPrefix(file, "templates/") || file == "" || file == "." {
		return nil, fs.ErrNotExist
	}
	for _, l := range t.layers(theme) {
		if f, err := l.Open(file); err == nil {
			if st, err := f.Stat(); err == nil && !st.IsDir() {
				return f, nil
			}
			f.Close()
		}
	}
	return nil, fs.ErrNotExist
}

// Version identifies the copy of a theme file that Open returns: the size and time of
// the custom theme's own file when it has one, "" when the file comes from the
// built-in themes, which never change while the portal runs.
func (t *Themes) Version(theme, file string) string { return t.version(theme, file, false) }

// pageVersion is Version for the addresses pages print (Page.ThemeURL), which trusts a
// file's version on disk for diskVersionTTL. Only pages use it: their file names come
// from templates, so the memo stays as small as the themes; the asset handler, whose
// names come from the request, stats every time.
func (t *Themes) pageVersion(theme, file string) string { return t.version(theme, file, true) }

func (t *Themes) version(theme, file string, memo bool) string {
	file = path.Clean("/" + file)[1:]
	if st, ok := t.stored(theme); ok {
		if f, ok := st.Files[file]; ok {
			return "s" + f.Version
		}
		theme = st.Base
	}
	if theme == "" || strings.ContainsAny(theme, `/\.`) {
		return ""
	}
	key, now := theme+"\x00"+file, time.Now()
	if e, ok := t.versions.Load(key); memo && ok && now.Sub(e.(diskVersion).at) < t.versionTTL {
		return e.(diskVersion).v
	}
	v := ""
	if fi, err := os.Stat(filepath.Join(t.dataDir, theme, filepath.FromSlash(file))); err == nil && !fi.IsDir() {
		v = fmt.Sprintf("%d.%d", fi.Size(), fi.ModTime().UnixNano())
	}
	if memo {
		t.versions.Store(key, diskVersion{v: v, at: now})
	}
	return v
}

// Engine returns the parsed templates of a theme in a language, building them on first
// use. Templates fail fast: a parse error is returned (and the theme falls back to
// default in Render).
func (t *Themes) Engine(theme, lang string) (*html.Engine, error) {
	key := theme + "\x00" + lang
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.engines[key]; ok {
		return e, nil
	}
	merged := fstest.MapFS{}
	// Theme overrides first, so that they win; then the shared and module templates.
	for _, l := range t.layers(theme) {
		sub, err := fs.Sub(l, "templates")
		if err != nil {
			continue
		}
		addFiles(merged, sub, "")
	}
	for _, s := range t.sources {
		addFiles(merged, s.FS, s.Prefix)
	}
	e := html.NewFileSystem(http.FS(merged), ".html")
	for k, f := range t.funcs {
		e.AddFunc(k, f)
	}
	// partial runs a template whose name is a value, which {{template}} cannot take: a
	// shared frame (partials/table) holds the rows each module draws in its own template.
	e.AddFunc("partial", func(name string, data any) (template.HTML, error) {
		tpl := e.Templates.Lookup(name)
		if tpl == nil {
			return "", fmt.Errorf("template %q not found", name)
		}
		var b strings.Builder
		if err := tpl.Execute(&b, data); err != nil {
			return "", err
		}
		return template.HTML(b.String()), nil // escaped by html/template
	})
	if err := e.Load(); err != nil {
		return nil, fmt.Errorf("theme %s: %w", theme, err)
	}
	foldConstants(e.Templates, lang, t.catalog, t.base)
	t.engines[key] = e
	return e, nil
}

// Forget drops cached engines, so edited custom-theme templates are read again.
func (t *Themes) Forget() {
	t.mu.Lock()
	t.engines = map[string]*html.Engine{}
	t.mu.Unlock()
	t.menuMu.Lock()
	t.menus = nil
	t.menuMu.Unlock()
}

func addFiles(dst fstest.MapFS, src fs.FS, prefix string) {
	_ = fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return nil
		}
		name := path.Join(prefix, p)
		if _, exists := dst[name]; exists {
			return nil
		}
		data, err := fs.ReadFile(src, p)
		if err != nil {
			return nil
		}
		dst[name] = &fstest.MapFile{Data: data}
		return nil
	})
}

// execute renders the page template, then the layout around it. The html engine's own
// layout support holds a global lock during every render; executing the parsed set
// directly keeps renders parallel.
func execute(e *html.Engine, name, layout string, p *Page) ([]byte, error) {
	page := e.Templates.Lookup(name)
	if page == nil {
		return nil, fmt.Errorf("template %q not found", name)
	}
	var body bytes.Buffer
	if err := page.Execute(&body, p); err != nil {
		return nil, err
	}
	if layout == "" {
		return body.Bytes(), nil
	}
	lay := e.Templates.Lookup(layout)
	if lay == nil {
		return nil, fmt.Errorf("layout %q not found", layout)
	}
	p.Content = template.HTML(body.String()) // already escaped by html/template
	var out bytes.Buffer
	out.Grow(body.Len() + 4096)
	if err := lay.Execute(&out, p); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
