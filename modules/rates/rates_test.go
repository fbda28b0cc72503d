package rates_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/rates"
	"github.com/ispportal/portal/modules/services"
)

func TestParseAndFormatPrice(t *testing.T) {
	for in, want := range map[string]int64{"0.49": 490_000, "12": 12_000_000, "0.000001": 1, "999999.999999": 999_999_999_999} {
		if got, err := rates.ParsePrice(in); err != nil || got != want {
			t.Errorf("ParsePrice(%q) = %d, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "-1", "1,5", "1.", ".5", "1.1234567", "1e3", "1000000"} {
		if _, err := rates.ParsePrice(bad); err == nil {
			t.Errorf("ParsePrice(%q) accepted", bad)
		}
	}
	if s := rates.FormatPrice(490_000, ","); s != "0,49" {
		t.Errorf("FormatPrice = %q", s)
	}
	if s := rates.FormatPrice(1_234_500, "."); s != "1.2345" {
		t.Errorf("FormatPrice = %q", s)
	}
}

func TestRatesPushAndPage(t *testing.T) {
	e := testkit.New(t, services.New, rates.New, admin.New, api.New).API()
	sid := e.Admin()
	e.AddClients(sid)
	e.Call(sid, "tariffs.add", map[string]any{"external_id": "T-HOME", "name": "Home voice", "kind": "voip"}).OK(t, nil)
	e.Call(sid, "tariffs.add", map[string]any{"external_id": "T-BIZ", "name": "Business voice", "kind": "voip"}).OK(t, nil)
	e.Call(sid, "services.add", map[string]any{"external_id": "S-A", "client_external_id": "C1", "tariff_external_id": "T-HOME", "name": "Line"}).OK(t, nil)
	e.Call(sid, "services.add", map[string]any{"external_id": "S-B", "client_external_id": "C2", "tariff_external_id": "T-BIZ", "name": "Line"}).OK(t, nil)

	var rs []map[string]any
	for i := range 120 {
		rs = append(rs, map[string]any{"prefix": fmt.Sprintf("42060%03d", i), "destination": fmt.Sprintf("Mobile zone %03d", i),
			"price": fmt.Sprintf("0.%02d", i%100), "first_increment": 60, "next_increment": 1, "effective_from": "2026-01-01"})
	}
	rs = append(rs, map[string]any{"prefix": "4930", "destination": "Germany – Berlin", "price": "1.2", "connection_fee": "0.5", "effective_from": "2027-01-01"})
	var res rates.PushResult
	push := func(list map[string]any, rs []map[string]any) testkit.Answer {
		return e.RPC(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "rates.push", "params": map[string]any{"list": list, "rates": rs}}, "X-Session-Id", sid)
	}
	home := map[string]any{"external_id": "PL-HOME", "name": "Home calls", "tariff_external_id": "T-HOME"}
	push(home, rs).OK(t, &res)
	if !res.Created || res.Stored != 121 {
		t.Fatalf("push %+v", res)
	}
	push(home, rs[:5]).OK(t, &res) // a resend changes nothing
	if res.Created || e.Count(`SELECT COUNT(*) FROM rates`) != 121 {
		t.Fatalf("resend %+v, %d rates", res, e.Count(`SELECT COUNT(*) FROM rates`))
	}
	push(map[string]any{"external_id": "PL-BIZ", "name": "Business calls", "tariff_external_id": "T-BIZ"},
		[]map[string]any{{"prefix": "1", "destination": "Secret business rate USA", "price": "0.01", "effective_from": "2026-01-01"}}).OK(t, nil)
	// Bad rates name their path and store nothing.
	push(home, []map[string]any{rs[0], {"prefix": "+49", "destination": "x", "price": "1", "effective_from": "2026-01-01"}}).Refused(t, "invalid", "rates[1].prefix")
	push(home, []map[string]any{{"prefix": "49", "destination": "x", "price": "1", "effective_from": "1.1.2026"}}).Fails(t, rpc.CodeInvalidParams, "rates[0].effective_from")
	push(home, []map[string]any{rs[0], {"prefix": "49", "destination": "x", "price": "-1", "effective_from": "2026-01-01"}}).Refused(t, "invalid", "rates[1].price")
	push(map[string]any{"external_id": "PL-NEW", "name": "x"}, []map[string]any{{"prefix": "49", "destination": "x", "price": "1", "connection_fee": "a", "effective_from": "2026-01-01"}}).Refused(t, "invalid", "rates[0].connection_fee")
	if e.Count(`SELECT COUNT(*) FROM rate_lists WHERE external_id = 'PL-NEW'`) != 0 {
		t.Fatal("a refused push stored its list")
	}
	var lists rates.ListsResult
	e.Call(sid, "rates.lists", nil).OK(t, &lists)
	if len(lists.Lists) != 2 || lists.Lists[1].Rates != 121 {
		t.Fatalf("lists %+v", lists)
	}

	c1 := int64(e.Count(`SELECT id FROM clients WHERE external_id = 'C1'`))
	alice := e.Browser().LoginAs(c1)
	p := alice.Get("/rates/").Expect(t, 200, "Home calls", "121 rates", "&#43;42060000", "0.00\u00a0CZK", "60/1", `aria-sort="ascending"`).
		Lacks(t, "Secret business", "Mobile zone 050")
	if strings.Count(p.Body, "<tr>") != 51 {
		t.Fatalf("page has %d rows", strings.Count(p.Body, "<tr>")-1)
	}
	alice.Get("/rates/?page=3").Expect(t, 200, "Mobile zone 100", "Germany").Lacks(t, "Mobile zone 099")
	alice.Get("/rates/?q=berlin").Expect(t, 200, "1 rates", "1.20\u00a0CZK", "0.50\u00a0CZK", "upcoming")
	alice.Get("/rates/?q=%2B4206011").Expect(t, 200, "10 rates", "Mobile zone 119")
	alice.Get("/rates/?q=100%25").Expect(t, 200, "No rate matches")
	alice.Get("/rates/?sort=price&desc=1").Expect(t, 200, `aria-sort="descending"`, "1.20\u00a0CZK")
	alice.Get("/rates/?sort=destination").Expect(t, 200, "Germany")
	alice.Header.Set("Accept-Language", "cs")
	alice.Get("/rates/?q=berlin").Expect(t, 200, "Cena za minutu", "1,20\u00a0CZK", "připravovaná")
	// Another tariff's list, by id: the client's own list instead.
	biz := e.Count(`SELECT id FROM rate_lists WHERE external_id = 'PL-BIZ'`)
	alice.Get(fmt.Sprintf("/rates/?list=%d", biz)).Expect(t, 200, "Home calls").Lacks(t, "Secret business")
	bob := e.Browser().LoginAs(int64(e.Count(`SELECT id FROM clients WHERE external_id = 'C2'`)))
	bob.Get("/rates/").Expect(t, 200, "Secret business").Lacks(t, "Mobile zone")

	var del rpc.Deleted
	e.Call(sid, "rates.delete", map[string]any{"external_id": "PL-BIZ"}).OK(t, &del)
	e.Call(sid, "rates.delete", map[string]any{"external_id": "PL-BIZ"}).OK(t, &del)
	if del.Deleted {
		t.Fatal("second delete deleted")
	}
	bob.Get("/rates/").Expect(t, 200, "No price list applies")
	e.Set("ci_display_rates_tab", "0")
	bob.Get("/rates/").Expect(t, 404)
}
