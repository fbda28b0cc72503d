package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/settings"
	"github.com/ispportal/portal/themes"
)

func demo(ctx context.Context, e *app.Env, io app.IO, args []string) error {
	if _, err := app.SeedDemo(ctx, e); err != nil {
		return err
	}
	fmt.Fprintf(io.Out, `Demo data ready.
  Subscriber: username %q (client number %s), password %s
  Staff:      %s / %s  (at /admin)
`, app.DemoClientUsername, app.DemoClientNumber, app.DemoClientPassword, app.DemoStaffLogin, app.DemoStaffPassword)
	return nil
}

func backup(ctx context.Context, e *app.Env, io app.IO, args []string) error {
	if len(args) != 1 {
		return usageError{"usage: portal backup FILE"}
	}
	if _, err := os.Stat(args[0]); err == nil {
		return fmt.Errorf("backup: %s exists; choose a new file name", args[0])
	}
	if err := e.Deps.DB.Backup(ctx, args[0]); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintln(io.Out, "Backup written to", args[0])
	return nil
}

func settingsCmd(ctx context.Context, e *app.Env, io app.IO, args []string) error {
	st := e.Deps.Settings
	var group int64
	var rest []string
	for i := 0; i < len(args); i++ {
		if args[i] == "--group" && i+1 < len(args) {
			g, err := strconv.ParseInt(args[i+1], 10, 64)
			if err != nil || g <= 0 {
				return usageError{"--group needs an invoice group id"}
			}
			group = g
			i++
			continue
		}
		rest = append(rest, args[i])
	}
	if len(rest) == 0 {
		return usageError{"usage: portal settings list|get KEY|set KEY VALUE [--group ID]|reset KEY|audit [KEY]|doc [FILE]"}
	}
	switch rest[0] {
	case "list":
		tw := tabwriter.NewWriter(io.Out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "KEY\tVALUE\tDEFAULT\tSECTION")
		for _, d := range settings.All() {
			v, stored := st.Value(d, group)
			mark := ""
			if stored {
				mark = " *"
			}
			fmt.Fprintf(tw, "%s\t%s%s\t%s\t%s\n", d.Key, oneLine(d.Display(v)), mark, oneLine(d.Display(d.Default)), d.Section)
		}
		return tw.Flush()
	case "get":
		if len(rest) != 2 {
			return usageError{"usage: portal settings get KEY"}
		}
		d, ok := settings.Lookup(rest[1])
		if !ok {
			return fmt.Errorf("unknown setting %q (see 'portal settings list')", rest[1])
		}
		v, _ := st.Value(d, group)
		fmt.Fprintln(io.Out, d.Display(v))
		return nil
	case "set":
		if len(rest) != 3 {
			return usageError{"usage: portal settings set KEY VALUE [--group ID]"}
		}
		if err := st.Set(ctx, rest[1], group, rest[2], "cli"); err != nil {
			return err
		}
		d, _ := settings.Lookup(rest[1])
		v, _ := st.Value(d, group)
		fmt.Fprintf(io.Out, "%s = %s\n", d.Key, d.Display(v))
		return nil
	case "reset":
		if len(rest) != 2 {
			return usageError{"usage: portal settings reset KEY [--group ID]"}
		}
		return st.Reset(ctx, rest[1], group, "cli")
	case "audit":
		key := ""
		if len(rest) > 1 {
			d, ok := settings.Lookup(rest[1])
			if !ok {
				return fmt.Errorf("unknown setting %q", rest[1])
			}
			key = d.Key
		}
		entries, err := st.Audit(ctx, key, 100)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(io.Out, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "WHEN\tWHO\tKEY\tGROUP\tOLD\tNEW")
		deref := func(p *string) string {
			if p == nil {
				return "(default)"
			}
			return oneLine(*p)
		}
		for _, a := range entries {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", a.At.Local().Format("2006-01-02 15:04:05"), a.Actor, a.Key, a.Group, deref(a.Old), deref(a.New))
		}
		return tw.Flush()
	case "doc":
		file := "docs/settings.md"
		if len(rest) > 1 {
			file = rest[1]
		}
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(file, []byte(settings.Markdown()), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(io.Out, "Settings reference written to", file)
		return nil
	}
	return usageError{fmt.Sprintf("unknown settings action %q", rest[0])}
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) > 60 {
		s = string([]rune(s)[:57]) + "..."
	}
	return s
}

