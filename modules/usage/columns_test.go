package usage_test

import (
	"net/url"
	"strings"
	"testing"
)

// Staff choose the columns offered (ci_usage_columns); each subscriber hides some of
// those for themselves only.
func TestReportColumns(t *testing.T) {
	f := newFixture(t)
	f.push(f.rec("R1", "VOIP-A", 10)).OK(t, nil)
	alice := f.Browser().LoginAs(f.c1)
	alice.Get("/usage/detail").Expect(t, 200, "Reference", "Rate", `name="show" value="rate"`)

	// Staff: no Reference column for anybody.
	f.Set("ci_usage_columns", "time, service, type, destination, quantity, rate, cost, period, count")
	alice.Get("/usage/detail").Expect(t, 200, "Rate").Lacks(t, "Reference", `value="external_id"`)

	// Alice hides the rate of the Detailed list for herself.
	alice.Post("/usage/columns", url.Values{"report": {"detail"}, "show": {"time", "service", "type", "destination", "quantity", "cost"}}).Expect(t, 303)
	alice.Get("/usage/detail").Expect(t, 200, `value="rate">`).Lacks(t, `data-label="Rate"`)
	alice.Get("/usage").Expect(t, 200, `data-label="Records"`) // the Summary keeps its columns
	// Her CSV export holds what her Detailed list shows: no rate, no reference; the
	// cost keeps its currency.
	csv := alice.Get("/usage/export.csv").Expect(t, 200, "time,service,type,destination,quantity,unit,cost,currency\n")
	if strings.Contains(csv.Body, "external_id") || strings.Contains(csv.Body, ",rate,") {
		t.Fatalf("CSV shows a hidden column:\n%s", csv.Body)
	}
	// Another client of the same portal keeps every column.
	f.push(f.rec("R2", "VOIP-B", 10)).OK(t, nil)
	f.Browser().LoginAs(f.c2).Get("/usage/detail").Expect(t, 200, `data-label="Rate"`)

	// Bad input: a column that is not the report's.
	alice.Post("/usage/columns", url.Values{"report": {"summary"}, "show": {"destination"}}).Expect(t, 400)
	alice.Post("/usage/columns", url.Values{"report": {"summary"}, "show": {"nonsense"}}).Expect(t, 400)
	if f.Count(`SELECT count(*) FROM usage_hidden_columns`) != 1 {
		t.Fatal("a refused form was stored")
	}
}

// Each person of an account has their own columns; a read-only person is not offered
// the form and changes nothing (the app's role table refuses the POST).
func TestReportColumnsPerPerson(t *testing.T) {
	f := newFixture(t)
	f.push(f.rec("R1", "VOIP-A", 10)).OK(t, nil)
	tech := f.Browser().LoginAsPerson(f.c1, 41, "petr", "technical")
	tech.Get("/usage/detail").Expect(t, 200, `name="show" value="rate"`)
	tech.Post("/usage/columns", url.Values{"report": {"detail"}, "show": {"time", "cost"}}).Expect(t, 303)
	tech.Get("/usage/detail").Expect(t, 200).Lacks(t, `data-label="Rate"`)
	// The holder keeps every column.
	f.Browser().LoginAs(f.c1).Get("/usage/detail").Expect(t, 200, `data-label="Rate"`)
	ro := f.Browser().LoginAsPerson(f.c1, 42, "oko", "readonly")
	ro.Get("/usage/detail").Expect(t, 200, `data-label="Rate"`).Lacks(t, `name="show"`)
	ro.Post("/usage/columns", url.Values{"report": {"detail"}, "show": {"time"}}).Expect(t, 403)
	billing := f.Browser().LoginAsPerson(f.c1, 43, "jana", "billing")
	billing.Get("/usage/detail").Expect(t, 403)
	if f.Count(`SELECT count(*) FROM usage_hidden_columns`) != 1 {
		t.Fatal("want the technician's row only")
	}
}

// A staff value naming a column that does not exist is refused by the registry.
func TestReportColumnsSettingValidates(t *testing.T) {
	f := newFixture(t)
	if err := f.Deps.Settings.Set(t.Context(), "ci_usage_columns", 0, "time, nonsense", "test"); err == nil {
		t.Fatal("an unknown column was accepted")
	}
	if err := f.Deps.Settings.Set(t.Context(), "ci_usage_columns", 0, "time, time", "test"); err == nil {
		t.Fatal("a column twice was accepted")
	}
}
