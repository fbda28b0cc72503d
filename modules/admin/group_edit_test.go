package admin_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
)

func groupForm(name string) url.Values {
	return url.Values{"name": {name}, "external_id": {""}, "supplier_name": {"NetWave s.r.o."}, "street": {"Vinohradská 12"},
		"city": {"Praha 2"}, "postcode": {"120 00"}, "country": {"cz"}, "registration_no": {"12345678"}, "vat_no": {"CZ12345678"},
		"phone": {"+420 222 111 000"}, "email": {"podpora@netwave.example"}, "web": {"https://netwave.example"},
		"bank_account": {"2400123456/2010"}, "iban": {"CZ65 2010 0000 0024 0012 3456"}, "bic": {"FIOBCZPPXXX"}, "currency": {"czk"}}
}

func TestInvoiceGroupsConsole(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	b := staffBrowser(t, env, core.RoleSupport)
	b.RemoteAddr = "198.51.100.3:9"
	b.Get("/admin/groups").Expect(t, 200, "Invoice groups", `href="/admin/groups/new"`)
	r := b.Post("/admin/groups/new", groupForm("Firmy")).Expect(t, 303)
	var id int64
	fmt.Sscanf(r.Header.Get("Location"), "/admin/groups/%d", &id)
	g, err := core.GroupByID(context.Background(), env.Deps.DB.R, id)
	if err != nil || g.SupplierName != "NetWave s.r.o." || g.IBAN != "CZ6520100000002400123456" || g.Currency != "CZK" || g.Country != "CZ" {
		t.Fatalf("saved %+v %v", g, err)
	}
	if env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'group.add' AND actor = 'staff:support1' AND ip = '198.51.100.3'`) != 1 {
		t.Fatal("not audited")
	}
	// The group's clients are listed; the page links the group's contact text and templates.
	in := env.AddClient("9801", id)
	env.AddClient("9802", 0)
	admin := adminBrowser(t, env, "boss")
	admin.Get(fmt.Sprintf("/admin/groups/%d", id)).Expect(t, 200, ">9801<", fmt.Sprintf("/admin/templates?group=%d", id),
		fmt.Sprintf("/admin/settings?group=%d&amp;q=ci_contact_text", id)).Lacks(t, ">9802<")
	// Support staff may not open settings or templates: no links for them.
	b.Get(fmt.Sprintf("/admin/groups/%d", id)).Expect(t, 200, ">9801<").Lacks(t, "/admin/templates?group=")

	// The supplier identity reaches the client's footer and invoices' supplier.
	env.Set("ci_display_supplier_contact", "1")
	f := groupForm("Firmy")
	f.Set("supplier_name", "Nová Vlna s.r.o.")
	b.Post(fmt.Sprintf("/admin/groups/%d", id), f).Expect(t, 303)
	env.Browser().LoginAs(in).Get("/services").Expect(t, 200, "Nová Vlna s.r.o.", "CZ12345678", "2400123456/2010")

	// Bad input: refused beside the field, nothing changed.
	before, _ := core.GroupByID(context.Background(), env.Deps.DB.R, id)
	other := env.AddGroup("Residential")
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE invoice_groups SET external_id = 'res' WHERE id = ?`, other)
		return err
	})
	for field, v := range map[string]string{"name": " ", "email": "x@", "web": "javascript:alert(1)", "iban": "12345",
		"currency": "Kč", "country": "CZE", "external_id": "res", "supplier_name": "A\u202eB", "bic": strings.Repeat("X", 12)} {
		f := groupForm("Firmy")
		f.Set(field, v)
		b.Post(fmt.Sprintf("/admin/groups/%d", id), f).Expect(t, 422, `id="e-`+field+`"`)
	}
	if after, _ := core.GroupByID(context.Background(), env.Deps.DB.R, id); after != before {
		t.Fatalf("a refused save changed the group: %+v", after)
	}
	b.Post("/admin/groups/99999", groupForm("X")).Expect(t, 404)
	// Read-only staff see the group but cannot save it.
	ro := staffBrowser(t, env, core.RoleReadOnly)
	ro.Get(fmt.Sprintf("/admin/groups/%d", id)).Expect(t, 200, "readonly").Lacks(t, `class="btn">Save</button>`)
	ro.Post(fmt.Sprintf("/admin/groups/%d", id), groupForm("RO")).Expect(t, 403)
	ro.Get("/admin/groups/new").Expect(t, 403)
}
