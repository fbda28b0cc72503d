package services

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/modules/services/traffic"
)

const gb = 1_000_000_000

// demoDays is how much demo traffic the seed generates (tests shorten it).
var demoDays = 365

// demoTariffs cover every case the pages distinguish: plain Internet, Internet with
// a FUP, Internet whose tariff hides traffic, TV and VoIP.
var demoTariffs = []Tariff{
	{ExternalID: "demo-t-net100", Name: "Internet 100", Kind: KindInternet, Price: 49900, DownKbit: 100_000, UpKbit: 20_000},
	{ExternalID: "demo-t-fair20", Name: "Internet Fair 20 GB", Kind: KindInternet, Price: 29900, DownKbit: 50_000, UpKbit: 10_000,
		FUPLimit: 20 * gb, FUPPeriod: FUPMonth, FUPDownKbit: 2_000, FUPUpKbit: 1_000},
	{ExternalID: "demo-t-basic", Name: "Internet Basic", Kind: KindInternet, Price: 24900, DownKbit: 20_000, UpKbit: 5_000, HideTraffic: true},
	{ExternalID: "demo-t-tv", Name: "TV Standard", Kind: KindTV, Price: 25000},
	{ExternalID: "demo-t-voip", Name: "Telefon Domov", Kind: KindVoIP, Price: 9900},
}

// demoService is a demo service with the traffic profile it gets (avg bytes a day
// downloaded; 0 = no traffic) and an extra burst this FUP period (to go over it).
type demoService struct {
	client, tariff string
	svc            Service
	avgDaily       float64
	burst          uint64
}

var demoServices = []demoService{
	{"1001", "demo-t-net100", Service{ExternalID: "demo-s-1001-net", Name: "Internet – Korunní 5", ActivatedOn: "2023-03-01",
		Address: "Korunní 5, 120 00 Praha 2", IP: "10.20.0.15", MAC: "00:1A:2B:3C:4D:5E",
		Params: []Param{{"Gateway", "10.20.0.1"}, {"Netmask", "255.255.255.0"}, {"DNS", "10.20.0.2, 1.1.1.1"}}}, 6 * gb, 0},
	{"1001", "demo-t-fair20", Service{ExternalID: "demo-s-1001-cottage", Name: "Internet – chata Šumava", ActivatedOn: "2024-06-15",
		Address: "Horní Vltavice 42, 384 91", IP: "10.30.4.7", DHCP: true,
		Params: []Param{{"Wi-Fi SSID", "NetWave-chata"}, {"Router", "MikroTik hAP ax²"}}}, 0.9 * gb, 25 * gb},
	{"1001", "demo-t-tv", Service{ExternalID: "demo-s-1001-tv", Name: "Televize", ActivatedOn: "2023-03-01",
		Address: "Korunní 5, 120 00 Praha 2", Params: []Param{{"Set-top box", "Arris VIP5305"}, {"Balíček", "Standard (86 kanálů)"}}}, 0, 0},
	{"1001", "demo-t-voip", Service{ExternalID: "demo-s-1001-voip", Name: "Pevná linka", ActivatedOn: "2023-04-10",
		Params: []Param{{"Phone number", "+420 222 555 101"}, {"SIP server", "sip.netwave.example"}, {"SIP username", "420222555101"}}}, 0, 0},
	{"1002", "demo-t-basic", Service{ExternalID: "demo-s-1002-net", Name: "Internet", ActivatedOn: "2022-09-01",
		Address: "Slezská 48, 120 00 Praha 2", IP: "10.20.1.20"}, 0, 0},
	{"1002", "demo-t-tv", Service{ExternalID: "demo-s-1002-tv", Name: "Televize", ActivatedOn: "2022-09-01"}, 0, 0},
	{"1003", "demo-t-fair20", Service{ExternalID: "demo-s-1003-net", Name: "Internet", ActivatedOn: "2024-01-20",
		Address: "Budečská 3, 120 00 Praha 2", DHCP: true}, 0.25 * gb, 0},
	{"1004", "demo-t-net100", Service{ExternalID: "demo-s-1004-net", Name: "Internet", ActivatedOn: "2021-11-05",
		Address: "Mánesova 71, 120 00 Praha 2", IP: "10.20.2.33", State: StateSuspended}, 0, 0},
	{"1005", "demo-t-net100", Service{ExternalID: "demo-s-1005-net", Name: "Internet", ActivatedOn: "2020-02-01",
		Address: "Italská 19, 120 00 Praha 2", IP: "10.20.3.4"}, 0, 0},
}

