package payments_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/ispportal/portal/modules/admin"
)

// TestStaffPaymentsConsole: the Online payments page and the client card section
// show attempts (provider, amount, state), saved methods with autopay on and the
// automatic charges with their tries; read-only staff see them but cannot switch
// autopay off (no button, 403); support can, audited with the address; another
// client's card shows none of it.
func TestStaffPaymentsConsole(t *testing.T) {
	f := newFixture(t, admin.New)
	pp := f.withPayPal(t)
	b := f.env.Browser().LoginAs(f.alice)
	start(b, "/pay/invoice/"+itoa(f.invoice), url.Values{"provider": {"paypal"}}).Expect(t, http.StatusSeeOther)
	a := f.lastAttempt(t, f.alice)
	pp.Deny(a.Ref)
	pp.Approve(a.Ref)
	b.Get("/pay/return/"+itoa(a.ID)).Expect(t, http.StatusSeeOther)
	now := "2026-11-15T09:00:00Z"
	if _, err := f.env.Deps.DB.W.Exec(`INSERT INTO autopay_mandates (client_id, provider, customer_ref, method_ref, label, state, created_at, updated_at)
		VALUES (?, 'stripe', 'cus_staff', 'pm_card_visa', 'visa •••• 4242', 'active', ?, ?)`, f.alice, now, now); err != nil {
		t.Fatal(err)
	}
	if _, err := f.env.Deps.DB.W.Exec(`INSERT INTO autopay_charges (client_id, invoice_id, amount, currency, tries, next_try, state, last_ref, last_error, created_at, updated_at)
		VALUES (?, ?, 121000, 'CZK', 2, '2026-11-18T09:00:00Z', 'retrying', 'pi_x', 'card_declined', ?, ?)`, f.alice, f.invoice, now, now); err != nil {
		t.Fatal(err)
	}
	card := "/admin/clients/" + itoa(f.alice)
	off := card + "/autopay/off"

	ro := f.env.StaffBrowser("readonly")
	ro.Get("/admin/payments").Expect(t, 200, "Online payments", "2001", "PayPal", "1,210.00", "Failed", "visa •••• 4242",
		"Will be retried", "card_declined")
	ro.Get(card).Expect(t, 200, "Payments started", "visa •••• 4242", "Will be retried").Lacks(t, "Switch automatic payments off")
	ro.Get(card)
	ro.Post(off, nil).Expect(t, http.StatusForbidden)
	if f.env.Count(`SELECT COUNT(*) FROM autopay_mandates WHERE client_id = ?`, f.alice) != 1 {
		t.Fatal("read-only staff switched autopay off")
	}
	f.env.StaffBrowser("admin").Get("/admin/clients/"+itoa(f.bob)).Expect(t, 200, "Payments started").Lacks(t, "4242", "1,210.00")

	sup := f.env.StaffBrowser("support")
	sup.Get(card).Expect(t, 200, "Switch automatic payments off")
	sup.Post(off, nil).Expect(t, http.StatusSeeOther)
	sup.Get(card).Expect(t, 200, "Automatic payments are off").Lacks(t, "Switch automatic payments off")
	if f.env.Count(`SELECT COUNT(*) FROM autopay_mandates`) != 0 {
		t.Fatal("the mandate was not removed")
	}
	if f.env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'autopay.off' AND actor = 'staff:support1' AND client_id = ? AND ip != ''`, f.alice) != 1 {
		t.Fatal("switching off is not audited with the staff member and address")
	}
	sup.Get(card)
	sup.Post(off, nil).Expect(t, http.StatusSeeOther)
	sup.Get(card).Expect(t, 200, "no saved payment method")
	sup.Get("/admin/clients/999999")
	sup.Post("/admin/clients/999999/autopay/off", nil).Expect(t, 404)
}
