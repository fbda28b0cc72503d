package invoices_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/invoices"
)

func TestDemoSeed(t *testing.T) {
	env := testkit.New(t, invoices.New)
	ctx := context.Background()
	se, err := app.SeedDemo(ctx, env.Env)
	if err != nil {
		t.Fatal(err)
	}
	count := func(q string, args ...any) int {
		var n int
		if err := env.Deps.DB.R.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	c1001, c1002 := se.ClientIDs["1001"], se.ClientIDs["1002"]
	invs, pays := count(`SELECT COUNT(*) FROM invoices`), count(`SELECT COUNT(*) FROM payments`)
	if n := count(`SELECT COUNT(*) FROM invoices WHERE client_id = ?`, c1001); n < 12 || n > 24 {
		t.Fatalf("1001 has %d invoices", n)
	}
	today := "2026-11-02"
	if count(`SELECT COUNT(*) FROM invoices WHERE client_id = ? AND paid = 0 AND due < ?`, c1001, today) == 0 {
		t.Fatal("no overdue invoice for 1001")
	}
	if count(`SELECT COUNT(*) FROM payments WHERE client_id = ? AND method = 'cash'`, c1001) == 0 {
		t.Fatal("no cash payment for 1001")
	}
	if count(`SELECT COUNT(*) FROM invoices i JOIN clients c ON c.id = i.client_id WHERE i.currency = 'EUR' AND c.is_business = 1`) == 0 {
		t.Fatal("no EUR invoice of a business client")
	}
	var id int64
	var rel, number string
	if err := env.Deps.DB.R.QueryRow(`SELECT id, pdf_path, number FROM invoices WHERE pdf_path <> ''`).Scan(&id, &rel, &number); err != nil {
		t.Fatalf("no invoice with a supplied PDF: %v", err)
	}
	if _, err := os.Stat(filepath.Join(env.Deps.DataDir, "invoices", rel)); err != nil {
		t.Fatal(err)
	}
	// Running the demo again changes nothing.
	if _, err := app.SeedDemo(ctx, env.Env); err != nil {
		t.Fatal(err)
	}
	if count(`SELECT COUNT(*) FROM invoices`) != invs || count(`SELECT COUNT(*) FROM payments`) != pays {
		t.Fatal("second demo run added rows")
	}
	b := env.Browser().LoginAs(c1001)
	b.Header.Set("Accept-Language", "cs")
	b.Get("/invoices").Expect(t, 200, "Po splatnosti", "Dlužíte")
	b.Get("/invoices/payments").Expect(t, 200, "Hotově")
	r := b.Get(fmt.Sprintf("/invoices/%d/pdf", id)).Expect(t, 200)
	if text := pdfText(t, []byte(r.Body)); !strings.Contains(text, number) || !strings.Contains(text, "NetWave s.r.o.") {
		t.Fatalf("seeded PDF lacks number or supplier:\n%s", text)
	}
	var eur int64
	env.Deps.DB.R.QueryRow(`SELECT id FROM invoices WHERE client_id = ? AND currency = 'EUR'`, c1002).Scan(&eur)
	r = env.Browser().LoginAs(c1002).Get(fmt.Sprintf("/invoices/%d/qr.png", eur)).Expect(t, 200)
	if got := decodeQR(t, []byte(r.Body)); !strings.HasPrefix(got, "BCD\n002\n1\nSCT\nFIOBCZPPXXX\nNetWave Business a.s.\n") {
		t.Fatalf("EUR QR = %q", got)
	}
}
