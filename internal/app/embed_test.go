package app

import (
	"io/fs"
	"testing"
	"testing/fstest"
)

func TestInfoEmbed(t *testing.T) {
	files := fstest.MapFS{"templates/page.html": {Data: []byte("x")}, "locales/en.toml": {Data: []byte("")}}
	info := Info{Name: "x"}.Embed(files)
	if info.Migrations != nil || info.Locales == nil || info.Templates == nil || info.Name != "x" {
		t.Fatalf("folders: %+v", info)
	}
	if _, err := fs.Stat(info.Templates, "page.html"); err != nil {
		t.Fatal(err)
	}
}
