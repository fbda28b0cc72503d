package usage_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/services"
	"github.com/ispportal/portal/modules/usage"
)

// fixture: clients C1 (Alice, service VOIP-A) and C2 (Bob, service VOIP-B) fed
// through the API, as the billing system would.
type fixture struct {
	*testkit.API
	sid    string
	c1, c2 int64
	svcA   int64
	now    time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	e := testkit.New(t, services.New, usage.New, admin.New, api.New).API()
	f := &fixture{API: e, sid: e.Admin(), now: e.Clock.Now()}
	e.AddClients(f.sid)
	e.Call(f.sid, "tariffs.add", map[string]any{"external_id": "T-V", "name": "Voice", "kind": "voip"}).OK(t, nil)
	var s rpc.Saved
	e.Call(f.sid, "services.add", map[string]any{"external_id": "VOIP-A", "client_external_id": "C1", "tariff_external_id": "T-V", "name": "Alice's line"}).OK(t, &s)
	f.svcA = s.ID
	e.Call(f.sid, "services.add", map[string]any{"external_id": "VOIP-B", "client_external_id": "C2", "tariff_external_id": "T-V", "name": "Bob's line"}).OK(t, nil)
	f.c1 = int64(e.Count(`SELECT id FROM clients WHERE external_id = 'C1'`))
	f.c2 = int64(e.Count(`SELECT id FROM clients WHERE external_id = 'C2'`))
	return f
}

// rec is a valid call record of a service, minutes before the fixture's now.
func (f *fixture) rec(ext, svc string, minutesAgo int) map[string]any {
	return map[string]any{"external_id": ext, "service_external_id": svc, "at": f.now.Add(-time.Duration(minutesAgo) * time.Minute).Format(time.RFC3339),
		"type": "call", "destination": "+420 601 000 " + ext, "quantity": 125, "unit": "s", "rate": "0.49", "cost": 147, "currency": "CZK"}
}

func (f *fixture) push(recs ...map[string]any) testkit.Answer {
	// Over 64 KB a call must name its session in the header.
	return f.RPC(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "usage.push", "params": map[string]any{"records": recs}}, "X-Session-Id", f.sid)
}

func TestPushIsIdempotentAndStrict(t *testing.T) {
	f := newFixture(t)
	var res usage.PushResult
	f.push(f.rec("R1", "VOIP-A", 10), f.rec("R2", "VOIP-A", 20), f.rec("R3", "VOIP-B", 5)).OK(t, &res)
	if res.Stored != 3 || f.Count(`SELECT COUNT(*) FROM usage_records`) != 3 {
		t.Fatalf("stored %+v", res)
	}
	// A resend replaces: same rows, new values.
	r1 := f.rec("R1", "VOIP-A", 10)
	r1["cost"] = 200
	f.push(r1, f.rec("R2", "VOIP-A", 20)).OK(t, &res)
	if f.Count(`SELECT COUNT(*) FROM usage_records`) != 3 || f.Count(`SELECT cost FROM usage_records WHERE external_id = 'R1'`) != 200 {
		t.Fatal("resend did not replace")
	}
	if f.AuditCount("api.usage.push", "api:boss") != 2 {
		t.Fatal("push not audited")
	}

	// Each bad record fails the whole call, naming the record by its path; nothing
	// of the call is stored.
	bad := func(field string, v any) map[string]any {
		r := f.rec("NEW", "VOIP-A", 1)
		r[field] = v
		return r
	}
	cases := []struct {
		name  string
		rec   map[string]any
		code  int // 0: refused with kind
		kind  string
		field string
	}{
		{"wrong unit for a call", bad("unit", "GB"), 0, "invalid", "records[1].unit"},
		{"unknown unit", bad("unit", "parsecs"), rpc.CodeInvalidParams, "", "records[1].unit"},
		{"negative quantity", bad("quantity", -5), 0, "invalid", "records[1].quantity"},
		{"huge quantity", bad("quantity", 99_000_000), 0, "invalid", "records[1].quantity"},
		{"quantity not an integer", bad("quantity", 1.5), rpc.CodeInvalidParams, "", "records[1].quantity"},
		{"unknown service", bad("service_external_id", "NOPE"), 0, "invalid", "records[1].service_external_id"},
		{"unknown type", bad("type", "fax"), rpc.CodeInvalidParams, "", "records[1].type"},
		{"bad rate", bad("rate", "1,5"), 0, "invalid", "records[1].rate"},
		{"time far ahead", bad("at", f.now.AddDate(0, 1, 0).Format(time.RFC3339)), 0, "invalid", "records[1].at"},
		{"cost beyond money", bad("cost", int64(1)<<60), rpc.CodeInvalidParams, "", "records[1].cost"},
		{"unknown field", bad("colour", "red"), rpc.CodeInvalidParams, "", "records[1].colour"},
		{"other client's external id", f.rec("R3", "VOIP-A", 1), 0, "conflict", "records[1].external_id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := f.push(f.rec("OK-FIRST", "VOIP-A", 2), c.rec)
			if c.code != 0 {
				a.Fails(t, c.code, c.field)
			} else {
				a.Refused(t, c.kind, c.field)
			}
			if n := f.Count(`SELECT COUNT(*) FROM usage_records WHERE external_id IN ('OK-FIRST', 'NEW')`); n != 0 {
				t.Fatalf("a refused call stored %d records", n)
			}
		})
	}
	if f.Count(`SELECT client_id FROM usage_records WHERE external_id = 'R3'`) != int(f.c2) {
		t.Fatal("another client's record was taken over")
	}
	f.Call(f.sid, "usage.push", map[string]any{"records": []any{}}).Fails(t, rpc.CodeInvalidParams, "records")

	// The machine account may push; read-only staff may not.
	ro := f.LoginRole("reader", "readonly")
	f.Call(ro, "usage.push", map[string]any{"records": []any{f.rec("X", "VOIP-A", 1)}}).Fails(t, rpc.CodeForbidden)
}

