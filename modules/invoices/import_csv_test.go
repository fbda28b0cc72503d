package invoices_test

import (
	"strings"
	"testing"
)

// A spreadsheet's CSV goes through the same checks as JSON lines: header row of the
// fields, commas or semicolons, a byte order mark, quoted cells; the line errors name
// the file's own lines, and one bad row stores nothing.
func TestImportCSV(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	invoices := writeFile(t, dir, "faktury.csv", "\xef\xbb\xbfexternal_id;client;number;issued;due;amount;amount_vat;currency\n"+
		"ext-c1;2001;2026301;2026-10-01;2026-10-15;1000.00;1210,00;CZK\n"+
		"# a comment row\n"+
		"ext-c2;2001;2026302;2026-11-01;2026-11-15;500;605;\n")
	out, _, err := f.run(t, "invoice import", invoices)
	if err != nil || !strings.Contains(out, "2 new, 0 updated") {
		t.Fatalf("%v %q", err, out)
	}
	if out, _, err = f.run(t, "invoice import", invoices); err != nil || !strings.Contains(out, "0 new, 2 updated") {
		t.Fatalf("re-import: %v %q", err, out)
	}
	payments := writeFile(t, dir, "pay.csv", "external_id,client,date,amount,currency,method,invoice_number,note\n"+
		`P-C1,2001,2026-10-05,1210.00,CZK,bank,2026301,"paid, with thanks"`+"\n")
	if out, _, err = f.run(t, "payment import", payments); err != nil || !strings.Contains(out, "1 new, 0 updated payment(s)") {
		t.Fatalf("payments: %v %q", err, out)
	}
	f.env.Browser().LoginAs(f.alice).Get("/invoices/payments").Expect(t, 200, "paid, with thanks")

	bad := writeFile(t, dir, "bad.csv", "external_id,client,date,amount,currency,method\n"+
		"P-C2,2001,2026-10-05,1,CZK,barter\n"+
		"P-C3,9999,2026-10-05,1,CZK,bank\n"+
		"P-C4,2001,2026-10-05,1e3,CZK,bank\n"+
		"P-C5,2001,2026-10-05,1,CZK,bank\n")
	_, errOut, err := f.run(t, "payment import", bad)
	if err == nil || !strings.Contains(err.Error(), "3 malformed row(s)") {
		t.Fatalf("%v\n%s", err, errOut)
	}
	for _, want := range []string{`line 2: method "barter"`, `line 3: client "9999" not found`, "line 4: "} {
		if !strings.Contains(errOut, want) {
			t.Errorf("report lacks %q:\n%s", want, errOut)
		}
	}
	for name, file := range map[string]string{
		"line 3: CSV: the row has another number of cells":                                                              "external_id,client,date\nP-1,2001,2026-10-05\nP-2,2001\n",
		`line 1: column "client" appears twice`:                                                                         "external_id,client,client\n",
		"line 1: column 2 of the header row has no name":                                                                "external_id,,date\n",
		`line 1: unknown column "colour": the header row names fields of external_id, client, client_external_id, date`: "external_id,colour\nP-1,red\n",
		`line 1: unknown column "items"`:                                                                                "external_id,items\n",
	} {
		path := writeFile(t, dir, "x.csv", file)
		_, errOut, err := f.run(t, "payment import", path)
		if err == nil || !strings.Contains(errOut+err.Error(), name) {
			t.Errorf("%q: want %q, got %v\n%s", file, name, err, errOut)
		}
	}
	if n := f.env.Count(`SELECT COUNT(*) FROM payments WHERE external_id LIKE 'P-C%'`); n != 1 {
		t.Fatalf("%d CSV payments stored, want only the good file's one", n)
	}
}
