package gdpr_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/gdpr"
)

func TestConsentDocuments(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, gdpr.New, admin.New)
	b := env.StaffBrowserAs("boss", core.RoleAdmin)
	b.Get("/admin/consents").Expect(t, 200, "New consent document")
	b.Post("/admin/consents", url.Values{"title": {""}, "text": {""}, "purposes": {"Marketing\nmarketing"}}).
		Expect(t, 422, "This field is required.", "none listed twice")
	b.Post("/admin/consents", url.Values{"title": {"Newsletter"}, "text": {"<p>We send news</p><script>x()</script>"}, "purposes": {"E-mail\nSMS"}}).Expect(t, 303)
	list, _ := gdpr.ListDocuments(context.Background(), env.Deps.DB.R)
	if len(list) != 1 || len(list[0].Purposes) != 2 || list[0].Version != 1 {
		t.Fatalf("stored %+v", list)
	}
	r := b.Get("/admin/consents").Expect(t, 200, "Newsletter", "We send news", "E-mail")
	if strings.Contains(r.Body, "<script>x()") {
		t.Fatal("consent text not sanitised")
	}
	id := strconv.FormatInt(list[0].ID, 10)
	b.Post("/admin/consents/"+id+"/version", url.Values{"text": {""}}).Expect(t, 422, "This field is required.")
	b.Post("/admin/consents/"+id+"/version", url.Values{"text": {"<p>Version two</p>"}}).Expect(t, 303)
	b.Get("/admin/consents").Expect(t, 200, "Version 2 was published", "v2")
	b.Post("/admin/consents/"+id+"/active", url.Values{"active": {"0"}}).Expect(t, 303)
	b.Get("/admin/consents").Expect(t, 200, "Retired")
	b.Post("/admin/consents/999/version", url.Values{"text": {"x"}}).Expect(t, 404)
	if env.AuditCount("consent.", "staff:boss") != 3 {
		t.Fatal("consent changes not audited")
	}
}
