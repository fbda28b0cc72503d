package main

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
)

// rawKey is a translation key printed as text: a jump-list entry whose label nobody
// translated (the card's links come from every module's declared section).
var rawKey = regexp.MustCompile(`>\s*[a-z]+(\.[a-z0-9_]+){2,}\s*<`)

// Every entry of the client card's jump list is a translated label, in both
// languages, whichever modules declare card sections.
func TestClientCardLinksTranslated(t *testing.T) {
	env := testkit.New(t, modules...)
	id := env.AddClient("7001", 0)
	admin := env.StaffBrowser(core.RoleAdmin)
	for _, lang := range []string{"en", "cs"} {
		admin.Header.Set("Accept-Language", lang)
		page := admin.Get("/admin/clients/"+strconv.FormatInt(id, 10)).Expect(t, 200, `href="#c-payments"`, `href="#c-notify"`)
		if m := rawKey.FindString(page.Body); m != "" {
			t.Errorf("%s: untranslated label %s on the client card", lang, m)
		}
	}
}
