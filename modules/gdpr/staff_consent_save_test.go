package gdpr_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/gdpr"
)

// TestConsentRuleConsoleAndAPI checks that the console and the API apply the one
// rule of gdpr.CheckDocument. Before, the console counted bytes (a 250-character
// Czech title was too long) and took 21 purposes the API refused, and the API
// answered a store refusal with its raw text and no field.
func TestConsentRuleConsoleAndAPI(t *testing.T) {
	env := testkit.New(t, gdpr.New, admin.New, api.New)
	b := env.StaffBrowserAs("boss", core.RoleAdmin)
	title := strings.Repeat("č", 250)
	b.Get("/admin/consents").Expect(t, 200)
	b.Post("/admin/consents", url.Values{"title": {title}, "text": {"<p>x</p>"}}).Expect(t, 303)
	var many []string
	for i := range gdpr.MaxPurposes + 1 {
		many = append(many, "purpose "+strings.Repeat("x", i+1))
	}
	b.Post("/admin/consents", url.Values{"title": {"Many"}, "text": {"<p>x</p>"}, "purposes": {strings.Join(many, "\n")}}).
		Expect(t, 422, "At most 20 purposes")
	list, err := gdpr.ListDocuments(context.Background(), env.Deps.DB.R)
	if err != nil || len(list) != 1 || list[0].Title != title {
		t.Fatalf("stored %+v %v", list, err)
	}

	env.AddStaff("billing", core.RoleAPI, testkit.StaffPassword)
	call := func(params map[string]any) map[string]any {
		params["auth"] = map[string]string{"login": "billing", "password": testkit.StaffPassword}
		body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "consentDocuments.add", "params": params})
		req, _ := http.NewRequest(http.MethodPost, "/jsonrpc", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		r := env.Browser().Do(req)
		var out map[string]any
		if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
			t.Fatalf("answer %q: %v", r.Body, err)
		}
		return out
	}
	r := call(map[string]any{"external_id": "CZ", "title": title, "text": "<p>y</p>"})
	if res, _ := r["result"].(map[string]any); res == nil || res["code"] != true {
		t.Fatalf("API refused a 250-character title: %v", r)
	}
	r = call(map[string]any{"external_id": "TWICE", "title": "T", "text": "<p>y</p>", "purposes": []string{"SMS", "sms"}})
	res, _ := r["result"].(map[string]any)
	errs, _ := res["errors"].([]any)
	if len(errs) != 1 || errs[0].(map[string]any)["field"] != "purposes" || errs[0].(map[string]any)["code"] != "invalid" {
		t.Fatalf("duplicate purpose: %v", r)
	}
}
