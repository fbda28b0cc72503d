package files

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/blob"
)

func TestFileCommands(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "tarif\x7f\x1b.pdf")
	os.WriteFile(path, []byte("%PDF-1.4 tariffs"), 0o600)
	out, err := run(t, f.env, "file add", "--title", "Tariffs", "--description", "2026", "--group", itoa(f.g1), "--group", itoa(f.g2), path)
	if err != nil || !strings.Contains(out, "published") {
		t.Fatalf("add: %v %s", err, out)
	}
	id := regexp.MustCompile(`file (\d+) published`).FindStringSubmatch(out)[1]
	out, _ = run(t, f.env, "file list")
	if !regexp.MustCompile(id+`\s+\S+\s+\S+ B\s+application/pdf\s+\d+ Residential, \d+ Business\s+Tariffs\s+tarif\.pdf`).MatchString(out) ||
		!strings.Contains(out, "everybody") {
		t.Fatalf("list:\n%s", out)
	}
	f.env.Browser().LoginAs(f.c1).Get("/files/"+id+"/download").Expect(t, 200, "tariffs")
	f.env.Browser().LoginAs(f.none).Get("/files/"+id+"/download").Expect(t, 404)

	file, _ := FileByID(t.Context(), f.env.Deps.DB.R, f.onlyGroup2)
	stored, _ := blob.Path(f.env.Deps.DataDir, StoreDir, file.StoredPath)
	if out, err := run(t, f.env, "file delete", itoa(f.onlyGroup2)); err != nil || !strings.Contains(out, "deleted") {
		t.Fatalf("delete: %v %s", err, out)
	}
	if _, err := os.Stat(stored); !os.IsNotExist(err) {
		t.Fatalf("stored file still there: %v", err)
	}
	f.env.Browser().LoginAs(f.c2).Get("/files/").Lacks(t, "Business terms")

	big := filepath.Join(dir, "big.bin")
	os.WriteFile(big, []byte("x"), 0o600)
	os.Truncate(big, blob.MaxUploadBytes+1)
	bad := []struct {
		args []string
		want string
	}{
		{[]string{"file add", "--title", "Big", big}, "larger than the limit of 20 MB"},
		{[]string{"file add", "--title", "X", "--group", "424242", path}, "no invoice group with id 424242"},
		{[]string{"file add", "--title", "X", "--group", "abc", path}, "not a number"},
		{[]string{"file add", path}, "--title"},
		{[]string{"file add", "--title", strings.Repeat("č", MaxTitle+1), path}, "--title is too long"},
		{[]string{"file add", "--title", "X", "--description", strings.Repeat("ř", MaxDescription+1), path}, "--description is too long"},
		{[]string{"file delete", "424242"}, "no file"},
		{[]string{"file delete", "x"}, "not a number"},
	}
	for _, c := range bad {
		_, err := run(t, f.env, c.args[0], c.args[1:]...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err %v, want %q", c.args, err, c.want)
		}
	}
	// Refused uploads left nothing: the fixture's two, the tariffs, minus the deleted one;
	// none on disk (files live in the database).
	var inStore int
	f.env.Deps.DB.R.QueryRow(`SELECT COUNT(DISTINCT name) FROM blob_chunks WHERE name LIKE 'files/%'`).Scan(&inStore)
	if entries, _ := os.ReadDir(filepath.Join(f.env.Deps.DataDir, StoreDir)); inStore != 2 || len(entries) != 0 {
		t.Fatalf("%d files in the store and %d on disk, want 2 and 0", inStore, len(entries))
	}
}

// TestFileAddTitleInRunes: `file add` takes a title of MaxTitle runes (the store
// used to count bytes, so 250 Czech letters were refused by the CLI alone).
func TestFileAddTitleInRunes(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "long.txt")
	if err := os.WriteFile(path, []byte("long"), 0o600); err != nil {
		t.Fatal(err)
	}
	title := strings.Repeat("č", MaxTitle)
	if out, err := run(t, f.env, "file add", "--title", " "+title+" ", path); err != nil || !strings.Contains(out, "published") {
		t.Fatalf("out %q err %v", out, err)
	}
	list, err := ListFiles(context.Background(), f.env.Deps.DB.R)
	if err != nil || len(list) != 3 || !slices.ContainsFunc(list, func(x File) bool { return x.Title == title }) {
		t.Fatalf("files %+v %v", list, err)
	}
}
