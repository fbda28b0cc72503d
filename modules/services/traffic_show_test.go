package services

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/settings"
)

// TestTrafficGating covers ci_display_graph_tab × the tariff's "hide traffic" flag:
// the button and the page appear only when the setting is on and the tariff does
// not hide traffic, and the change applies without a restart.
func TestTrafficGating(t *testing.T) {
	f := newFixture(t)
	b := f.env.Browser().LoginAs(f.clientA)
	url := trafficURL(f.netIP)
	for _, tc := range []struct {
		name    string
		setting string
		hide    bool
		shown   bool
	}{
		{"on, tariff shows", "1", false, true},
		{"on, tariff hides", "1", true, false},
		{"off, tariff shows", "0", false, false},
		{"off, tariff hides", "0", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.env.Set(settings.DisplayGraphTab.Key, tc.setting)
			hide := "0"
			if tc.hide {
				hide = "1"
			}
			if _, err := f.env.Deps.DB.W.Exec(`UPDATE tariffs SET hide_traffic = ? WHERE id = ?`, hide, f.plain); err != nil {
				t.Fatal(err)
			}
			list := b.Get("/services").Expect(t, 200, "Internet Žižkov")
			button := `href="` + url + `"`
			if tc.shown {
				list.Expect(t, 200, button)
				b.Get(url).Expect(t, 200, "Data transferred: Internet Žižkov", "<svg")
				b.Get(url+"/year").Expect(t, 200, "Last 365 days")
			} else {
				list.Lacks(t, button)
				b.Get(url).Expect(t, 404)
				b.Get(url+"/year").Expect(t, 404)
			}
			// The FUP service (tariff never hides) follows the setting alone.
			fupButton := `href="` + trafficURL(f.netDHCP) + `"`
			if tc.setting == "1" {
				list.Expect(t, 200, fupButton)
			} else {
				list.Lacks(t, fupButton)
			}
		})
	}
}

// TestTrafficNotFound: only the client's own, non-terminated Internet services have a
// traffic page; every other id answers 404, never 403 or 500.
func TestTrafficNotFound(t *testing.T) {
	f := newFixture(t)
	b := f.env.Browser().LoginAs(f.clientA)
	b.Get(trafficURL(f.netIP)).Expect(t, 200)
	for _, path := range []string{
		trafficURL(f.other),      // client B's service
		trafficURL(f.tv),         // not Internet
		trafficURL(f.voip),       // not Internet
		trafficURL(f.terminated), // not shown in the list
		trafficURL(999999),
		"/services/abc/traffic",
		"/services/-1/traffic",
		"/services/+1/traffic",
		"/services/0/traffic",
		"/services/1e3/traffic",
		"/services/99999999999999999999999/traffic",
		"/services/9223372036854775808/traffic",
		"/services/" + strconv.FormatInt(f.netIP, 10) + "%20/traffic",
		trafficURL(f.netIP) + "/decade",
		trafficURL(f.netIP) + "/Day",
	} {
		b.Get(path).Expect(t, 404)
	}
	// And client B cannot reach client A's service.
	f.env.Browser().LoginAs(f.clientB).Get(trafficURL(f.netIP)).Expect(t, 404)
	f.env.Browser().LoginAs(f.clientB).Get(trafficURL(f.other)).Expect(t, 200, "Internet klienta B")
}

func TestTrafficEmptyGraph(t *testing.T) {
	f := newFixture(t)
	b := f.env.Browser().LoginAs(f.clientA)
	r := b.Get(trafficURL(f.netIP)).Expect(t, 200, "No traffic has been recorded for this service yet.",
		"No data transferred in this period.", "No traffic recorded.")
	// Each graph is drawn wide and for a phone.
	if n := strings.Count(r.Body, `<svg xmlns="http://www.w3.org/2000/svg" class="tg tg-wide"`); n != 4 || strings.Count(r.Body, `class="tg tg-narrow"`) != 4 {
		t.Fatalf("%d graphs, want 4 (day, week, month, year)", n)
	}
	b.Header.Set("Accept-Language", "cs")
	b.Get(trafficURL(f.netIP)+"/day").Expect(t, 200, "Pro tuto službu zatím nebyl zaznamenán žádný provoz.",
		"Posledních 24 hodin")
}

func TestTrafficShowsTotals(t *testing.T) {
	f := newFixture(t)
	now := f.env.Clock.Now()
	// 48 hours of 5-minute samples, 10 MB down and 1 MB up per interval.
	f.ingest(t, steady(f.netIP, now, 48*12, 10_000_000))
	b := f.env.Browser().LoginAs(f.clientA)
	r := b.Get(trafficURL(f.netIP)).Expect(t, 200, "<svg", "Totals", "Downloaded").
		Lacks(t, "No traffic has been recorded")
	// Last 24 hours: 288 intervals × 10 MB = 2.88 GB; the 7-day total holds all 576.
	for _, want := range []string{"2.9 GB", "5.8 GB", "576 MB", "6.3 GB"} {
		if !strings.Contains(r.Body, want) {
			t.Fatalf("totals lack %q", want)
		}
	}
	// One period alone: one graph, and the switcher marks it.
	one := b.Get(trafficURL(f.netIP)+"/week").Expect(t, 200, `aria-current="page">Last 7 days`, "5.8 GB")
	if n := strings.Count(one.Body, `class="tg tg-wide"`); n != 1 {
		t.Fatalf("%d graphs on the week page", n)
	}
	// Czech number style.
	b.Header.Set("Accept-Language", "cs")
	b.Get(trafficURL(f.netIP)).Expect(t, 200, "2,9 GB", "Staženo")
	// The other client's page of their own service shows none of it.
	f.env.Browser().LoginAs(f.clientB).Get(trafficURL(f.other)).Expect(t, 200, "No traffic has been recorded").
		Lacks(t, "2.9 GB")
	_ = time.Second
}
