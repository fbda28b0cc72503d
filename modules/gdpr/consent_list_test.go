package gdpr

import (
	"strings"
	"testing"

	"github.com/ispportal/portal/settings"
)

func TestGDPRTabGate(t *testing.T) {
	f := newFixture(t)
	b := f.env.Browser().LoginAs(f.a)
	fm := load(t, b, f.plain.ID)
	for _, c := range []struct {
		value  string
		status int
	}{{"1", 200}, {"0", 404}, {"1", 200}} {
		f.env.Set(settings.DisplayGDPRTab.Key, c.value)
		b.Get("/gdpr/").Expect(t, c.status)
		b.Get("/gdpr/"+itoa(f.mk.ID)).Expect(t, c.status)
		page := b.Get("/gdpr/__x/y")
		if has := strings.Contains(page.Body, `href="/gdpr"`); has != (c.value == "1") {
			t.Fatalf("setting %s: menu entry present=%v", c.value, has)
		}
		if c.value == "0" {
			// A post while the tab is off changes nothing.
			post(b, f.plain.ID, fm, "give").Expect(t, 404)
			if len(history(t, f.env, f.a, 0)) != 0 {
				t.Fatal("history written while the tab is off")
			}
		}
	}
}

func TestConsentListStates(t *testing.T) {
	f := newFixture(t)
	a := f.env.Browser().LoginAs(f.a)
	a.Get("/gdpr/").Expect(t, 200, "Marketing", "Data processing", "Not given", "Read and decide").Lacks(t, "Withdrawn")

	post(a, f.mk.ID, load(t, a, f.mk.ID), "give", f.mk.purposeID("E-mail"), f.mk.purposeID("Phone")).Expect(t, 303)
	post(a, f.plain.ID, load(t, a, f.plain.ID), "give").Expect(t, 303)
	post(a, f.plain.ID, load(t, a, f.plain.ID), "withdraw").Expect(t, 303)
	a.Get("/gdpr/").Expect(t, 200, "Given on 2026-11-02", "E-mail, Phone", "Withdrawn on 2026-11-02")

	a.Header.Set("Accept-Language", "cs")
	a.Get("/gdpr/").Expect(t, 200, "Souhlasy (GDPR)", "Udělen 2. 11. 2026", "Odvolán 2. 11. 2026")

	// Client B sees nothing of A's decisions.
	f.env.Browser().LoginAs(f.b).Get("/gdpr/").Expect(t, 200, "Not given").Lacks(t, "Given on", "Withdrawn on", "E-mail, Phone")
}
