package invoices_test

import (
	"bytes"
	"context"
	"database/sql"
	"image/png"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/invoices"
	pdfread "github.com/ledongthuc/pdf"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// fixture is a portal with two clients of one invoice group. The test clock stands at
// 2026-11-02.
type fixture struct {
	env   *testkit.Env
	group int64
	alice int64 // client 2001
	bob   int64 // client 2002
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := testkit.New(t, invoices.New)
	f := &fixture{env: env}
	f.group = env.AddGroup("Acme")
	f.alice = env.AddClient("2001", f.group)
	f.bob = env.AddClient("2002", f.group)
	env.Tx(func(tx *sql.Tx) error {
		g, err := core.GroupByID(context.Background(), tx, f.group)
		if err != nil {
			return err
		}
		g.BIC, g.SupplierName = "GIBACZPX", "Acme Net s.r.o."
		_, err = core.SaveGroup(context.Background(), tx, g, core.Now(env.Clock.Now()))
		return err
	})
	return f
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// invoice stores an invoice of one item (base, 21 % VAT) and returns its id.
func (f *fixture) invoice(t *testing.T, client int64, number, issued, due string, base int64, currency string, paidOn string) int64 {
	t.Helper()
	inv := invoices.Invoice{ClientID: client, ExternalID: "ext-" + number, Number: number, Issued: day(issued), Due: day(due),
		Currency: currency, VariableSymbol: digitsOf(number),
		Items: []invoices.Item{{Description: "Internet 100 Mbit/s", Quantity: 1000, UnitPrice: base, VATRate: 21}}}
	inv.Amount, inv.AmountVAT = invoices.Totals(inv.Items)
	if paidOn != "" {
		inv.Paid, inv.PaidOn = true, day(paidOn)
	}
	var id int64
	f.env.Tx(func(tx *sql.Tx) error {
		var err error
		id, err = invoices.SaveInvoice(context.Background(), tx, inv)
		return err
	})
	return id
}

func (f *fixture) payment(t *testing.T, client int64, ext, on string, amount int64, method string, invoiceID int64) {
	t.Helper()
	f.env.Tx(func(tx *sql.Tx) error {
		_, err := invoices.SavePayment(context.Background(), tx, invoices.Payment{ClientID: client, ExternalID: ext,
			PaidOn: day(on), Amount: amount, Currency: "CZK", Method: method, InvoiceID: invoiceID})
		return err
	})
}

// pdfText extracts the text of a PDF with an independent reader.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	r, err := pdfread.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a readable PDF: %v", err)
	}
	tr, err := r.GetPlainText()
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(tr)
	return string(text)
}

// decodeQR reads a QR code PNG back into its text.
func decodeQR(t *testing.T, b []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("QR not decodable: %v", err)
	}
	return res.GetText()
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
