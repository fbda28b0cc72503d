package invoices_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
)

// run runs one of the module's CLI commands as `portal NAME ARGS...` would.
func (f *fixture) run(t *testing.T, name string, args ...string) (string, string, error) {
	t.Helper()
	for _, m := range f.env.Modules {
		for _, c := range m.Info().Commands {
			if c.Name == name {
				var out, errOut bytes.Buffer
				err := c.Run(context.Background(), f.env.Deps, app.IO{In: strings.NewReader(""), Out: &out, Err: &errOut}, args)
				return out.String(), errOut.String(), err
			}
		}
	}
	t.Fatalf("no command %q", name)
	return "", "", nil
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodInvoices = `# exported by billing 2026-11-01
{"external_id":"B-1","client":"2001","number":"2026001","issued":"2026-10-01","due":"2026-10-15","variable_symbol":"2026001","paid_on":"2026-10-03","items":[{"description":"Internet 250 Mbit/s","quantity":1,"unit_price":"495.87","vat_rate":21},{"description":"Instalace","quantity":"1.5","unit_price":400,"vat_rate":21}]}

{"external_id":"B-2","client_external_id":"ext-bob","number":"2026002","issued":"2026-10-01","due":"2026-10-15","currency":"EUR","amount":"100.00","amount_vat":"121.00"}
`

func TestInvoiceImport(t *testing.T) {
	f := newFixture(t)
	f.env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET external_id = 'ext-bob' WHERE id = ?`, f.bob)
		return err
	})
	dir := t.TempDir()
	pdfs := filepath.Join(dir, "pdf")
	os.Mkdir(pdfs, 0o750)
	writeFile(t, pdfs, "2026001.pdf", "%PDF-1.7\nsupplied\n")
	file := writeFile(t, dir, "inv.jsonl", goodInvoices)

	out, _, err := f.run(t, "invoice import", file, "--pdf-dir", pdfs)
	if err != nil || !strings.Contains(out, "2 new, 0 updated invoice(s), 1 PDF(s) attached") {
		t.Fatalf("import: %v %q", err, out)
	}
	// Same file again: updates, no duplicates.
	out, _, err = f.run(t, "invoice import", "--pdf-dir", pdfs, file)
	if err != nil || !strings.Contains(out, "0 new, 2 updated") {
		t.Fatalf("re-import: %v %q", err, out)
	}
	var n int
	f.env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM invoices`).Scan(&n)
	if n != 2 {
		t.Fatalf("%d invoices after two imports", n)
	}
	// 495.87 + 21 % = 600.00 (rounded per line); 1.5 × 400 = 600.00 + 126.00.
	out, _, err = f.run(t, "invoice list", "2001")
	if err != nil || !strings.Contains(out, "CZK\u00a01,095.87") || !strings.Contains(out, "CZK\u00a01,326.00") ||
		!strings.Contains(out, "2001/2026001.pdf") || !strings.Contains(out, "paid") {
		t.Fatalf("invoice list: %v\n%s", err, out)
	}
	b := f.env.Browser().LoginAs(f.alice)
	r := b.Get("/invoices").Expect(t, 200, "2026001")
	var id int64
	f.env.Deps.DB.R.QueryRow(`SELECT id FROM invoices WHERE external_id = 'B-1'`).Scan(&id)
	b.Get(fmt.Sprintf("/invoices/%d/pdf", id)).Expect(t, 200, "supplied")
	b.Get(fmt.Sprintf("/invoices/%d", id)).Expect(t, 200, "1.5", "Instalace")
	_ = r
	f.env.Browser().LoginAs(f.bob).Get("/invoices").Expect(t, 200, "2026002", "EUR\u00a0121.00")

	// A re-import without --pdf-dir keeps the attached PDF.
	if _, _, err := f.run(t, "invoice import", file); err != nil {
		t.Fatal(err)
	}
	b.Get(fmt.Sprintf("/invoices/%d/pdf", id)).Expect(t, 200, "supplied")
}

