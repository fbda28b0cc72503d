package blob

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStoreUploadLimitAndType(t *testing.T) {
	dir := t.TempDir()
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 100)...)
	cases := []struct {
		name    string
		content []byte
		max     int64
		err     error
		ctype   string
	}{
		{"pdf under limit", pdf, 1000, nil, "application/pdf"},
		{"exactly at limit", pdf, int64(len(pdf)), nil, "application/pdf"},
		{"one byte over", pdf, int64(len(pdf)) - 1, ErrTooLarge, ""},
		{"over limit inside the sniffed head", pdf, 5, ErrTooLarge, ""},
		{"large text over limit", bytes.Repeat([]byte("a"), 5000), 4096, ErrTooLarge, ""},
		{"text", []byte("hello"), 100, nil, "text/plain; charset=utf-8"},
		{"empty", nil, 100, ErrEmpty, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name, size, ctype, err := StoreUpload(dir, bytes.NewReader(c.content), c.max)
			if !errors.Is(err, c.err) {
				t.Fatalf("err %v, want %v", err, c.err)
			}
			if c.err != nil {
				return
			}
			if !storedName.MatchString(name) || size != int64(len(c.content)) || ctype != c.ctype {
				t.Fatalf("got %q %d %q", name, size, ctype)
			}
			got, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil || !bytes.Equal(got, c.content) {
				t.Fatalf("content differs: %v", err)
			}
		})
	}
	// Refused uploads leave nothing behind: only the successful ones are in dir.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("files left in dir: %v", names)
	}
}

func TestPathRefusesWhatWeDidNotMake(t *testing.T) {
	dir := t.TempDir()
	name, _, _, err := StoreUpload(filepath.Join(dir, "documents"), strings.NewReader("x"), 10)
	if err != nil {
		t.Fatal(err)
	}
	d := testDB(t, dir)
	if f, err := Open(context.Background(), d, dir, "documents", "documents/"+name); err != nil {
		t.Fatal(err)
	} else {
		f.Close()
	}
	for _, bad := range []string{"", "documents/", "../portal.db", "documents/../portal.db", "documents/" + name + "/x",
		"files/" + name, "documents/" + strings.ToUpper(name), "/etc/passwd", "documents//" + name, "documents/" + name + "\x00"} {
		if _, err := Path(dir, "documents", bad); !errors.Is(err, ErrBadPath) {
			t.Errorf("Path(%q) = %v, want ErrBadPath", bad, err)
		}
	}
	_, err = Open(context.Background(), d, dir, "documents", "documents/0123456789abcdef0123456789abcdef")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestSafeName(t *testing.T) {
	cases := map[string]string{
		"report.pdf":                  "report.pdf",
		"../../etc/passwd":            "passwd",
		`..\..\windows\win.ini`:       "win.ini",
		"evil\x00.pdf":                "evil.pdf",
		"line\r\nbreak.pdf":           "linebreak.pdf",
		"..":                          "fallback",
		"  .hidden":                   "hidden",
		"":                            "fallback",
		"smlouva č. 5 – příloha.pdf":  "smlouva č. 5 – příloha.pdf",
		"rtl\u202etxt.exe":            "rtltxt.exe",
		"bad\xffutf8.pdf":             "badutf8.pdf",
		strings.Repeat("ž", 200) + "": strings.Repeat("ž", 75),
	}
	for in, want := range cases {
		if got := SafeName(in, "fallback"); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestContentDispositionRoundTrip(t *testing.T) {
	for _, name := range []string{`plain.pdf`, `quo"te's.pdf`, "new\r\nline: evil=1.pdf", "Smlouva – příloha č. 1.pdf", `back\slash.pdf`, ""} {
		h := ContentDisposition(name)
		if strings.ContainsAny(h, "\r\n") {
			t.Fatalf("header breaks lines: %q", h)
		}
		disp, params, err := mime.ParseMediaType(h)
		if err != nil || disp != "attachment" {
			t.Fatalf("%q -> %q: %v", name, h, err)
		}
		if want := SafeName(name, "download"); params["filename"] != want {
			t.Fatalf("%q -> %q -> %q, want %q", name, h, params["filename"], want)
		}
	}
}

func TestServeType(t *testing.T) {
	for in, want := range map[string]string{"text/html; charset=utf-8": "application/octet-stream", "image/svg+xml": "application/octet-stream",
		"text/xml; charset=utf-8": "application/octet-stream", "": "application/octet-stream", "application/pdf": "application/pdf"} {
		if got := ServeType(in); got != want {
			t.Errorf("ServeType(%q) = %q", in, got)
		}
	}
}
