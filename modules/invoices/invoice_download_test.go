package invoices_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ispportal/portal/modules/invoices"
)

func TestGeneratedPDF(t *testing.T) {
	f := newFixture(t)
	id := f.invoice(t, f.alice, "2026101", "2026-10-25", "2026-11-08", 102025, "CZK", "")
	b := f.env.Browser().LoginAs(f.alice)
	b.Header.Set("Accept-Language", "en")
	r := b.Get(fmt.Sprintf("/invoices/%d/pdf", id)).Expect(t, 200)
	if ct := r.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("content type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); cd != "attachment; filename=invoice-2026101.pdf" {
		t.Fatalf("content disposition %q", cd)
	}
	text := pdfText(t, []byte(r.Body))
	for _, want := range []string{"2026101", "1,234.50", "1,020.25", "Acme Net s.r.o.", "Internet 100 Mbit/s",
		"CZ6508000000192000145399", "Client 2001"} {
		if !strings.Contains(text, want) {
			t.Errorf("generated PDF lacks %q:\n%s", want, text)
		}
	}
	// Czech labels, same data; the exported generator gives the same document.
	pdf, err := invoices.GeneratePDF(context.Background(), f.env.Deps.DB.R, f.env.Deps.Web.Catalog, f.alice, id, "cs", day("2026-11-02"))
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, pdf); !strings.Contains(text, "2026101") || !strings.Contains(text, "Acme Net s.r.o.") {
		t.Fatalf("Czech PDF lacks number or supplier:\n%s", text)
	}
	// Another client's invoice is not generated for them.
	if _, err := invoices.GeneratePDF(context.Background(), f.env.Deps.DB.R, f.env.Deps.Web.Catalog, f.bob, id, "en", day("2026-11-02")); err == nil {
		t.Fatal("GeneratePDF served another client's invoice")
	}
}

func TestSuppliedPDF(t *testing.T) {
	f := newFixture(t)
	id := f.invoice(t, f.alice, `26/"01";x`, "2026-10-25", "2026-11-08", 100000, "CZK", "")
	dir := filepath.Join(f.env.Deps.DataDir, "invoices", "2001")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	content := "%PDF-1.4\n% the billing system's own document\n"
	if err := os.WriteFile(filepath.Join(dir, "a.pdf"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	f.env.Tx(func(tx *sql.Tx) error { return invoices.AttachPDF(context.Background(), tx, id, "2001/a.pdf") })
	b := f.env.Browser().LoginAs(f.alice)
	r := b.Get(fmt.Sprintf("/invoices/%d/pdf", id)).Expect(t, 200)
	if r.Body != content {
		t.Fatalf("served %q, want the supplied file", r.Body)
	}
	if cd := r.Header.Get("Content-Disposition"); cd != "attachment; filename=invoice-26__01__x.pdf" {
		t.Fatalf("content disposition %q", cd)
	}
	f.env.Browser().LoginAs(f.bob).Get(fmt.Sprintf("/invoices/%d/pdf", id)).Expect(t, 404).Lacks(t, "billing system")
}

func TestMissingPDFOnDisk(t *testing.T) {
	f := newFixture(t)
	id := f.invoice(t, f.alice, "2026101", "2026-10-25", "2026-11-08", 100000, "CZK", "")
	f.env.Tx(func(tx *sql.Tx) error { return invoices.AttachPDF(context.Background(), tx, id, "2001/gone.pdf") })
	b := f.env.Browser().LoginAs(f.alice)
	b.Header.Set("Accept-Language", "en")
	r := b.Get(fmt.Sprintf("/invoices/%d/pdf", id)).Expect(t, 404, "Invoice PDF not available",
		"The PDF of invoice 2026101 cannot be found", fmt.Sprintf(`href="/invoices/%d"`, id))
	if cd := r.Header.Get("Content-Disposition"); cd != "" {
		t.Fatalf("the error page is offered as a download: %q", cd)
	}
	logs := f.env.Logs.String()
	if !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "supplied PDF not readable") || !strings.Contains(logs, "2001/gone.pdf") {
		t.Fatalf("no error line for staff:\n%s", logs)
	}
	b.Header.Set("Accept-Language", "cs")
	b.Get(fmt.Sprintf("/invoices/%d/pdf", id)).Expect(t, 404, "PDF faktury není k dispozici")
}

func TestPDFPathTricks(t *testing.T) {
	f := newFixture(t)
	id := f.invoice(t, f.alice, "2026101", "2026-10-25", "2026-11-08", 100000, "CZK", "")
	for _, p := range []string{"../portal.db", "/etc/passwd", "2001/../../portal.db", `..\portal.db`, "", ".", "a//b.pdf",
		"C:/x.pdf", "2001/./a.pdf", "a\x00.pdf"} {
		err := f.env.Deps.DB.Tx(context.Background(), func(tx *sql.Tx) error { return invoices.AttachPDF(context.Background(), tx, id, p) })
		if err == nil {
			t.Errorf("AttachPDF accepted %q", p)
		}
	}
	// A path that reached the table some other way is still refused at download, and
	// so is a symlink inside data/invoices that leads out of it.
	root := filepath.Join(f.env.Deps.DataDir, "invoices")
	if err := os.MkdirAll(root, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(f.env.Deps.DataDir, "portal.db"), filepath.Join(root, "link.pdf")); err != nil {
		t.Fatal(err)
	}
	b := f.env.Browser().LoginAs(f.alice)
	for _, p := range []string{"../portal.db", "link.pdf", "/etc/passwd"} {
		f.env.Tx(func(tx *sql.Tx) error {
			_, err := tx.Exec(`UPDATE invoices SET pdf_path = ? WHERE id = ?`, p, id)
			return err
		})
		r := b.Get(fmt.Sprintf("/invoices/%d/pdf", id)).Expect(t, 404)
		if strings.Contains(r.Body, "SQLite format") || strings.Contains(r.Body, "root:") {
			t.Fatalf("path %q leaked a file", p)
		}
	}
	if _, err := invoices.PDFFile(f.env.Deps.DataDir, "link.pdf"); err == nil {
		t.Fatal("PDFFile followed a symlink out of data/invoices")
	}
}
