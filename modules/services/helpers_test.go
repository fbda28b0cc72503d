package services

import (
	"context"
	"database/sql"
	"strconv"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/services/traffic"
)

// fixture is a portal with two clients: A has an Internet service with an IP (plain
// tariff), one via DHCP (FUP tariff), a TV, a VoIP and a terminated Internet
// service; B has one Internet service.
type fixture struct {
	env                      *testkit.Env
	clientA, clientB         int64
	plain, fup, hidden       int64 // tariffs
	netIP, netDHCP, tv, voip int64 // A's services
	terminated, other        int64 // A's terminated service, B's service
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newFixtureIn(t, testkit.New(t, New))
}

// newFixtureIn fills env (which mounts this module) with the fixture's data.
func newFixtureIn(t testing.TB, env *testkit.Env) *fixture {
	t.Helper()
	f := &fixture{env: env}
	f.clientA = env.AddClient("5001", 0)
	f.clientB = env.AddClient("5002", 0)
	now := env.Clock.Now()
	ctx := context.Background()
	env.Tx(func(tx *sql.Tx) error {
		var err error
		must := func(id int64, e error) int64 {
			if e != nil && err == nil {
				err = e
			}
			return id
		}
		f.plain = must(SaveTariff(ctx, tx, Tariff{Name: "Optika 300", Kind: KindInternet, Price: 59900, DownKbit: 300_000, UpKbit: 50_000}, now))
		f.fup = must(SaveTariff(ctx, tx, Tariff{Name: "Fair 1 GB", Kind: KindInternet, Price: 19900, DownKbit: 50_000, UpKbit: 10_000,
			FUPLimit: 1_000_000_000, FUPPeriod: FUPMonth, FUPDownKbit: 1_000, FUPUpKbit: 512}, now))
		f.hidden = must(SaveTariff(ctx, tx, Tariff{Name: "Tajný tarif", Kind: KindInternet, Price: 9900, HideTraffic: true}, now))
		tvT := must(SaveTariff(ctx, tx, Tariff{Name: "TV Mini", Kind: KindTV, Price: 15000}, now))
		voipT := must(SaveTariff(ctx, tx, Tariff{Name: "Hlas", Kind: KindVoIP, Price: 5000}, now))
		f.netIP = must(SaveService(ctx, tx, Service{ClientID: f.clientA, TariffID: f.plain, Name: "Internet Žižkov",
			ActivatedOn: "2024-02-29", Address: "Seifertova 12, Praha 3", IP: "192.0.2.44", ExternalID: "ext-net",
			Params: []Param{{"Brána", "192.0.2.1"}, {"DNS", "192.0.2.53"}}}, now))
		f.netDHCP = must(SaveService(ctx, tx, Service{ClientID: f.clientA, TariffID: f.fup, Name: "Internet chata Šumava",
			IP: "198.51.100.77", DHCP: true, Address: "Kvilda 3"}, now))
		f.tv = must(SaveService(ctx, tx, Service{ClientID: f.clientA, TariffID: tvT, Name: "Televize obývák"}, now))
		f.voip = must(SaveService(ctx, tx, Service{ClientID: f.clientA, TariffID: voipT, Name: "Pevná linka",
			Params: []Param{{"SIP server", "sip.example.net"}}}, now))
		f.terminated = must(SaveService(ctx, tx, Service{ClientID: f.clientA, TariffID: f.plain, Name: "Staré připojení",
			State: StateTerminated}, now))
		f.other = must(SaveService(ctx, tx, Service{ClientID: f.clientB, TariffID: f.plain, Name: "Internet klienta B",
			IP: "203.0.113.9"}, now))
		return err
	})
	return f
}

// ingest stores counter samples (failing the test on rejection) for a service.
func (f *fixture) ingest(t testing.TB, samples []traffic.Sample) {
	t.Helper()
	res, err := TrafficStore(f.env.Deps).Ingest(context.Background(), samples)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rejected) > 0 {
		t.Fatalf("rejected: %+v", res.Rejected)
	}
}

// steady returns n 5-minute samples for a service ending at end, each interval
// carrying perSlot bytes down and perSlot/10 up.
func steady(id int64, end time.Time, n int, perSlot uint64) []traffic.Sample {
	out := make([]traffic.Sample, 0, n+1)
	start := end.Add(-time.Duration(n) * 5 * time.Minute)
	for i := 0; i <= n; i++ {
		out = append(out, traffic.Sample{ServiceID: id, At: start.Add(time.Duration(i) * 5 * time.Minute),
			Down: uint64(i) * perSlot, Up: uint64(i) * perSlot / 10})
	}
	return out
}

func trafficURL(id int64) string { return Prefix + "/" + strconv.FormatInt(id, 10) + "/traffic" }