func TestInvoiceImportMalformed(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	lines := []string{
		`{"external_id":"OK-1","client":"2001","number":"1","issued":"2026-10-01","due":"2026-10-15","amount":"1","amount_vat":"1.21"}`,
		`{"external_id":"X-2","client":"2001","number":"2"`,
		`{"external_id":"X-3","client":"9999","number":"3","issued":"2026-10-01","due":"2026-10-15","amount":"1","amount_vat":"1"}`,
		`{"external_id":"X-4","client":"2001","number":"4","issued":"1.10.2026","due":"2026-10-15","amount":"1","amount_vat":"1"}`,
		`{"external_id":"X-5","client":"2001","number":"5","issued":"2026-10-01","due":"2026-10-15","amount":"1.234","amount_vat":"1"}`,
		`{"external_id":"X-6","client":"2001","number":"6","issued":"2026-10-01","due":"2026-10-15","amount":"1","amount_vat":"1","colour":"red"}`,
		`{"external_id":"OK-1","client":"2001","number":"7","issued":"2026-10-01","due":"2026-10-15","amount":"1","amount_vat":"1"}`,
		`{"client":"2001","number":"8","issued":"2026-10-01","due":"2026-10-15","amount":"1","amount_vat":"1"}`,
		`{"external_id":"X-9","client":"2001","number":"9","issued":"2026-10-01","due":"2026-10-15","items":[{"description":"a","unit_price":"1","vat_rate":21}],"amount":"5","amount_vat":"5"}`,
		`{"external_id":"X-10","client":"2001","number":"10","issued":"2026-10-01","due":"2026-10-15","currency":"czk1","amount":"1","amount_vat":"1"}`,
		`{"external_id":"X-11","client":"2001","number":"11","issued":"2026-10-01","due":"2026-09-15","amount":"1","amount_vat":"1"}`,
		`{"external_id":"X-12","client":"2001","number":"12","issued":"2026-10-01","due":"2026-10-15","variable_symbol":"12A","amount":"1","amount_vat":"1"}`,
		`{"external_id":"X-13","client":"2001","number":"13","issued":"2026-10-01","due":"2026-10-15","items":[{"description":"a","unit_price":"1"}]}`,
		`[1,2]`,
		`{"external_id":"X-15","client":"2001","number":"15","issued":"2026-10-01","due":"2026-10-15","amount":1e3,"amount_vat":"1"}`,
	}
	file := writeFile(t, dir, "bad.jsonl", strings.Join(lines, "\n"))
	_, errOut, err := f.run(t, "invoice import", file)
	if err == nil || !strings.Contains(err.Error(), "14 malformed row(s); nothing was imported") {
		t.Fatalf("err = %v\n%s", err, errOut)
	}
	for _, want := range []string{"line 2: unexpected EOF", `line 3: client "9999" not found`, `line 4: issued "1.10.2026": not a date`,
		`line 5: "1.234" is not a number with at most 2 decimals`, `line 6: unknown field "colour"`,
		`line 7: external_id "OK-1" already used on line 1`, "line 8: external_id is required",
		"line 9: amount 5.00 / amount_vat 5.00 do not match the items (1.00 / 1.21)", `line 10: currency "CZK1"`,
		"line 11: due date is before the issue date", `line 12: variable symbol "12A": digits only`,
		"line 13: item 1: vat_rate", "line 14:", `line 15: "1e3" is not a number`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("report lacks %q:\n%s", want, errOut)
		}
	}
	var n int
	f.env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM invoices`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d invoices stored from a file with bad rows", n)
	}
	// A PDF in --pdf-dir that is not a PDF is a row error too.
	pdfs := t.TempDir()
	writeFile(t, pdfs, "1.pdf", "<html>not a pdf</html>")
	file = writeFile(t, dir, "one.jsonl", lines[0])
	if _, errOut, err := f.run(t, "invoice import", file, "--pdf-dir", pdfs); err == nil || !strings.Contains(errOut, "not a PDF file") {
		t.Fatalf("fake PDF accepted: %v %s", err, errOut)
	}
}

func TestImportLimits(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	big := filepath.Join(dir, "big.jsonl")
	fh, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: the size check must refuse it before reading a byte.
	if err := fh.Truncate(65<<20 + 1); err != nil {
		t.Fatal(err)
	}
	fh.Close()
	for _, cmd := range []string{"invoice import", "payment import"} {
		if _, _, err := f.run(t, cmd, big); err == nil || !strings.Contains(err.Error(), "over the 64 MB import limit") {
			t.Fatalf("%s of a huge file: %v", cmd, err)
		}
	}
	if _, _, err := f.run(t, "invoice import"); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("no file: %v", err)
	}
	if _, _, err := f.run(t, "invoice import", filepath.Join(dir, "none.jsonl")); err == nil {
		t.Fatal("missing file accepted")
	}
	if _, _, err := f.run(t, "invoice list", "7777"); err == nil || !strings.Contains(err.Error(), `client "7777" not found`) {
		t.Fatalf("unknown client: %v", err)
	}
	if _, _, err := f.run(t, "invoice import", big, "--pdf-dir", filepath.Join(dir, "nope")); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Fatalf("bad pdf dir: %v", err)
	}
}
