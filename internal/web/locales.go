package web

import (
	"embed"
	"io/fs"
)

//go:embed locales/*.toml
var locales embed.FS

// Locales are the shared strings (layout, errors, forms); modules bring their own.
func Locales() fs.FS {
	sub, _ := fs.Sub(locales, "locales")
	return sub
}
