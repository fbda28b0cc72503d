// Package blob keeps uploaded files in the database (see db.go) for the documents and
// files modules: it stores an upload under a name we generate (never the uploaded one), sniffs and
// reports its content type, opens it again for a download only through a name that
// matches what it generated, and builds a safe Content-Disposition header.
//
// It is platform code (files, documents and invoice PDFs use it) and knows none of
// their tables.
package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/db"
)

// MaxUploadBytes is the largest file staff may upload (20 MiB). Larger uploads are
// refused before anything is kept on disk. The upload form admits 1 MiB more body
// (see admin's web.BodyRule) so that a file just over the limit is reported with a
// clear message instead of a cut request.
const MaxUploadBytes = 20 << 20

// ErrTooLarge is returned by StoreUpload when the content exceeds the limit.
var ErrTooLarge = errors.New("file too large")

// ErrEmpty is returned by StoreUpload for an empty file.
var ErrEmpty = errors.New("file is empty")

// ErrBadPath is returned by Open for a stored path we did not generate.
var ErrBadPath = errors.New("invalid stored path")

// storedName is the only shape of file name StoreUpload creates.
var storedName = regexp.MustCompile(`^[0-9a-f]{32}$`)

// StoreUpload copies r into a new file in dir (created if needed) under a random name
// and returns that name, the size and the sniffed content type. Content beyond
// maxBytes makes it fail with ErrTooLarge and leave nothing behind. The file is synced
// before it gets its final name, so a stored row never points at a half-written file.
func StoreUpload(dir string, r io.Reader, maxBytes int64) (name string, size int64, ctype string, err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", 0, "", err
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return "", 0, "", err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", 0, "", err
	}
	head = head[:n]
	if n == 0 {
		return "", 0, "", ErrEmpty
	}
	if int64(n) > maxBytes {
		return "", 0, "", ErrTooLarge
	}
	if _, err = tmp.Write(head); err != nil {
		return "", 0, "", err
	}
	// Copy one byte more than allowed: reading it proves the upload is too large
	// without trusting any length the sender claimed.
	rest, err := io.Copy(tmp, io.LimitReader(r, maxBytes-int64(n)+1))
	if err != nil {
		return "", 0, "", err
	}
	size = int64(n) + rest
	if size > maxBytes {
		return "", 0, "", ErrTooLarge
	}
	if err = tmp.Sync(); err != nil {
		return "", 0, "", err
	}
	if err = tmp.Close(); err != nil {
		return "", 0, "", err
	}
	name = newName()
	if err = os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return "", 0, "", err
	}
	return name, size, http.DetectContentType(head), nil
}

func newName() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Path resolves a stored path ("documents/<name>", relative to the data directory) to
// a file path, refusing anything StoreUpload could not have produced under sub. A
// tampered row therefore cannot reach another file ("../portal.db").
func Path(dataDir, sub, stored string) (string, error) {
	dir, name, ok := strings.Cut(stored, "/")
	if !ok || dir != sub || !storedName.MatchString(name) {
		return "", ErrBadPath
	}
	return filepath.Join(dataDir, sub, name), nil
}

// Open opens a stored file for reading: from the database, or from the disk where an
// older version stored it; see Path for what is refused. A missing file gives an
// error that satisfies errors.Is(err, fs.ErrNotExist).
func Open(ctx context.Context, d *db.DB, dataDir, sub, stored string) (File, error) {
	p, err := Path(dataDir, sub, stored)
	if err != nil {
		return nil, err
	}
	f, err := OpenStored(ctx, d, stored)
	if !errors.Is(err, fs.ErrNotExist) {
		return f, err
	}
	return OpenFile(p)
}

// Remove deletes a stored file; a file already gone is not an error.
func Remove(dataDir, sub, stored string) error {
	p, err := Path(dataDir, sub, stored)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// UploadName is the download name kept for a file a browser uploaded: its base name
// (either slash separates), through SafeName, with the characters Windows forbids in
// names replaced, so that the name works on every client system.
func UploadName(browserName, fallback string) string {
	return SafeName(strings.Map(func(r rune) rune {
		if strings.ContainsRune(`"<>:*?|`, r) {
			return '_'
		}
		return r
	}, filepath.Base(strings.ReplaceAll(browserName, `\`, "/"))), fallback)
}

// SafeName turns an uploaded or staff-typed file name into one fit to show and to
// offer as a download name: the last path element only (either slash), no control
// characters or NUL, no leading dots, at most 150 bytes of valid UTF-8. It is never
// used as a disk path. An empty result becomes fallback.
func SafeName(name, fallback string) string {
	name = strings.ToValidUTF8(name, "")
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimLeft(strings.TrimSpace(name), ". ")
	for len(name) > 150 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" {
		return fallback
	}
	return name
}

// ContentDisposition is the header value for downloading a file under name: an
// attachment whose file name is sanitised and quoted or RFC 2231-encoded by
// mime.FormatMediaType, so quotes, newlines and non-ASCII letters cannot break out of
// the header.
func ContentDisposition(name string) string {
	v := mime.FormatMediaType("attachment", map[string]string{"filename": SafeName(name, "download")})
	if v == "" {
		return "attachment"
	}
	return v
}

// ServeType is the Content-Type to send for a stored content type: anything a
// browser could run as a page (HTML, SVG, XML) goes out as an opaque download.
func ServeType(ctype string) string {
	base, _, _ := strings.Cut(ctype, ";")
	base = strings.ToLower(strings.TrimSpace(base))
	switch {
	case base == "", strings.Contains(base, "html"), strings.Contains(base, "xml"), strings.Contains(base, "svg"),
		strings.Contains(base, "javascript"):
		return "application/octet-stream"
	}
	return ctype
}

// Describe formats a byte count for people: "812 B", "14.2 kB", "3.1 MB".
func Describe(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
}
