package contact_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/contact"
)

func TestContactOverview(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, contact.New, admin.New)
	g1 := env.AddGroup("Residential")
	g2 := env.AddGroup("Business")
	env.Set("ci_contact_text", "<p>Call us</p>")
	if err := env.Deps.Settings.Set(context.Background(), "ci_contact_text", g2, "<p>Business desk</p><script>x()</script>", "test"); err != nil {
		t.Fatal(err)
	}
	b := env.StaffBrowserAs("boss", core.RoleAdmin)
	r := b.Get("/admin/contact").Expect(t, 200, "Call us", "Business desk", "uses the default text", "group="+strconv.FormatInt(g1, 10), "group="+strconv.FormatInt(g2, 10))
	if strings.Contains(r.Body, "<script>x()") {
		t.Fatal("contact text not sanitised")
	}
}