// seed adds the demo tariffs and services, and a year of 5-minute traffic for the
// Internet services that have a traffic profile. Rows that exist (by external id)
// are left alone, so a second run changes nothing and is fast.
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	tariffs := map[string]int64{}
	for _, t := range demoTariffs {
		old, err := TariffByExternalID(ctx, tx, t.ExternalID)
		if err == nil {
			tariffs[t.ExternalID] = old.ID
			continue
		}
		if !errors.Is(err, core.ErrNotFound) {
			return err
		}
		if tariffs[t.ExternalID], err = SaveTariff(ctx, tx, t, env.Now); err != nil {
			return err
		}
	}
	var fresh []demoService
	for _, ds := range demoServices {
		clientID, ok := env.ClientIDs[ds.client]
		if !ok {
			continue
		}
		if _, err := ServiceByExternalID(ctx, tx, ds.svc.ExternalID); err == nil {
			continue
		} else if !errors.Is(err, core.ErrNotFound) {
			return err
		}
		s := ds.svc
		s.ClientID, s.TariffID = clientID, tariffs[ds.tariff]
		id, err := SaveService(ctx, tx, s, env.Now)
		if err != nil {
			return fmt.Errorf("demo service %s: %w", s.ExternalID, err)
		}
		if ds.avgDaily > 0 {
			ds.svc.ID = id
			fresh = append(fresh, ds)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	// IngestTx writes in the seed's transaction; the store's own database is unused.
	st := traffic.New(nil, traffic.Config{Location: time.Local})
	for i, ds := range fresh {
		samples := DemoTraffic(ds.svc.ID, env.Now, demoDays, ds.avgDaily, uint64(i)*7919, time.Local)
		if ds.burst > 0 {
			from, _ := fupPeriod(FUPMonth, env.Now, time.Local)
			addBurst(samples, from, ds.burst)
		}
		res, err := st.IngestTx(ctx, tx, samples)
		if err != nil {
			return err
		}
		if len(res.Rejected) > 0 {
			return fmt.Errorf("demo traffic: sample %d rejected: %s", res.Rejected[0].Index, res.Rejected[0].Reason)
		}
	}
	return nil
}

// DemoTraffic returns days of 5-minute cumulative counter samples for a service,
// ending at the last 5-minute mark before now: a diurnal curve (quiet at night,
// busiest 19:00–22:00, busier at weekends) averaging avgDaily bytes downloaded a
// day, upload about a tenth of it, with deterministic noise from seed and one
// counter reset (a router reboot) 100 days before now.
func DemoTraffic(serviceID int64, now time.Time, days int, avgDaily float64, seed uint64, loc *time.Location) []Sample {
	end := now.Truncate(5 * time.Minute)
	n := days * 288
	out := make([]Sample, 0, n+1)
	down, up := 3_000_000_000+seed*1000, 400_000_000+seed*100
	reset := end.Add(-100 * 24 * time.Hour)
	rng := seed*2654435761 + 12345
	// The diurnal weights average 1 over a day, so avgDaily/288 per slot on average.
	perSlot := avgDaily / 288
	for i := 0; i <= n; i++ {
		at := end.Add(time.Duration(i-n) * 5 * time.Minute)
		if i > 0 {
			rng = rng*6364136223846793005 + 1442695040888963407
			noise := 0.6 + 0.8*float64(rng>>40)/float64(1<<24)
			v := perSlot * diurnal(at.In(loc)) * noise
			down += uint64(v)
			up += uint64(v * (0.08 + 0.04*float64((rng>>20)&0xff)/255))
		}
		if i > 0 && !at.Before(reset) && at.Add(-5*time.Minute).Before(reset) {
			down, up = uint64(perSlot), uint64(perSlot/10)
		}
		out = append(out, Sample{ServiceID: serviceID, At: at, Down: down, Up: up})
	}
	return out
}

// Sample is a traffic counter reading (re-exported for callers of DemoTraffic).
type Sample = traffic.Sample

// diurnal weighs a moment of the week; it averages about 1 over a day.
func diurnal(t time.Time) float64 {
	h := float64(t.Hour()) + float64(t.Minute())/60
	// A low night, a morning rise and an evening peak around 20:30.
	w := 0.15 + 0.55*bump(h, 12, 5) + 1.6*bump(h, 20.5, 2.6)
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		w *= 1.25
	}
	return w * 1.05
}

// bump is a bell curve around centre on the 24-hour clock; the distance wraps at
// midnight so that 23:55 and 00:00 get almost the same weight.
func bump(h, centre, width float64) float64 {
	d := math.Abs(h - centre)
	d = math.Min(d, 24-d)
	return math.Exp(-d * d / (2 * width * width))
}

// addBurst adds total bytes of download, spread evenly, to the samples after from
// (a heavy download this FUP period, to put the service over its limit).
func addBurst(samples []Sample, from time.Time, total uint64) {
	first := -1
	for i, s := range samples {
		if s.At.After(from) {
			first = i
			break
		}
	}
	if first < 0 {
		return
	}
	k := uint64(len(samples) - first)
	var extra uint64
	for i := first; i < len(samples); i++ {
		extra += total / k
		samples[i].Down += extra
	}
}
