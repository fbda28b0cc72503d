package buttons_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/buttons"
	"github.com/ispportal/portal/modules/info"
)

func TestCustomButtons(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, buttons.New, info.New, admin.New)
	cid := env.AddClient("7001", 0)
	b := env.StaffBrowserAs("boss", core.RoleAdmin)
	b.Get("/admin/buttons").Expect(t, 200, "New button")
	b.Post("/admin/buttons", url.Values{"label_en": {""}, "url": {"javascript:alert(1)"}, "order": {"5000"}, "active": {"0", "1"}}).
		Expect(t, 422, "This field is required.", "Must be an absolute http", "from 0 to 1000", `value="javascript:alert(1)"`)
	if list, _ := buttons.ListButtons(context.Background(), env.Deps.DB.R, false); len(list) != 0 {
		t.Fatal("a refused button was stored")
	}
	b.Post("/admin/buttons", url.Values{"label_en": {"Speed test"}, "label_cs": {"Test rychlosti"}, "url": {"https://speed.example.cz/"},
		"order": {"10"}, "new_tab": {"0", "1"}, "active": {"0", "1"}}).Expect(t, 303)
	client := env.Browser().LoginAs(cid)
	client.Get("/info").Expect(t, 200, "Speed test", "https://speed.example.cz/")
	list, _ := buttons.ListButtons(context.Background(), env.Deps.DB.R, false)
	if len(list) != 1 || !list[0].NewTab {
		t.Fatalf("stored %+v", list)
	}
	b.Get("/admin/buttons?edit="+strconv.FormatInt(list[0].ID, 10)).Expect(t, 200, `value="Speed test"`)
	b.Get("/admin/buttons?edit=999").Expect(t, 404)
	b.Post("/admin/buttons", url.Values{"id": {strconv.FormatInt(list[0].ID, 10)}, "label_en": {"Speed test"}, "url": {"https://speed.example.cz/"},
		"order": {"10"}, "active": {"0"}}).Expect(t, 303)
	client.Get("/info").Expect(t, 200).Lacks(t, "Speed test")
	b.Post("/admin/buttons/"+strconv.FormatInt(list[0].ID, 10)+"/delete", nil).Expect(t, 303)
	b.Post("/admin/buttons/"+strconv.FormatInt(list[0].ID, 10)+"/delete", nil).Expect(t, 404)
	if env.AuditCount("button.", "staff:boss") != 3 {
		t.Fatal("buttons not audited")
	}
}
