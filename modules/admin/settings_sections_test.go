package admin_test

import (
	"fmt"
	"net/url"
	"regexp"
	"testing"

	"github.com/ispportal/portal/settings"
)

// TestSettingsSectionsLanguageAndSource: the settings page lists its sections as
// anchors, saves each section on its own, shows every label and help in the staff
// member's language (Czech with no registry English left), finds a setting by a Czech
// word, and says what value is in force and where it comes from (default, all
// clients, the invoice group).
func TestSettingsSectionsLanguageAndSource(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	g := env.AddGroup("Business")
	b := adminBrowser(t, env, "boss")
	page := b.Get("/admin/settings").Expect(t, 200, `href="#sec-general"`, `href="#sec-mail"`, `<form method="post" action="/admin/settings" class="stack" id="sec-mail"`,
		"Save Mail", "Save Security", "In force", "the default")
	if n := len(regexp.MustCompile(`<form method="post" action="/admin/settings"`).FindAllString(page.Body, -1)); n != 8 {
		t.Fatalf("%d section forms, want 8", n)
	}

	// Saving the Mail section alone: only its field changes.
	form := hashes(page.Body)
	f := url.Values{"v.smtp_host": {"mail.isp.example"}, "h.smtp_host": {form.Get("h.smtp_host")}, "v.smtp_port": {"587"},
		"h.smtp_port": {form.Get("h.smtp_port")}}
	b.Post("/admin/settings", f).Expect(t, 303)
	if v, ok := stored(t, env, "smtp_host", 0); !ok || v != "mail.isp.example" {
		t.Fatalf("smtp_host %q %v", v, ok)
	}
	if _, ok := stored(t, env, "ci_display_invoices_tab", 0); ok {
		t.Fatal("a setting of another section was written")
	}
	b.Get("/admin/settings?q=smtp_host").Expect(t, 200, "<code>mail.isp.example</code> · set for all clients")

	// Czech: labels, help, sections, the source; no registry English.
	b.Header.Set("Accept-Language", "cs")
	cz := b.Get("/admin/settings").Expect(t, 200, "Oddíly", "Systémová e-mailová adresa", "Uložit oddíl E-mail", "Platí", "výchozí hodnota")
	same := map[string]bool{"SMPP port": true, "SMPP system id": true, "SMTP server": true, "SMTP port": true} // Czech says it so too
	for _, d := range settings.All() {
		for _, en := range []string{d.Label, d.Help} {
			if en != "" && !same[en] && regexp.MustCompile(regexp.QuoteMeta(htmlEscape(en))).MatchString(cz.Body) {
				t.Errorf("Czech settings page shows the English text of %s: %q", d.Key, en)
			}
		}
	}
	b.Get("/admin/settings?q="+url.QueryEscape("pozastaven")).Expect(t, 200, "v.ci_portal_suspended").Lacks(t, "v.smtp_host")

	// Per group: the global value, then the group's own.
	b.Header.Set("Accept-Language", "en")
	b.Post("/admin/settings", url.Values{"v.ci_contact_text": {"<p>Call us</p>"}, "h.ci_contact_text": {form.Get("h.ci_contact_text")}}).Expect(t, 303)
	grp := fmt.Sprintf("/admin/settings?group=%d&q=ci_contact_text", g)
	gp := b.Get(grp).Expect(t, 200, "set for all clients")
	b.Post("/admin/settings", url.Values{"group": {fmt.Sprint(g)}, "q": {"ci_contact_text"}, "inherit.ci_contact_text": {"0"},
		"v.ci_contact_text": {"<p>Business line</p>"}, "h.ci_contact_text": {hashes(gp.Body).Get("h.ci_contact_text")}}).Expect(t, 303)
	b.Get(grp).Expect(t, 200, "set for this invoice group", "Business line")
}

// htmlEscape is how the template shows a text.
func htmlEscape(s string) string {
	r := regexp.MustCompile(`[&<>"']`)
	return r.ReplaceAllStringFunc(s, func(c string) string {
		return map[string]string{"&": "&amp;", "<": "&lt;", ">": "&gt;", `"`: "&#34;", "'": "&#39;"}[c]
	})
}
