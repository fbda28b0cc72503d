package documents

import (
	"testing"

	"github.com/ispportal/portal/settings"
)

func TestDocumentsTabGate(t *testing.T) {
	f := newFixture(t)
	b := f.env.Browser().LoginAs(f.a)
	for _, c := range []struct {
		value  string
		status int
	}{{"1", 200}, {"0", 404}, {"1", 200}} {
		f.env.Set(settings.DisplayDocumentsTab.Key, c.value)
		r := b.Get("/documents/")
		r.Expect(t, c.status)
		b.Get("/documents/"+itoa(f.shown)+"/download").Expect(t, c.status)
		// The menu on another page shows the tab exactly when it is on.
		page := b.Get("/documents/__nothing")
		if has := contains(page.Body, `href="/documents"`); has != (c.value == "1") {
			t.Fatalf("setting %s: menu entry present=%v", c.value, has)
		}
	}
}

func TestDocumentListShowsOnlyOwnVisible(t *testing.T) {
	f := newFixture(t)
	a := f.env.Browser().LoginAs(f.a)
	a.Get("/documents/").Expect(t, 200, "Contract A", "Contract", "/documents/"+itoa(f.shown)+"/download").
		Lacks(t, "Secret protocol", "Contract B")
	a.Header.Set("Accept-Language", "cs")
	a.Get("/documents/").Expect(t, 200, "Dokumenty", "Smlouva", "Stáhnout", "Contract A")

	b := f.env.Browser().LoginAs(f.b)
	b.Get("/documents/").Expect(t, 200, "Contract B").Lacks(t, "Contract A", "Secret protocol")

	// A client with no documents sees a clear empty state, in both languages.
	c := f.env.Browser().LoginAs(f.env.AddClient("5003", 0))
	c.Get("/documents/").Expect(t, 200, "There are no documents for you yet.")
	c.Header.Set("Accept-Language", "cs")
	c.Get("/documents/").Expect(t, 200, "Zatím tu pro vás nejsou žádné dokumenty.")

	// Without a session the list is not shown.
	r := f.env.Browser().Get("/documents/")
	if r.StatusCode != 303 {
		t.Fatalf("anonymous: %d", r.StatusCode)
	}
}
