package documents

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/blob"
)

func TestDocumentCommands(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	// A real file whose name carries control characters and an escape sequence.
	nasty := filepath.Join(dir, "smlouva\x01\x1b[31m č.5.pdf")
	if err := os.WriteFile(nasty, f.pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, f.env, "document add", "--client", "5002", "--title", "Annex 7", "--kind", "annex", "--date", "2026-03-01", nasty)
	if err != nil || !strings.Contains(out, "added for client 5002") {
		t.Fatalf("add: %v %s", err, out)
	}
	docs, _ := ListDocuments(context.Background(), f.env.Deps.DB.R, f.b, false)
	var got Document
	for _, d := range docs {
		if d.Title == "Annex 7" {
			got = d
		}
	}
	if got.FileName != "smlouva[31m č.5.pdf" || got.Kind != KindAnnex || !got.Visible || got.ContentType != "application/pdf" ||
		got.Date.Format("2006-01-02") != "2026-03-01" || !regexp.MustCompile(`^documents/[0-9a-f]{32}$`).MatchString(got.StoredPath) {
		t.Fatalf("stored %+v", got)
	}
	id := itoa(got.ID)
	b := f.env.Browser().LoginAs(f.b)
	b.Get("/documents/").Expect(t, 200, "Annex 7")

	// hide / show / list
	if out, err := run(t, f.env, "document hide", id); err != nil || !strings.Contains(out, "hidden") {
		t.Fatalf("hide: %v %s", err, out)
	}
	b.Get("/documents/").Lacks(t, "Annex 7")
	b.Get("/documents/"+id+"/download").Expect(t, 404)
	out, _ = run(t, f.env, "document list", "5002")
	if !regexp.MustCompile(id + `\s+2026-03-01\s+annex\s+no`).MatchString(out) {
		t.Fatalf("list:\n%s", out)
	}
	if _, err := run(t, f.env, "document show", id); err != nil {
		t.Fatal(err)
	}
	b.Get("/documents/"+id+"/download").Expect(t, 200, "%PDF")

	bad := []struct {
		args []string
		want string
	}{
		{[]string{"document add", "--client", "9999", "--title", "X", nasty}, "no client"},
		{[]string{"document add", "--client", "5001", nasty}, "--title"},
		{[]string{"document add", "--client", "5001", "--title", "X", "--kind", "invoice", nasty}, "kind"},
		{[]string{"document add", "--client", "5001", "--title", "X", "--date", "1.3.2026", nasty}, "YYYY-MM-DD"},
		{[]string{"document add", "--client", "5001", "--title", "X", filepath.Join(dir, "missing.pdf")}, "no such file"},
		{[]string{"document add", "--client", "5001", "--title", "X"}, "exactly one FILE"},
		{[]string{"document show", "abc"}, "not a number"},
		{[]string{"document hide", "424242"}, "no document"},
		{[]string{"document list", "9999"}, "no client"},
	}
	for _, c := range bad {
		_, err := run(t, f.env, c.args[0], c.args[1:]...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err %v, want %q", c.args, err, c.want)
		}
	}
}

func TestDocumentUploadLimit(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	big := filepath.Join(dir, "big.pdf")
	if err := os.WriteFile(big, []byte("%PDF-1.4\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, blob.MaxUploadBytes+1); err != nil {
		t.Fatal(err)
	}
	_, err := run(t, f.env, "document add", "--client", "5001", "--title", "Too big", big)
	if err == nil || !strings.Contains(err.Error(), "larger than the limit of 20 MB") {
		t.Fatalf("oversized upload: %v", err)
	}
	empty := filepath.Join(dir, "empty.pdf")
	os.WriteFile(empty, nil, 0o600)
	if _, err := run(t, f.env, "document add", "--client", "5001", "--title", "Empty", empty); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("empty upload: %v", err)
	}
	// Exactly at the limit is accepted.
	if err := os.Truncate(big, blob.MaxUploadBytes); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, f.env, "document add", "--client", "5001", "--title", "Just fits", big); err != nil {
		t.Fatal(err)
	}
	// Nothing but the fixture's three files and the one that fit is stored, none on disk.
	var stored int
	f.env.Deps.DB.R.QueryRow(`SELECT COUNT(DISTINCT name) FROM blob_chunks WHERE name LIKE 'documents/%'`).Scan(&stored)
	if entries, _ := os.ReadDir(filepath.Join(f.env.Deps.DataDir, StoreDir)); stored != 4 || len(entries) != 0 {
		t.Fatalf("%d files in the store and %d on disk, want 4 and 0", stored, len(entries))
	}
}

func TestDangerousNamesNeverReachDisk(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{"../../portal.db", "..\\..\\x.pdf", "a\x00b.pdf", "/etc/passwd", "\x1b]0;pwn\x07.pdf"} {
		id := f.add(t, Document{ClientID: f.a, Title: "T", FileName: name, Visible: true}, []byte("data"))
		d, err := DocumentByID(context.Background(), f.env.Deps.DB.R, id)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(d.FileName, "/\\\x00\x1b\x07") || strings.HasPrefix(d.FileName, ".") {
			t.Errorf("%q stored as file name %q", name, d.FileName)
		}
		if !regexp.MustCompile(`^documents/[0-9a-f]{32}$`).MatchString(d.StoredPath) {
			t.Errorf("%q stored at %q", name, d.StoredPath)
		}
	}
	// SaveDocument itself refuses a stored path it did not make.
	err := f.env.Deps.DB.Tx(context.Background(), func(tx *sql.Tx) error {
		_, err := SaveDocument(context.Background(), tx, Document{ClientID: f.a, Title: "x", StoredPath: "documents/../../etc/passwd"}, f.env.Clock.Now())
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "not made by StoreUpload") {
		t.Fatalf("tampered path: %v", err)
	}
}