func TestListAPIPagesByCursor(t *testing.T) {
	f := newFixture(t)
	recs := make([]map[string]any, 0, 1500)
	for i := range 1500 {
		recs = append(recs, f.rec("L"+strconv.Itoa(i), "VOIP-A", i+1))
	}
	f.push(recs...).OK(t, nil)
	f.push(f.rec("B1", "VOIP-B", 1)).OK(t, nil)
	from, to := f.now.AddDate(0, 0, -3).Format("2006-01-02"), f.now.AddDate(0, 0, 1).Format("2006-01-02")
	var page usage.ListResult
	f.Call(f.sid, "usage.list", map[string]any{"client_external_id": "C1", "from": from, "to": to}).OK(t, &page)
	if len(page.Records) != 1000 || page.Records[0].ExternalID != "L0" || page.Records[0].ServiceExternalID != "VOIP-A" {
		t.Fatalf("first page: %d records, first %+v", len(page.Records), page.Records[0])
	}
	var next usage.ListResult
	f.Call(f.sid, "usage.list", map[string]any{"client_external_id": "C1", "from": from, "to": to, "after": page.Records[999].Cursor}).OK(t, &next)
	if len(next.Records) != 500 || next.Records[0].ExternalID != "L1000" {
		t.Fatalf("second page: %d records", len(next.Records))
	}
	for _, r := range append(page.Records, next.Records...) {
		if r.ExternalID == "B1" {
			t.Fatal("another client's record listed")
		}
	}
	f.Call(f.sid, "usage.list", map[string]any{"client_external_id": "NOPE", "from": from, "to": to}).Refused(t, "not_found")
}

