package files

import (
	"mime"
	"strings"
	"testing"
)

func TestFileDownloadHeaders(t *testing.T) {
	f := newFixture(t)
	hostile := f.add(t, File{Title: "Ceník \"2026\"\r\nSet-Cookie: x=1"}, "<html><script>alert(1)</script></html>")
	r := f.env.Browser().LoginAs(f.c1).Get("/files/"+itoa(hostile)+"/download").Expect(t, 200, "<script>")
	// Sniffed HTML is never served as a page.
	if ct := r.Header.Get("Content-Type"); ct != "application/octet-stream" {
		t.Fatalf("content type %q", ct)
	}
	if !strings.Contains(r.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("no sandbox: %q", r.Header.Get("Content-Security-Policy"))
	}
	h := r.Header.Get("Content-Disposition")
	_, params, err := mime.ParseMediaType(h)
	if err != nil || params["filename"] != "Ceník \"2026\" Set-Cookie: x=1" || strings.ContainsAny(h, "\r\n") {
		t.Fatalf("disposition %q -> %q (%v)", h, params["filename"], err)
	}
	if len(r.Header.Values("Set-Cookie")) > 0 && strings.Contains(strings.Join(r.Header.Values("Set-Cookie"), ";"), "x=1") {
		t.Fatal("header injection")
	}
}

func TestFileMissingOnDisk(t *testing.T) {
	f := newFixture(t)
	file, _ := FileByID(t.Context(), f.env.Deps.DB.R, f.everybody)
	f.env.Deps.DB.W.Exec(`DELETE FROM blob_chunks WHERE name = ?`, file.StoredPath)
	b := f.env.Browser().LoginAs(f.c1)
	b.Get("/files/"+itoa(f.everybody)+"/download").Expect(t, 404, "File not available", "Price list")
	if logs := f.env.Logs.String(); !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "file="+itoa(f.everybody)) {
		t.Fatalf("no error log line:\n%s", logs)
	}
	b.Header.Set("Accept-Language", "cs")
	b.Get("/files/"+itoa(f.everybody)+"/download").Expect(t, 404, "Soubor není k dispozici")
}
