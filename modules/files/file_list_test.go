package files

import (
	"strings"
	"testing"

	"github.com/ispportal/portal/settings"
)

func TestFilesTabGate(t *testing.T) {
	f := newFixture(t)
	b := f.env.Browser().LoginAs(f.c1)
	for _, c := range []struct {
		value  string
		status int
	}{{"1", 200}, {"0", 404}, {"1", 200}} {
		f.env.Set(settings.DisplayFilesTab.Key, c.value)
		b.Get("/files/").Expect(t, c.status)
		b.Get("/files/"+itoa(f.everybody)+"/download").Expect(t, c.status)
		page := b.Get("/files/__nothing")
		if has := strings.Contains(page.Body, `href="/files"`); has != (c.value == "1") {
			t.Fatalf("setting %s: menu entry present=%v", c.value, has)
		}
	}
}

func TestFilesVisibleByGroup(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name       string
		client     int64
		sees       []string
		notSees    []string
		group2File int
	}{
		{"group 1 client", f.c1, []string{"Price list", "All prices"}, []string{"Business terms"}, 404},
		{"group 2 client", f.c2, []string{"Price list", "Business terms"}, nil, 200},
		{"client without group", f.none, []string{"Price list"}, []string{"Business terms"}, 404},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := f.env.Browser().LoginAs(c.client)
			b.Get("/files/").Expect(t, 200, c.sees...).Lacks(t, c.notSees...)
			b.Get("/files/"+itoa(f.everybody)+"/download").Expect(t, 200, "PRICES FOR ALL")
			r := b.Get("/files/"+itoa(f.onlyGroup2)+"/download").Expect(t, c.group2File)
			if c.group2File == 404 && strings.Contains(r.Body, "BUSINESS ONLY") {
				t.Fatal("restricted content leaked")
			}
		})
	}
	b := f.env.Browser().LoginAs(f.c1)
	b.Header.Set("Accept-Language", "cs")
	b.Get("/files/").Expect(t, 200, "Soubory", "Stáhnout", "Price list")
	for _, p := range []string{"abc", "0", "-1", "99999999999999999999999", "424242", "1.0"} {
		b.Get("/files/"+p+"/download").Expect(t, 404)
	}
}