func themeCmd(ctx context.Context, e *app.Env, io app.IO, args []string) error {
	th := e.Deps.Web.Themes
	if len(args) == 0 {
		return usageError{"usage: portal theme list | portal theme copy SRC NAME"}
	}
	switch args[0] {
	case "list":
		cur := settings.SkinTheme.Get(e.Deps.Settings)
		for _, n := range th.BuiltinNames() {
			fmt.Fprintf(io.Out, "%s\tbuilt-in%s\n", n, selected(n, cur))
		}
		for _, n := range th.CustomNames() {
			fmt.Fprintf(io.Out, "%s\tcustom (data/themes/%s)%s\n", n, n, selected(n, cur))
		}
		return nil
	case "copy":
		if len(args) != 3 {
			return usageError{"usage: portal theme copy SRC NAME"}
		}
		return copyTheme(e, args[1], args[2], io)
	}
	return usageError{fmt.Sprintf("unknown theme action %q", args[0])}
}

func selected(n, cur string) string {
	if n == cur {
		return "\t(selected)"
	}
	return ""
}

// copyTheme writes a theme into data/themes/NAME: its style.css and images (for a
// built-in theme, including what it inherits from default), plus an empty templates/
// folder. Templates are not copied: a custom theme holds only the templates it
// changes, so it keeps working when an upgrade brings new default templates.
func copyTheme(e *app.Env, src, name string, io app.IO) error {
	th := e.Deps.Web.Themes
	if err := settings.SkinTheme.Validate(name); err != nil {
		return fmt.Errorf("theme name: %w", err)
	}
	if !th.Exists(src) {
		return fmt.Errorf("theme %q does not exist (see 'portal theme list')", src)
	}
	dst := filepath.Join(e.Deps.DataDir, "themes", name)
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("%s exists already; remove it or choose another name", dst)
	}
	files := map[string][]byte{}
	collect := func(fsys fs.FS) error {
		return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || strings.HasPrefix(p, "templates/") {
				return nil
			}
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			files[p] = data
			return nil
		})
	}
	def, _ := fs.Sub(themes.FS, "default")
	if err := collect(def); err != nil {
		return err
	}
	if src != "default" {
		var srcFS fs.FS
		if sub, err := fs.Sub(themes.FS, src); err == nil && isDir(themes.FS, src) {
			srcFS = sub
		} else {
			srcFS = os.DirFS(filepath.Join(e.Deps.DataDir, "themes", src))
		}
		if err := collect(srcFS); err != nil {
			return err
		}
		// A built-in colour theme imports default's stylesheet by a relative path
		// that does not exist in data/themes: inline the colours after it instead.
		if css, ok := files["style.css"]; ok && strings.Contains(string(css), "../default/style.css") {
			base, _ := fs.ReadFile(def, "style.css")
			files["style.css"] = append(append(base, '\n'), []byte(strings.Replace(string(css), `@import url("../default/style.css");`, "", 1))...)
		}
	}
	for p, data := range files {
		full := filepath.Join(dst, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(dst, "templates"), 0o755); err != nil {
		return err
	}
	readme := "Put a template here to override the built-in one of the same path,\n" +
		"e.g. templates/layouts/main.html or templates/info/show.html.\n" +
		"Everything missing here falls back to the built-in theme.\n"
	if err := os.WriteFile(filepath.Join(dst, "templates", "README.txt"), []byte(readme), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "Theme %s copied to %s. Select it with: portal settings set ci_skin_theme %s\n", src, dst, name)
	return nil
}

func isDir(fsys fs.FS, p string) bool {
	fi, err := fs.Stat(fsys, p)
	return err == nil && fi.IsDir()
}
