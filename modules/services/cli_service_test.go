package services

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"
)

func TestTariffAndServiceCommands(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	out, _, err := runCmd(t, f, "tariff add", "--name", "Rychlý 500", "--price", "649,50", "--down", "500000", "--up", "100000",
		"--fup-limit", "200GB", "--fup-period", "week", "--fup-down", "5000", "--fup-up", "1000", "--external-id", "bill-t-500")
	if err != nil || !strings.Contains(out, "saved: Rychlý 500") {
		t.Fatalf("tariff add: %q %v", out, err)
	}
	tr, err := TariffByExternalID(ctx, f.env.Deps.DB.R, "bill-t-500")
	if err != nil || tr.Price != 64950 || tr.FUPLimit != 200_000_000_000 || tr.FUPPeriod != FUPWeek || tr.DownKbit != 500_000 {
		t.Fatalf("tariff %+v %v", tr, err)
	}
	// Same external id again: the tariff is updated, not duplicated.
	if _, _, err := runCmd(t, f, "tariff add", "--name", "Rychlý 500+", "--external-id", "bill-t-500", "--hide-traffic"); err != nil {
		t.Fatal(err)
	}
	if tr2, _ := TariffByExternalID(ctx, f.env.Deps.DB.R, "bill-t-500"); tr2.ID != tr.ID || !tr2.HideTraffic || tr2.Name != "Rychlý 500+" {
		t.Fatalf("update: %+v", tr2)
	}
	list, _, _ := runCmd(t, f, "tariff list")
	if !strings.Contains(list, "Rychlý 500+") || !strings.Contains(list, "Optika 300") {
		t.Fatalf("tariff list:\n%s", list)
	}

	out, _, err = runCmd(t, f, "service add", "--client", "5002", "--tariff", "bill-t-500", "--name", "Druhá přípojka",
		"--dhcp", "--ip", "192.0.2.200", "--address", "Dlouhá 1", "--activated", "2025-05-01", "--price", "500",
		"--param", "VLAN=42", "--param", "DNS = 192.0.2.53", "--external-id", "bill-s-9")
	if err != nil || !strings.Contains(out, "saved: Druhá přípojka") {
		t.Fatalf("service add: %q %v", out, err)
	}
	s, err := ServiceByExternalID(ctx, f.env.Deps.DB.R, "bill-s-9")
	if err != nil || s.ClientID != f.clientB || !s.DHCP || s.Kind != KindInternet || s.Price() != 50000 || s.ActivatedOn != "2025-05-01" {
		t.Fatalf("service %+v %v", s, err)
	}
	if ps, _ := ServiceParams(ctx, f.env.Deps.DB.R, s.ID); len(ps) != 2 || ps[1] != (Param{"DNS", "192.0.2.53"}) {
		t.Fatalf("params %+v", ps)
	}
	list, _, err = runCmd(t, f, "service list", "5002")
	if err != nil || !strings.Contains(list, "Druhá přípojka") || !strings.Contains(list, "DHCP (192.0.2.200)") ||
		!strings.Contains(list, "Internet klienta B") || strings.Contains(list, "Internet Žižkov") {
		t.Fatalf("service list:\n%s %v", list, err)
	}
	// Client B's page now shows the new service with "Via DHCP".
	f.env.Browser().LoginAs(f.clientB).Get("/services").Expect(t, 200, "Druhá přípojka", "Via DHCP", "CZK\u00a0500.00").
		Lacks(t, "192.0.2.200")

	for _, tc := range []struct {
		cmd  string
		args []string
		want string
	}{
		{"tariff add", []string{"--price", "1"}, "name is required"},
		{"tariff add", []string{"--name", "X", "--kind", "radio"}, "kind"},
		{"tariff add", []string{"--name", "X", "--price", "lots"}, "price"},
		{"tariff add", []string{"--name", "X", "--price", "10000000000.01"}, "10,000,000,000.00"},
		{"service add", []string{"--client", "5001", "--tariff", "bill-t-500", "--name", "X", "--price", "99999999999"}, "10,000,000,000.00"},
		{"tariff add", []string{"--name", "X", "--fup-limit", "much"}, "size"},
		{"tariff add", []string{"--name", "X", "--fup-limit", "1GB", "--fup-period", "year"}, "FUP period"},
		{"tariff add", []string{"--name", "X", "stray"}, "unexpected argument"},
		{"service add", []string{"--name", "X"}, "--client and --tariff are required"},
		{"service add", []string{"--client", "9999", "--tariff", "bill-t-500", "--name", "X"}, "client"},
		{"service add", []string{"--client", "5001", "--tariff", "nope", "--name", "X"}, "tariff"},
		{"service add", []string{"--client", "5001", "--tariff", "bill-t-500", "--name", "X", "--ip", "300.1.1.1"}, "IP address"},
		{"service add", []string{"--client", "5001", "--tariff", "bill-t-500", "--name", "X", "--activated", "1.5.2025"}, "YYYY-MM-DD"},
		{"service add", []string{"--client", "5001", "--tariff", "bill-t-500", "--name", "X", "--param", "novalue"}, "Name=Value"},
		{"service list", nil, "usage"},
		{"service list", []string{"9999"}, "not found"},
	} {
		if _, _, err := runCmd(t, f, tc.cmd, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: error %v, want %q", tc.cmd, tc.args, err, tc.want)
		}
	}
}

func TestDeleteServiceRemovesTraffic(t *testing.T) {
	f := newFixture(t)
	now := f.env.Clock.Now()
	f.ingest(t, steady(f.netIP, now, 12, 1000))
	f.env.Tx(func(tx *sql.Tx) error { return DeleteService(context.Background(), tx, f.netIP) })
	st := TrafficStore(f.env.Deps)
	if d, _, _ := st.Usage(context.Background(), f.netIP, now.Add(-2*time.Hour), now.Add(time.Minute)); d != 0 {
		t.Fatalf("traffic left: %d", d)
	}
	f.env.Browser().LoginAs(f.clientA).Get("/services").Expect(t, 200).Lacks(t, "Internet Žižkov")
}
