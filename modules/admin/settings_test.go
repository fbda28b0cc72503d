package admin_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/settings"
)

func adminBrowser(t *testing.T, env *testkit.Env, login string) *testkit.Browser {
	t.Helper()
	return env.Browser().LoginStaff(addStaff(t, env, login, core.RoleAdmin, "correct horse battery"))
}

// hashes reads the h.KEY fields of the settings form, as a browser would send them back.
func hashes(body string) url.Values {
	out := url.Values{}
	for _, m := range regexp.MustCompile(`name="(h\.[a-z0-9_]+)" value="([0-9a-f]+)"`).FindAllStringSubmatch(body, -1) {
		out.Set(m[1], m[2])
	}
	return out
}

func stored(t *testing.T, env *testkit.Env, key string, group int64) (string, bool) {
	t.Helper()
	d, ok := settings.Lookup(key)
	if !ok {
		t.Fatalf("no setting %s", key)
	}
	env.Deps.Settings.Sync(context.Background())
	return env.Deps.Settings.Value(d, group)
}

func TestSettingsPage(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	b := adminBrowser(t, env, "boss")
	page := b.Get("/admin/settings").Expect(t, 200, `name="v.ci_display_invoices_tab"`, `type="number"`, "<select", "<textarea",
		`type="url"`, `type="email"`, `name="v.ci_display_invoices_tab" value="0"`, "Default")
	for _, d := range settings.All() {
		if !strings.Contains(page.Body, `name="v.`+d.Key+`"`) {
			t.Errorf("setting %s missing from the form", d.Key)
		}
	}
	b.Get("/admin/settings?q=smtp").Expect(t, 200, "v.smtp_host").Lacks(t, "v.ci_display_invoices_tab")
	b.Get("/admin/settings?q=zzzz-nothing").Expect(t, 200, "No setting matches")
	b.Get("/admin/settings?group=999").Expect(t, 404)
	b.Get("/admin/settings?group=abc").Expect(t, 404)
	b.Header.Set("Accept-Language", "cs")
	b.Get("/admin/settings").Expect(t, 200, "Zabezpečení", "Výchozí")
}

