package invoices_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/invoices"
)

// TestStaffImportUpload: staff upload the invoices and payments files the CLI imports
// and get the same line-error report; a refused file stores nothing; hostile names are
// only shown, escaped; wrong files are refused by line; every upload is audited.
func TestStaffImportUpload(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, invoices.New, admin.New)
	g := env.AddGroup("Acme")
	env.AddClient("2001", g)
	boss := env.StaffBrowserAs("boss", core.RoleAdmin)
	page := "/admin/invoices/import"
	boss.Get(page).Expect(t, 200, `enctype="multipart/form-data"`, `name="file"`, "Import invoices and payments")
	kind := func(k string) url.Values { return url.Values{"kind": {k}} }
	count := func(table string) int { return env.Count(`SELECT COUNT(*) FROM ` + table) }

	invoicesFile := `{"external_id":"ext-1","client":"2001","number":"2026001","issued":"2026-10-01","due":"2026-10-15","currency":"CZK","amount":"1000.00","amount_vat":"1210.00"}` + "\n"
	r := boss.Upload(page, kind("invoices"), "file", "invoices.jsonl", []byte(invoicesFile))
	if r.StatusCode != 200 || count("invoices") != 1 {
		t.Fatalf("invoice import: %d, %d invoices\n%s", r.StatusCode, count("invoices"), r.Body)
	}
	r.Expect(t, 200, "Result of the import", "invoices.jsonl")

	// The CLI's line errors, every one; nothing stored.
	bad := `{"external_id":"P-1","client":"2001","date":"2026-10-05","amount":"1","currency":"CZK","method":"barter"}
{"external_id":"P-2","client":"9999","date":"2026-10-05","amount":"1","currency":"CZK"}
not json at all
{"external_id":"P-3","client":"2001","date":"2026-10-05","amount":"1","currency":"CZK"}
`
	name := `..\..\evil<script>alert(1)</script>` + "\u202e" + `gpj.jsonl`
	boss.Upload(page, kind("payments"), "file", name, []byte(bad)).
		Expect(t, 422, "Nothing was imported", `method &#34;barter&#34;`, `client &#34;9999&#34; not found`, "<td class=\"num\">3</td>", "<dd>script&gt;gpj.jsonl</dd>").
		Lacks(t, "<script>alert(1)", "\u202e", `..\`)
	if count("payments") != 0 {
		t.Fatal("a refused file stored payments")
	}
	// A wrong type: an image is refused by line, nothing stored.
	boss.Upload(page, kind("payments"), "file", "logo.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")).Expect(t, 422, "Nothing was imported")
	boss.Upload(page, kind("payments"), "file", "", nil).Expect(t, 422, "This field is required.")
	boss.Upload(page, kind("payments"), "file", "empty.jsonl", nil).Expect(t, 422, "This file is empty.")
	boss.Upload(page, kind("receipts"), "file", "x.jsonl", []byte(invoicesFile)).Expect(t, 422, "Choose invoices or payments.")
	long := `{"external_id":"P-9","note":"` + strings.Repeat("x", 1<<20) + `"}` + "\n"
	boss.Upload(page, kind("payments"), "file", "long.jsonl", []byte(long)).Expect(t, 422, "longer than 1048576 bytes")

	// Czech, and the good payments file.
	boss.Header.Set("Accept-Language", "cs")
	good := `{"external_id":"P-1","client":"2001","date":"2026-10-05","amount":"1210.00","currency":"CZK","invoice_external_id":"ext-1"}` + "\n"
	boss.Upload(page, kind("payments"), "file", "platby.jsonl", []byte(good)).Expect(t, 200, "Výsledek importu", "Nové", "platby.jsonl")
	if count("payments") != 1 {
		t.Fatal("payment not stored")
	}
	if n := env.Count(`SELECT COUNT(*) FROM audit_log WHERE action IN ('invoice.import', 'payment.import') AND actor = 'staff:boss' AND ip <> ''`); n != 5 {
		t.Fatalf("imports audited %d times, want 5", n)
	}
	ro := env.StaffBrowser(core.RoleReadOnly)
	ro.Get(page).Expect(t, 403)
	ro.Upload(page, kind("payments"), "file", "platby.jsonl", []byte(good)).Expect(t, 403)
}
