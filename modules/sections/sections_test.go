package sections

import (
	"bytes"
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/info"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/services"
)

type fixture struct {
	env  *testkit.Env
	a, b int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := testkit.New(t, info.New, services.New, invoices.New, New, admin.New, api.New)
	return &fixture{env: env, a: env.AddClient("8001", 0), b: env.AddClient("8002", 0)}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func menuHas(body, path string) bool { return strings.Contains(body, `href="`+path+`"`) }

// Staff hide a section for one client and force another one shown that the settings
// switched off; the menu and the 404s follow, for that client only.
func TestOverridesFollowMenuAnd404(t *testing.T) {
	f := newFixture(t)
	f.env.Set("ci_display_invoices_tab", "0")
	admin := f.env.StaffBrowser("admin")
	card := "/admin/clients/" + itoa(f.a)
	admin.Get(card).Expect(t, 200, "Portal sections", `name="s_invoices"`)
	admin.Post(card+"/sections", url.Values{"s_invoices": {"show"}, "s_services": {"hide"}}).Expect(t, 303)

	a := f.env.Browser().LoginAs(f.a)
	body := a.Get("/info").Expect(t, 200).Body
	if !menuHas(body, "/invoices") || menuHas(body, "/services") {
		t.Fatal("client A's menu does not follow the overrides")
	}
	a.Get("/invoices").Expect(t, 200)
	a.Get("/services").Expect(t, 404)

	b := f.env.Browser().LoginAs(f.b)
	body = b.Get("/info").Expect(t, 200).Body
	if menuHas(body, "/invoices") || !menuHas(body, "/services") {
		t.Fatal("client B's menu changed with A's overrides")
	}
	b.Get("/invoices").Expect(t, 404)
	b.Get("/services").Expect(t, 200)

	// Back to the settings.
	admin.Get(card)
	admin.Post(card+"/sections", url.Values{"s_invoices": {"default"}, "s_services": {"default"}}).Expect(t, 303)
	a.Get("/invoices").Expect(t, 404)
	a.Get("/services").Expect(t, 200)
	if f.env.AuditCount("client.sections", "staff:admin1") != 2 {
		t.Error("not audited")
	}
}

func TestBadInput(t *testing.T) {
	f := newFixture(t)
	admin := f.env.StaffBrowser("admin")
	card := "/admin/clients/" + itoa(f.a)
	admin.Get(card)
	admin.Post(card+"/sections", url.Values{"s_nosuch": {"hide"}}).Expect(t, 422, "no such portal section")
	admin.Post(card+"/sections", url.Values{"s_invoices": {"maybe"}}).Expect(t, 422, "default, show or hide")
	admin.Post("/admin/clients/999999/sections", url.Values{"s_invoices": {"hide"}}).Expect(t, 404)
	if f.env.Count(`SELECT count(*) FROM clients WHERE sections <> ''`) != 0 {
		t.Fatal("a refused save changed a client")
	}
	ro := f.env.StaffBrowser("readonly")
	ro.Get(card).Expect(t, 200, "Portal sections").Lacks(t, `name="s_invoices"`)
	ro.Post(card+"/sections", url.Values{"s_invoices": {"hide"}}).Expect(t, 403)
}

func TestAPIAndCLI(t *testing.T) {
	f := newFixture(t)
	api := f.env.API()
	sid := api.Admin()
	var out SectionsOut
	api.Call(sid, "sections.set", map[string]any{"client_id": f.a, "sections": map[string]string{"services": "hide"}}).OK(t, &out)
	if out.Sections["services"] != Hide || out.Sections["invoices"] != Default {
		t.Fatalf("set: %+v", out)
	}
	api.Call(sid, "sections.set", map[string]any{"client_id": f.a, "sections": map[string]string{"nosuch": "hide"}}).Refused(t, "invalid", "sections.nosuch")
	api.Call(sid, "sections.get", map[string]any{"client_id": f.a}).OK(t, &out)
	if out.Sections["services"] != Hide {
		t.Fatalf("get: %+v", out)
	}
	f.env.Browser().LoginAs(f.a).Get("/services").Expect(t, 404)

	var buf bytes.Buffer
	cmd := func(args ...string) error {
		buf.Reset()
		for _, m := range f.env.Modules {
			for _, c := range m.Info().Commands {
				if c.Name == "client sections" {
					return c.Run(context.Background(), f.env.Deps, app.IO{In: strings.NewReader(""), Out: &buf, Err: &buf}, args)
				}
			}
		}
		t.Fatal("no command")
		return nil
	}
	if err := cmd("8001", "=services", "-invoices"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "invoices") || !strings.Contains(buf.String(), "hide") {
		t.Fatalf("cli: %s", buf.String())
	}
	if err := cmd("8001", "-nosuch"); err == nil {
		t.Fatal("an unknown section was accepted")
	}
	if err := cmd("8001", "invoices"); err == nil {
		t.Fatal("a word without a sign was accepted")
	}
	f.env.Browser().LoginAs(f.a).Get("/services").Expect(t, 200)
	f.env.Browser().LoginAs(f.a).Get("/invoices").Expect(t, 404)
}