func TestSettingsInvalidValuesSaveNothing(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	b := adminBrowser(t, env, "boss")
	b.Get("/admin/settings")
	bad := map[string]string{
		"ci_display_balance":            "maybe",                     // bool
		"ci_client_password_min_length": "4",                         // int below min
		"ci_sms_per_month":              "lots",                      // int
		"ci_forgotten_password":         "phone",                     // enum
		"ci_url":                        "ftp://portal.example",      // url
		"system_mail":                   "not-an-address",            // email
		"ci_data_change_notify_email":   "a@example.cz; nope",        // email list
		"system_mail_name":              "two\nlines",                // string
		"ci_contact_text":               strings.Repeat("x", 100001), // html
		"ci_skin_theme":                 "../evil",                   // custom check
	}
	form := url.Values{"v.ci_webmail_url": {"https://mail.example.cz/"}} // valid, must not be saved either
	for k, v := range bad {
		form.Set("v."+k, v)
	}
	r := b.Post("/admin/settings", form).Expect(t, 422, "10 values are invalid", "Must be on or off.",
		"Must be a whole number from 8 to 64.", "Must be a whole number.", "Must be one of: email, username.",
		"Must be an absolute http:// or https:// address.", "Must be an e-mail address.",
		"Must be e-mail addresses separated", "Must be a single line.", "Must be at most 100000 characters.", "Refused:")
	// The values typed come back.
	for _, v := range []string{`value="lots"`, `value="ftp://portal.example"`, `value="https://mail.example.cz/"`} {
		if !strings.Contains(r.Body, v) {
			t.Errorf("typed value %s not shown again", v)
		}
	}
	if strings.Count(r.Body, `aria-invalid="true"`) != 10 {
		t.Errorf("want 10 invalid fields marked, got %d", strings.Count(r.Body, `aria-invalid="true"`))
	}
	for _, k := range append([]string{"ci_webmail_url"}, keys(bad)...) {
		if _, ok := stored(t, env, k, 0); ok {
			t.Errorf("%s was stored although the form was refused", k)
		}
	}
	if auditCount(t, env, "setting.set", "") != 0 {
		t.Fatal("a refused form wrote audit entries")
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestSettingsSaveFlipsSubscriberGate(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	cid := env.AddClient("6001", 0)
	client := env.Browser().LoginAs(cid)
	client.Get("/invoices").Expect(t, 200)
	client.Get("/info").Expect(t, 200, `href="/invoices"`)

	b := adminBrowser(t, env, "boss")
	page := b.Get("/admin/settings")
	form := hashes(page.Body)
	form.Set("v.ci_display_invoices_tab", "0") // the hidden field alone: box unticked
	b.Post("/admin/settings", form).Expect(t, 303)
	b.Get("/admin/settings").Expect(t, 200, "Settings saved (1 changed)")

	client.Get("/invoices").Expect(t, 404)
	client.Get("/info").Expect(t, 200).Lacks(t, `href="/invoices"`)

	form = hashes(b.Get("/admin/settings").Body)
	form["v.ci_display_invoices_tab"] = []string{"0", "1"} // hidden 0, then the ticked box
	b.Post("/admin/settings", form).Expect(t, 303)
	client.Get("/invoices").Expect(t, 200)
	if n := auditCount(t, env, "setting.set", "staff:boss"); n != 2 {
		t.Fatalf("audited %d saves, want 2", n)
	}
	// Posting the unchanged form writes nothing.
	b.Post("/admin/settings", hashes(b.Get("/admin/settings").Body)).Expect(t, 303)
	if n := auditCount(t, env, "setting.set", ""); n != 2 {
		t.Fatalf("an unchanged form wrote %d entries", n-2)
	}
}

func TestSettingsSecretKeptOnBlank(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	env.Set("smtp_password", "s3cret-pa55")
	b := adminBrowser(t, env, "boss")
	page := b.Get("/admin/settings?q=smtp").Expect(t, 200, "A value is stored").Lacks(t, "s3cret-pa55")
	form := hashes(page.Body)
	form.Set("q", "smtp")
	form.Set("v.smtp_password", "")
	form.Set("v.smtp_host", "mail.example.cz")
	b.Post("/admin/settings", form).Expect(t, 303)
	if v, _ := stored(t, env, "smtp_password", 0); v != "s3cret-pa55" {
		t.Fatalf("blank submission changed the secret to %q", v)
	}
	if v, _ := stored(t, env, "smtp_host", 0); v != "mail.example.cz" {
		t.Fatalf("smtp_host = %q", v)
	}
	form.Set("v.smtp_password", "n3w-pa55")
	form.Set("v.smtp_host", "mail.example.cz")
	b.Post("/admin/settings", hashesWith(b, form)).Expect(t, 303)
	if v, _ := stored(t, env, "smtp_password", 0); v != "n3w-pa55" {
		t.Fatalf("secret not replaced: %q", v)
	}
	list, _ := core.AuditList(context.Background(), env.Deps.DB.R, core.AuditFilter{Limit: 100})
	for _, e := range list {
		if strings.Contains(e.Detail, "pa55") {
			t.Fatalf("secret in the audit log: %q", e.Detail)
		}
	}
	if strings.Contains(env.Logs.String(), "pa55") {
		t.Fatal("secret in the log")
	}
}

// hashesWith refreshes the form's hashes from the current page, keeping the values.
func hashesWith(b *testkit.Browser, form url.Values) url.Values {
	fresh := hashes(b.Get("/admin/settings?q=" + form.Get("q")).Body)
	for k, v := range form {
		if !strings.HasPrefix(k, "h.") {
			fresh[k] = v
		}
	}
	return fresh
}

func TestSettingsPerGroup(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	g := env.AddGroup("Business")
	env.Set("ci_contact_text", "<p>Global contact</p>")
	b := adminBrowser(t, env, "boss")
	gid := itoa(g)
	page := b.Get("/admin/settings?group="+gid).Expect(t, 200, `name="inherit.ci_contact_text"`, "Use the global value", "Global contact").
		Lacks(t, "v.ci_display_invoices_tab")
	form := hashes(page.Body)
	form.Set("group", gid)
	form["inherit.ci_contact_text"] = []string{"0"}
	form.Set("v.ci_contact_text", "<p>Business line</p>")
	b.Post("/admin/settings", form).Expect(t, 303)
	if v, ok := stored(t, env, "ci_contact_text", g); !ok || v != "<p>Business line</p>" {
		t.Fatalf("group value %q %v", v, ok)
	}
	if v, _ := stored(t, env, "ci_contact_text", 0); v != "<p>Global contact</p>" {
		t.Fatalf("global value changed to %q", v)
	}
	if settings.ContactText.For(env.Deps.Settings, g) != "<p>Business line</p>" {
		t.Fatal("the group's clients do not get the group value")
	}
	// Back to inheriting.
	form = hashes(b.Get("/admin/settings?group=" + gid).Body)
	form.Set("group", gid)
	form["inherit.ci_contact_text"] = []string{"0", "1"}
	form.Set("v.ci_contact_text", "<p>Business line</p>")
	b.Post("/admin/settings", form).Expect(t, 303)
	if _, ok := stored(t, env, "ci_contact_text", g); ok {
		t.Fatal("inherit did not remove the group value")
	}
	// A global-only setting cannot be set per group.
	b.Get("/admin/settings?group=" + gid)
	b.Post("/admin/settings", url.Values{"group": {gid}, "v.ci_display_balance": {"0"}}).Expect(t, 303)
	if _, ok := stored(t, env, "ci_display_balance", g); ok {
		t.Fatal("a global-only setting was stored per group")
	}
}

func TestSettingsConcurrentEdits(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	a := adminBrowser(t, env, "anna")
	z := adminBrowser(t, env, "zoe")
	fa := hashes(a.Get("/admin/settings").Body)
	fz := hashes(z.Get("/admin/settings").Body)
	// Both edit ci_sms_per_month; Anna also changes ci_webmail_url. Zoe's older form
	// must not undo Anna's other change.
	fa.Set("v.ci_sms_per_month", "5")
	fa.Set("v.ci_webmail_url", "https://mail.example.cz/")
	fa.Set("v.ci_display_balance", "1") // unchanged
	fz.Set("v.ci_sms_per_month", "7")
	fz.Set("v.ci_webmail_url", "") // as loaded
	// Anna's save first, then Zoe's stale form: last wins, Anna's other change stays.
	a.Post("/admin/settings", fa).Expect(t, 303)
	z.Post("/admin/settings", fz).Expect(t, 303)
	if v, _ := stored(t, env, "ci_sms_per_month", 0); v != "7" {
		t.Fatalf("last write must win: %q", v)
	}
	if v, _ := stored(t, env, "ci_webmail_url", 0); v != "https://mail.example.cz/" {
		t.Fatalf("the older form undid a colleague's change: %q", v)
	}
	hist, err := env.Deps.Settings.Audit(context.Background(), "ci_sms_per_month", 10)
	if err != nil || len(hist) != 2 || hist[0].Actor != "staff:zoe" || hist[1].Actor != "staff:anna" {
		t.Fatalf("both edits must be audited in order: %+v %v", hist, err)
	}

	// Truly simultaneous saves of one setting: both are written and audited, and the
	// stored value is the one audited last.
	fa = hashes(a.Get("/admin/settings").Body)
	fz = hashes(z.Get("/admin/settings").Body)
	fa.Set("v.ci_sms_per_month", "11")
	fz.Set("v.ci_sms_per_month", "13")
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i, p := range []struct {
		b *testkit.Browser
		f url.Values
	}{{a, fa}, {z, fz}} {
		wg.Add(1)
		go func() { defer wg.Done(); codes[i] = p.b.PostRaw("/admin/settings", withCSRF(p.b, p.f)).StatusCode }()
	}
	wg.Wait()
	if codes[0] != 303 || codes[1] != 303 {
		t.Fatalf("simultaneous saves answered %v", codes)
	}
	hist, _ = env.Deps.Settings.Audit(context.Background(), "ci_sms_per_month", 10)
	v, _ := stored(t, env, "ci_sms_per_month", 0)
	if len(hist) != 4 || hist[0].New == nil || *hist[0].New != v {
		t.Fatalf("stored %q, audit %+v", v, hist)
	}
	if n := auditCount(t, env, "setting.set", ""); n != 5 {
		t.Fatalf("audit log has %d setting.set entries, want 5", n)
	}
}

// withCSRF adds the browser's current token to a form (PostRaw sends it as given).
func withCSRF(b *testkit.Browser, f url.Values) url.Values {
	out := url.Values{}
	for k, v := range f {
		out[k] = v
	}
	out.Set("csrf", b.CSRF())
	return out
}

func itoa(n int64) string { return strconvFormat(n) }