func TestSubscriberPages(t *testing.T) {
	f := newFixture(t)
	var recs []map[string]any
	for i := range 60 {
		recs = append(recs, f.rec(fmt.Sprintf("P%02d", i), "VOIP-A", i+1))
	}
	sms := f.rec("SMS1", "VOIP-A", 0)
	sms["type"], sms["unit"], sms["quantity"], sms["rate"], sms["cost"], sms["destination"] = "sms", "msg", 1, "1.50", 150, "777 111 222"
	f.push(append(recs, sms)...).OK(t, nil)
	f.push(f.rec("BOB1", "VOIP-B", 5)).OK(t, nil)
	from, to := f.now.AddDate(0, 0, -5).Format("2006-01-02"), f.now.Format("2006-01-02")
	q := "?from=" + from + "&to=" + to

	alice := f.Browser().LoginAs(f.c1)
	// Summary: calls and SMS of the service in separate rows, counts and sums.
	alice.Get("/usage/"+q).Expect(t, 200, "Alice&#39;s line", "Call", "SMS", "7,500\u00a0s", "60\u00a0×", "88.20", "1.50", "Download CSV")
	alice.Get("/usage/"+q+"&group=day").Expect(t, 200, f.now.Format("2006-01-02"))
	alice.Get("/usage/"+q+"&type=sms").Expect(t, 200, "1.50").Lacks(t, "88.20")

	// Detailed: 25 a page, newest first, with the rate, keyset links.
	p1 := alice.Get("/usage/detail"+q).Expect(t, 200, "777 111 222", "0.49\u00a0CZK/s", "Older records")
	if strings.Count(p1.Body, "<tr>") != 26 {
		t.Fatalf("page 1 has %d rows", strings.Count(p1.Body, "<tr>")-1)
	}
	next := between(p1.Body, "after=", `"`)
	p2 := alice.Get("/usage/detail"+q+"&after="+next).Expect(t, 200, "Newest records", "P24")
	p3 := alice.Get("/usage/detail"+q+"&after="+between(p2.Body, "after=", `"`)).Expect(t, 200, "P59")
	if strings.Count(p3.Body, "<tr>") != 12 || strings.Contains(p3.Body, "Older records") {
		t.Fatalf("last page has %d rows", strings.Count(p3.Body, "<tr>")-1)
	}
	alice.Get("/usage/detail"+q+"&after=garbage").Expect(t, 200, "777 111 222")

	// Czech.
	alice.Header.Set("Accept-Language", "cs")
	alice.Get("/usage/detail"+q).Expect(t, 200, "Podrobná spotřeba", "0,49\u00a0CZK/s", "Hovor")
	alice.Header.Del("Accept-Language")

	// CSV: every record of the filter, with a header.
	csv := alice.Get("/usage/export.csv"+q).Expect(t, 200, "time,service,type,destination,quantity,unit,rate,cost,currency,external_id")
	if n := strings.Count(csv.Body, "\n"); n != 62 || !strings.Contains(csv.Body, ",1.47,CZK,P00") {
		t.Fatalf("CSV has %d lines:\n%s", n, csv.Body[:200])
	}
	if ct := csv.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("content type %q", ct)
	}

	// Bad dates: a message in the form, 422, defaults used.
	alice.Get("/usage/?from=2026-13-01").Expect(t, 422, "Enter a date")
	alice.Get("/usage/detail?from="+to+"&to="+from).Expect(t, 422, "before its start")
	alice.Get("/usage/export.csv?from=yesterday").Expect(t, 400)

	// Another client sees none of it, even naming Alice's service.
	bob := f.Browser().LoginAs(f.c2)
	svc := "&service=" + strconv.FormatInt(f.svcA, 10)
	bob.Get("/usage/detail"+q).Expect(t, 200, "BOB1").Lacks(t, "P00", "777 111 222")
	bob.Get("/usage/detail"+q+svc).Expect(t, 200, "No usage").Lacks(t, "P00")
	bob.Get("/usage/"+q+svc).Expect(t, 200, "No usage").Lacks(t, "Alice")
	if body := bob.Get("/usage/export.csv" + q + svc).Body; strings.Count(body, "\n") != 1 {
		t.Fatalf("Bob's CSV of Alice's service: %q", body)
	}
	if body := bob.Get("/usage/export.csv" + q).Body; strings.Contains(body, "P00") || !strings.Contains(body, "BOB1") {
		t.Fatalf("Bob's CSV: %q", body)
	}

	// Logged out: to the login; the setting off: 404 and no menu entry.
	f.Browser().Get("/usage/detail").Expect(t, 303)
	alice.Get("/services/").Expect(t, 200, `href="/usage"`)
	f.Set("ci_display_usage_tab", "0")
	alice.Get("/usage/detail").Expect(t, 404)
	alice.Get("/usage/export.csv").Expect(t, 404)
	alice.Get("/services/").Expect(t, 200).Lacks(t, `href="/usage"`)
}

func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(rest, to)
	return v
}
