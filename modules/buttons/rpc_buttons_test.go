package buttons_test

import (
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/buttons"
)

func TestButtons(t *testing.T) {
	t.Parallel()
	e := testkit.New(t, buttons.New, admin.New, api.New).API()
	sid := e.Admin()
	e.AddClients(sid)
	e.AddStaff("viewer", core.RoleReadOnly, testkit.StaffPassword)
	ro := e.Login("viewer")

	btn := map[string]any{"external_id": "speed", "label_en": "Speed test", "url": "https://speed.example.net/", "sort_order": 5}
	var s1, s2 rpc.Saved
	e.Call(sid, "buttons.add", btn).OK(t, &s1)
	btn["label_cs"], btn["active"] = "Test rychlosti", false
	e.Call(sid, "buttons.add", btn).OK(t, &s2)
	if !s1.Created || s2.Created || s1.ID != s2.ID || e.Count(`SELECT COUNT(*) FROM custom_buttons`) != 1 {
		t.Fatalf("idempotent add: %+v %+v", s1, s2)
	}
	for _, u := range []string{"javascript:alert(1)", "ftp://example.net/", "/relative", "https://user:pw@example.net/"} {
		e.Call(sid, "buttons.add", map[string]any{"external_id": "bad", "label_en": "Bad", "url": u}).Refused(t, "invalid", "url")
	}
	e.Call(sid, "buttons.add", map[string]any{"external_id": "bad", "url": "https://x.example/"}).Fails(t, rpc.CodeInvalidParams, `"field":"label_en"`)
	e.Call(sid, "buttons.add", map[string]any{"external_id": "bad", "label_en": "B", "url": "https://x.example/", "sort_order": 5000}).
		Fails(t, rpc.CodeInvalidParams, `"field":"sort_order"`)
	e.Call(ro, "buttons.add", btn).Fails(t, rpc.CodeForbidden)
	var bl buttons.ButtonList
	e.Call(ro, "buttons.list", nil).OK(t, &bl)
	if len(bl.Buttons) != 1 || bl.Buttons[0].Active || bl.Buttons[0].LabelCS != "Test rychlosti" {
		t.Fatalf("buttons: %+v", bl)
	}
	var del rpc.Deleted
	e.Call(sid, "buttons.delete", map[string]any{"external_id": "speed"}).OK(t, &del)
	if !del.Deleted || e.Count(`SELECT COUNT(*) FROM custom_buttons`) != 0 {
		t.Fatal("button not deleted")
	}
	e.Call(sid, "buttons.delete", map[string]any{"external_id": "speed"}).OK(t, &del)
	if del.Deleted {
		t.Fatal("second delete claims a deletion")
	}
}
