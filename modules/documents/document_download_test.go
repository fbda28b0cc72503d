package documents

import (
	"compress/gzip"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestDocumentDownload(t *testing.T) {
	f := newFixture(t)
	a := f.env.Browser().LoginAs(f.a)
	r := a.Get("/documents/"+itoa(f.shown)+"/download").Expect(t, 200)
	if r.Body != string(f.pdf) {
		t.Fatalf("body is not the stored PDF (%d bytes)", len(r.Body))
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("content type %q", ct)
	}
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition"))
	if err != nil || params["filename"] != "contract-a.pdf" {
		t.Fatalf("disposition %q: %v", r.Header.Get("Content-Disposition"), err)
	}

	cases := []struct{ name, path string }{
		{"hidden document", "/documents/" + itoa(f.hidden) + "/download"},
		{"another client's document", "/documents/" + itoa(f.bID) + "/download"},
		{"no such id", "/documents/999999/download"},
		{"non-numeric", "/documents/abc/download"},
		{"huge", "/documents/99999999999999999999999/download"},
		{"zero", "/documents/0/download"},
		{"leading zero", "/documents/0" + itoa(f.shown) + "/download"},
		{"negative", "/documents/-" + itoa(f.shown) + "/download"},
		{"traversal", "/documents/..%2f..%2fportal.db/download"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a.Get(c.path).Expect(t, 404).Lacks(t, "%PDF")
		})
	}
	// Client B can download their own but not A's.
	b := f.env.Browser().LoginAs(f.b)
	b.Get("/documents/"+itoa(f.bID)+"/download").Expect(t, 200, "%PDF")
	b.Get("/documents/"+itoa(f.shown)+"/download").Expect(t, 404)
}

func TestDocumentMissingOnDisk(t *testing.T) {
	f := newFixture(t)
	doc, err := DocumentByID(t.Context(), f.env.Deps.DB.R, f.shown)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.env.Deps.DB.W.Exec(`DELETE FROM blob_chunks WHERE name = ?`, doc.StoredPath); err != nil {
		t.Fatal(err)
	}
	a := f.env.Browser().LoginAs(f.a)
	a.Get("/documents/"+itoa(f.shown)+"/download").Expect(t, 404, "Document not available", "Contract A", "logged for our staff")
	logs := f.env.Logs.String()
	if !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "stored file unavailable") ||
		!strings.Contains(logs, "document="+itoa(f.shown)) {
		t.Fatalf("no error log line for staff:\n%s", logs)
	}
	a.Header.Set("Accept-Language", "cs")
	a.Get("/documents/"+itoa(f.shown)+"/download").Expect(t, 404, "Dokument není k dispozici")
}

func TestDocumentTamperedStoredPathRefused(t *testing.T) {
	f := newFixture(t)
	// Even if a row were changed to point elsewhere, the download refuses it.
	secret := filepath.Join(f.env.Deps.DataDir, "secret.txt")
	os.WriteFile(secret, []byte("TOP SECRET"), 0o600)
	if _, err := f.env.Deps.DB.W.Exec(`UPDATE documents SET stored_path = '../secret.txt' WHERE id = ?`, f.shown); err != nil {
		t.Fatal(err)
	}
	f.env.Browser().LoginAs(f.a).Get("/documents/"+itoa(f.shown)+"/download").Expect(t, 404, "Document not available").Lacks(t, "TOP SECRET")
}

func TestDocumentHostileNames(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		title, file, want string
	}{
		// The title is stored as one line (core.Line): the line break became a space.
		{"Smlouva \"č. 1\"\r\nX-Evil: 1", "", "Smlouva \"č. 1\" X-Evil: 1"},
		{"Contract", "quo\"te\nd; filename=evil.exe", "quo\"ted; filename=evil.exe"},
		{"Příloha", "../../příloha – ž.pdf", "příloha – ž.pdf"},
	}
	for _, c := range cases {
		id := f.add(t, Document{ClientID: f.a, Title: c.title, FileName: c.file, Visible: true}, []byte("%PDF-1.4 hostile"))
		r := f.env.Browser().LoginAs(f.a).Get("/documents/"+itoa(id)+"/download").Expect(t, 200, "hostile")
		h := r.Header.Get("Content-Disposition")
		if strings.ContainsAny(h, "\r\n") || len(r.Header.Values("X-Evil")) > 0 {
			t.Fatalf("header injection: %q", h)
		}
		disp, params, err := mime.ParseMediaType(h)
		if err != nil || disp != "attachment" || params["filename"] != c.want {
			t.Fatalf("%q: disposition %q -> %q (%v), want %q", c.title, h, params["filename"], err, c.want)
		}
	}
	// The hostile title shown in the list is escaped text, never markup.
	f.env.Browser().LoginAs(f.a).Get("/documents/").Expect(t, 200, "Smlouva &#34;č. 1&#34;").Lacks(t, `Smlouva "č. 1"`)
}

// TestDocumentDownloadCompressed checks the streamed download survives the
// compression middleware intact.
func TestDocumentDownloadCompressed(t *testing.T) {
	f := newFixture(t)
	a := f.env.Browser().LoginAs(f.a)
	a.Header.Set("Accept-Encoding", "gzip")
	r := a.Get("/documents/"+itoa(f.shown)+"/download").Expect(t, 200)
	body := r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		body = string(b)
	}
	if body != string(f.pdf) {
		t.Fatalf("download differs (%d bytes, encoding %q)", len(body), r.Header.Get("Content-Encoding"))
	}
}
