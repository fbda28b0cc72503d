package gdpr

import (
	"net/http"
	"net/url"
	"testing"
)

// TestOwnDataWithoutTab: with ci_display_gdpr_tab off the consent pages answer 404
// and leave the menu, but the own data stays: "My data" in the menu, the export
// downloads, and an erasure request is filed and listed; another client's session
// does not see it.
func TestOwnDataWithoutTab(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	env := f.env
	env.Set("ci_display_gdpr_tab", "0")
	b := env.Browser().LoginAs(f.a)
	b.Get("/gdpr").Expect(t, http.StatusNotFound)
	b.Get("/gdpr/"+itoa(f.mk.ID)).Expect(t, http.StatusNotFound)
	b.Post("/gdpr/"+itoa(f.mk.ID), url.Values{"purpose": {f.mk.purposeID("SMS")}}).Expect(t, http.StatusNotFound)
	page := b.Get("/gdpr/export").Expect(t, 200, "Your data in the client portal", `href="/gdpr/export"`, "My data", "Erase my personal data")
	page.Lacks(t, `href="/gdpr"`)
	r := b.Post("/gdpr/export", url.Values{"format": {"json"}}).Expect(t, 200, `"client_number": "7001"`)
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("export content type %q", ct)
	}
	b.Post("/gdpr/requests", url.Values{"kind": {KindErasure}, "note": {"Please delete my data."}}).Expect(t, http.StatusSeeOther)
	b.Get("/gdpr/export").Expect(t, 200, "Your requests")
	env.Browser().LoginAs(f.b).Get("/gdpr/export").Expect(t, 200).Lacks(t, "Your requests")
	if n := env.Count(`SELECT COUNT(*) FROM gdpr_requests WHERE client_id = ? AND kind = 'erasure'`, f.a); n != 1 {
		t.Fatalf("%d requests filed", n)
	}
	// Tab on again: both menu entries.
	env.Set("ci_display_gdpr_tab", "1")
	b.Get("/gdpr/export").Expect(t, 200, `href="/gdpr"`, "My data")
	b.Get("/gdpr").Expect(t, 200)
}
