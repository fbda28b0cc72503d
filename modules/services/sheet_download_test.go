package services

import (
	"bytes"
	"compress/zlib"
	"io"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// pdfText extracts the plain text of a PDF, failing the test if it does not parse.
func pdfText(t *testing.T, body string) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader([]byte(body)), int64(len(body)))
	if err != nil {
		t.Fatalf("PDF does not parse: %v", err)
	}
	tr, err := r.GetPlainText()
	if err != nil {
		t.Fatalf("PDF text: %v", err)
	}
	text, err := io.ReadAll(tr)
	if err != nil {
		t.Fatal(err)
	}
	// Text extraction may split words into runs; compare without spaces too.
	return string(text)
}

func TestSheetPDF(t *testing.T) {
	f := newFixture(t)
	b := f.env.Browser().LoginAs(f.clientA)
	r := b.Get("/services/sheet.pdf").Expect(t, 200)
	if ct := r.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("content type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename=configuration-sheet.pdf` {
		t.Fatalf("disposition %q", cd)
	}
	if !strings.HasPrefix(r.Body, "%PDF-") {
		t.Fatal("not a PDF")
	}
	text := squash(pdfText(t, r.Body))
	for _, want := range []string{"Configuration sheet", "Client 5001", "Internet Žižkov", "Optika 300", "192.0.2.44",
		"Brána", "192.0.2.1", "Internet chata Šumava", "Via DHCP", "Televize obývák", "Pevná linka", "sip.example.net",
		"300 Mbit/s / 50 Mbit/s"} {
		if !strings.Contains(text, readerView(squash(want))) {
			t.Errorf("PDF lacks %q\n%q", want, text)
		}
	}
	for _, want := range []string{"Internet Žižkov", "Internet chata Šumava", "Televize obývák"} {
		if !pdfShows(t, r.Body, want) {
			t.Errorf("PDF content does not draw %q", want)
		}
	}
	for _, bad := range []string{"198.51.100.77", "Internet klienta B", "203.0.113.9", "Staré připojení"} {
		if strings.Contains(text, squash(bad)) {
			t.Errorf("PDF shows %q", bad)
		}
	}

	// Czech: the labels and the DHCP text in Czech, with their diacritics intact.
	b.Header.Set("Accept-Language", "cs")
	cs := b.Get("/services/sheet.pdf").Expect(t, 200).Body
	text = squash(pdfText(t, cs))
	for _, want := range []string{"Konfigurační list", "Přes DHCP", "Adresa instalace", "Aktivní", "599,00\u00a0Kč"} {
		if !strings.Contains(text, readerView(squash(want))) {
			t.Errorf("Czech PDF lacks %q\n%q", want, text)
		}
		if !pdfShows(t, cs, want) {
			t.Errorf("Czech PDF content does not draw %q", want)
		}
	}

	// Client B's sheet lists only B's service.
	text = squash(pdfText(t, f.env.Browser().LoginAs(f.clientB).Get("/services/sheet.pdf").Expect(t, 200).Body))
	if !strings.Contains(text, squash("Internet klienta B")) || strings.Contains(text, squash("Internet Žižkov")) {
		t.Errorf("client B's sheet:\n%s", text)
	}
}

// squash drops spaces (including no-break spaces), since PDF text extraction may
// split or join words at line and cell edges.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\n' {
			return -1
		}
		return r
	}, s)
}

// readerView is what ledongthuc/pdf makes of text drawn with fpdf's UTF-8 fonts:
// fpdf's ToUnicode map is one range <0000>-<FFFF>, and the reader (following the
// letter of the PDF spec) increments only its last byte, so code points above U+00FF
// come out as their low byte. Viewers map them correctly; pdfShows checks the exact
// code points.
func readerView(s string) string {
	return strings.Map(func(r rune) rune {
		if r > 0xff {
			return r & 0xff
		}
		return r
	}, s)
}

// pdfShows reports whether a content stream of the PDF draws s: fpdf writes UTF-8
// font text as big-endian 16-bit code points in a PDF string (with \, ( and ) and
// CR escaped).
func pdfShows(t *testing.T, body, s string) bool {
	t.Helper()
	var enc []byte
	for _, u := range utf16.Encode([]rune(s)) {
		for _, c := range []byte{byte(u >> 8), byte(u)} {
			switch c {
			case '\\', '(', ')':
				enc = append(enc, '\\', c)
			case '\r':
				enc = append(enc, '\\', 'r')
			default:
				enc = append(enc, c)
			}
		}
	}
	rest := body
	for {
		i := strings.Index(rest, "stream\n")
		if i < 0 {
			return false
		}
		rest = rest[i+len("stream\n"):]
		j := strings.Index(rest, "endstream")
		if j < 0 {
			return false
		}
		zr, err := zlib.NewReader(strings.NewReader(rest[:j]))
		if err == nil {
			data, _ := io.ReadAll(zr)
			if bytes.Contains(data, enc) {
				return true
			}
		}
		rest = rest[j:]
	}
}
