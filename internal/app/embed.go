package app

import "io/fs"

// Embed fills Migrations, Templates and Locales from the module's one embedded file
// system, whose folders of those names hold the files:
//
//	//go:embed migrations templates locales
//	var files embed.FS
//
//	func (m *Module) Info() app.Info { return app.Info{Name: "notes", ...}.Embed(files) }
//
// A folder the module does not embed stays nil.
func (i Info) Embed(f fs.FS) Info {
	for _, dir := range []struct {
		name string
		to   *fs.FS
	}{{"migrations", &i.Migrations}, {"templates", &i.Templates}, {"locales", &i.Locales}} {
		if _, err := fs.Stat(f, dir.name); err == nil {
			sub, err := fs.Sub(f, dir.name)
			if err != nil {
				panic(err) // the folder exists: a constant, valid name
			}
			*dir.to = sub
		}
	}
	return i
}
