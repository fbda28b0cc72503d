package vouchers_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/vouchers"
)

type fixture struct {
	env        *testkit.Env
	mod        *vouchers.Module
	alice, bob int64
	staff      *testkit.Browser
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := testkit.New(t, invoices.New, vouchers.New, admin.New, api.New)
	f := &fixture{env: env, alice: env.AddClient("2001", 0), bob: env.AddClient("2002", 0)}
	for _, m := range env.Modules {
		if vm, ok := m.(*vouchers.Module); ok {
			f.mod = vm
		}
	}
	env.Set("ci_vouchers_enable", "1")
	f.staff = env.StaffBrowserAs("chief", core.RoleAdmin)
	return f
}

var codeRE = regexp.MustCompile(`<code>([0-9A-Z-]{19})</code>`)

// generate makes a batch through the console and returns its codes from the page.
func (f *fixture) generate(t *testing.T, value, expires string, count int) []string {
	t.Helper()
	b := f.staff
	b.Get("/admin/vouchers")
	r := b.Post("/admin/vouchers", url.Values{"name": {"Test"}, "value": {value}, "currency": {"CZK"}, "expires": {expires},
		"count": {fmt.Sprint(count)}, "format": {"page"}}).Expect(t, 200, "not shown again")
	var codes []string
	for _, m := range codeRE.FindAllStringSubmatch(r.Body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != count {
		t.Fatalf("%d codes on the page, want %d", len(codes), count)
	}
	return codes
}

func (f *fixture) payments(t *testing.T, client int64) int {
	t.Helper()
	return f.env.Count(`SELECT COUNT(*) FROM payments WHERE client_id = ? AND method = 'voucher'`, client)
}

// TestRedeemVoucher: a code typed in lower case with spaces is redeemed once, the
// balance rises by its value and the payment is in the history; the same code again,
// by the same or another client, is refused; nothing stores the code in clear.
func TestRedeemVoucher(t *testing.T) {
	f := newFixture(t)
	codes := f.generate(t, "250.50", "2026-12-31", 3)
	for _, c := range codes {
		if n := f.env.Count(`SELECT COUNT(*) FROM vouchers WHERE code_hash LIKE ?`, "%"+strings.ReplaceAll(c, "-", "")+"%"); n != 0 {
			t.Fatal("a code is stored in clear")
		}
	}
	b := f.env.Browser().LoginAs(f.alice)
	b.Get("/vouchers").Expect(t, 200, "Voucher code")
	typed := strings.ToLower(strings.ReplaceAll(codes[0], "-", " "))
	b.Post("/vouchers", url.Values{"code": {typed}, "amount": {"99999"}}).Expect(t, 303)
	b.Get("/vouchers").Expect(t, 200, "250.50 was added to your balance")
	b.Get("/invoices/payments").Expect(t, 200, "Voucher", "250.50")
	if f.payments(t, f.alice) != 1 || f.env.Count(`SELECT COUNT(*) FROM payments WHERE amount = 25050`) != 1 {
		t.Fatal("the voucher is not one payment of 250.50")
	}
	b.Post("/vouchers", url.Values{"code": {codes[0]}}).Expect(t, 422, "not valid, has expired or was already used")
	bob := f.env.Browser().LoginAs(f.bob)
	bob.Header.Set("Accept-Language", "cs")
	bob.Post("/vouchers", url.Values{"code": {codes[0]}}).Expect(t, 422, "není platný")
	if f.payments(t, f.bob) != 0 {
		t.Fatal("a used code paid twice")
	}
	if f.env.AuditCount("voucher.redeem", "client:2001") != 1 {
		t.Fatal("the redemption is not audited")
	}
	f.env.Set("ci_vouchers_enable", "0")
	b.Get("/vouchers").Expect(t, 404)
}

// TestParallelRedeem: twenty redemptions of one code at once, by two clients from
// different addresses, credit it exactly once.
func TestParallelRedeem(t *testing.T) {
	f := newFixture(t)
	code := f.generate(t, "100", "2026-12-31", 1)[0]
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := []int64{f.alice, f.bob}[i%2]
			_, err := f.mod.Redeem(context.Background(), client, code, "client:x", fmt.Sprintf("198.51.100.%d", i))
			if err == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if n := f.env.Count(`SELECT COUNT(*) FROM payments WHERE method = 'voucher'`); ok != 1 || n != 1 {
		t.Fatalf("%d successes and %d payments, want 1 and 1", ok, n)
	}
}

// TestWrongCodesLockOut: the fifth wrong code locks the client for 15 minutes, during
// which a right code is refused too; then it works. Twenty wrong codes from one
// address lock the address for every client.
func TestWrongCodesLockOut(t *testing.T) {
	f := newFixture(t)
	codes := f.generate(t, "100", "2027-12-31", 2)
	b := f.env.Browser().LoginAs(f.alice)
	for i := range 4 {
		b.Post("/vouchers", url.Values{"code": {fmt.Sprintf("WRON-GCOD-E000-000%d", i)}}).Expect(t, 422, "not valid")
	}
	b.Post("/vouchers", url.Values{"code": {"WRON-GCOD-E000-0009"}}).Expect(t, 422, "Too many wrong codes")
	b.Post("/vouchers", url.Values{"code": {codes[0]}}).Expect(t, 422, "Too many wrong codes")
	if f.payments(t, f.alice) != 0 {
		t.Fatal("a locked client redeemed")
	}
	f.env.Clock.Advance(15 * time.Minute)
	b.Post("/vouchers", url.Values{"code": {codes[0]}}).Expect(t, 303)

	// Per address: clients 3001..3005 from one address, four wrong codes each.
	for i := range 5 {
		cb := f.env.Browser().LoginAs(f.env.AddClient(fmt.Sprintf("300%d", i+1), 0))
		cb.RemoteAddr = "203.0.113.7:5000"
		for j := range 4 {
			cb.Post("/vouchers", url.Values{"code": {fmt.Sprintf("NOPE-%d%d", i, j)}})
		}
	}
	other := f.env.Browser().LoginAs(f.bob)
	other.RemoteAddr = "203.0.113.7:6000"
	other.Post("/vouchers", url.Values{"code": {codes[1]}}).Expect(t, 422, "Too many wrong codes")
	other.RemoteAddr = "203.0.113.8:6000"
	other.Post("/vouchers", url.Values{"code": {codes[1]}}).Expect(t, 303)
	if f.env.AuditCount("voucher.lock", "") < 2 {
		t.Fatal("the locks are not audited")
	}
}

// TestVoidAndExpiry: a voided batch's and an expired batch's codes are refused.
func TestVoidAndExpiry(t *testing.T) {
	f := newFixture(t)
	void := f.generate(t, "100", "2027-12-31", 1)
	soon := f.generate(t, "100", "2026-11-03", 1)
	staff := f.staff
	staff.Get("/admin/vouchers").Expect(t, 200, "Test", "0 / 1")
	staff.Post("/admin/vouchers/1/void", nil).Expect(t, 303)
	staff.Get("/admin/vouchers").Expect(t, 200, "Void")
	staff.Post("/admin/vouchers/99/void", nil).Expect(t, 404)
	b := f.env.Browser().LoginAs(f.alice)
	b.Post("/vouchers", url.Values{"code": {void[0]}}).Expect(t, 422, "not valid")
	f.env.Clock.Advance(48 * time.Hour)
	b = f.env.Browser().LoginAs(f.alice) // the session of two days ago has expired
	b.Post("/vouchers", url.Values{"code": {soon[0]}}).Expect(t, 422, "not valid")
	if f.payments(t, f.alice) != 0 {
		t.Fatal("a void or expired code was redeemed")
	}
}

// TestStaffGenerateRefusesAndCSV: bad batch fields re-render with the field's message
// and store nothing; the CSV format downloads the codes; the batch CSV lists states
// and clients but no codes; read-only staff cannot generate or void.
func TestStaffGenerateRefusesAndCSV(t *testing.T) {
	f := newFixture(t)
	b := f.staff
	b.Get("/admin/vouchers")
	for field, v := range map[string]url.Values{
		"value":    {"value": {"-5"}, "currency": {"CZK"}, "expires": {"2027-01-01"}, "count": {"2"}},
		"currency": {"value": {"5"}, "currency": {"czk"}, "expires": {"2027-01-01"}, "count": {"2"}},
		"expires":  {"value": {"5"}, "currency": {"CZK"}, "expires": {"2020-01-01"}, "count": {"2"}},
		"count":    {"value": {"5"}, "currency": {"CZK"}, "expires": {"2027-01-01"}, "count": {"10001"}},
	} {
		b.Post("/admin/vouchers", v).Expect(t, 422, `id="e-`+field+`"`)
	}
	if f.env.Count(`SELECT COUNT(*) FROM voucher_batches`) != 0 {
		t.Fatal("a refused batch was stored")
	}
	r := b.Post("/admin/vouchers", url.Values{"value": {"500"}, "currency": {"CZK"}, "expires": {"2027-01-01"}, "count": {"3"}, "format": {"csv"}}).
		Expect(t, 200)
	rows, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil || len(rows) != 4 || rows[1][2] != "500.00" || len(rows[1][1]) != 19 {
		t.Fatalf("codes CSV: %v %q", err, rows)
	}
	f.env.Browser().LoginAs(f.alice).Post("/vouchers", url.Values{"code": {rows[2][1]}}).Expect(t, 303)
	b.Get("/admin/vouchers/1/csv").Expect(t, 200, "redeemed", "2001", "open").Lacks(t, rows[1][1], rows[2][1])
	ro := f.env.StaffBrowserAs("viewer", core.RoleReadOnly)
	ro.Get("/admin/vouchers").Expect(t, 200).Lacks(t, "Generate a batch")
	ro.Post("/admin/vouchers/1/void", nil).Expect(t, 403)
	b.Get("/admin/vouchers/99/csv").Expect(t, 404)
	if f.env.AuditCount("voucher.generate", "staff:chief") != 1 {
		t.Fatal("generation not audited")
	}
}

// TestVoucherAPIAndCLI: generate, list and void through the API; generate from the CLI.
func TestVoucherAPIAndCLI(t *testing.T) {
	f := newFixture(t)
	e := f.env.API()
	sid := e.Admin()
	ro := e.LoginRole("viewer", core.RoleReadOnly)
	var g vouchers.Generated
	e.Call(sid, "vouchers.generate", map[string]any{"name": "API", "value": 30000, "currency": "EUR", "expires": "2027-06-30", "count": 2}).OK(t, &g)
	if len(g.Codes) != 2 || g.Batch.Value != 30000 || g.Batch.Currency != "EUR" {
		t.Fatalf("generated %+v", g)
	}
	e.Call(sid, "vouchers.generate", map[string]any{"value": 300, "currency": "EUR", "expires": "2020-01-01", "count": 2}).Refused(t, "invalid", "expires")
	e.Call(ro, "vouchers.generate", map[string]any{"value": 300, "currency": "EUR", "expires": "2027-01-01", "count": 2}).Fails(t, rpc.CodeForbidden)
	if _, err := f.mod.Redeem(context.Background(), f.alice, g.Codes[0], "client:2001", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	var list vouchers.BatchList
	e.Call(ro, "vouchers.batches", nil).OK(t, &list)
	if len(list.Batches) != 1 || list.Batches[0].Redeemed != 1 {
		t.Fatalf("batches %+v", list)
	}
	var s rpc.Saved
	e.Call(sid, "vouchers.void", map[string]any{"id": g.Batch.ID}).OK(t, &s)
	e.Call(sid, "vouchers.void", map[string]any{"id": 999}).Refused(t, "not_found")
	if _, err := f.mod.Redeem(context.Background(), f.alice, g.Codes[1], "client:2001", "192.0.2.1"); err != vouchers.ErrInvalid {
		t.Fatalf("a voided code: %v", err)
	}

	var out, errOut bytes.Buffer
	run := func(args ...string) error {
		for _, c := range f.env.Commands() {
			if c.Name == "voucher generate" {
				out.Reset()
				return c.Run(context.Background(), f.env.Deps, app.IO{In: strings.NewReader(""), Out: &out, Err: &errOut}, args)
			}
		}
		t.Fatal("no voucher generate command")
		return nil
	}
	if err := run("--value", "200", "--currency", "CZK", "--expires", "2027-01-31", "--count", "4"); err != nil {
		t.Fatal(err)
	}
	rows, _ := csv.NewReader(strings.NewReader(out.String())).ReadAll()
	if len(rows) != 5 || rows[0][1] != "code" {
		t.Fatalf("CLI CSV: %q", out.String())
	}
	if err := run("--value", "0", "--expires", "2027-01-31", "--count", "4"); err == nil || !strings.Contains(err.Error(), "value") {
		t.Fatalf("a zero value: %v", err)
	}
}
