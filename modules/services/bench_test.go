package services

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/ispportal/portal/modules/services/traffic"
)

// benchPage measures one traffic page rendered through the real app (session,
// settings, template, SQL) for a service with a year of 5-minute samples (105,121).
func benchPage(b *testing.B, suffix string) {
	f := newFixture(b)
	now := f.env.Clock.Now()
	samples := DemoTraffic(f.netDHCP, now, 365, 3e9, 1, time.Local)
	st := TrafficStore(f.env.Deps)
	for i := 0; i < len(samples); i += 50_000 {
		if _, err := st.Ingest(context.Background(), samples[i:min(i+50_000, len(samples))]); err != nil {
			b.Fatal(err)
		}
	}
	br := f.env.Browser().LoginAs(f.clientA)
	url := trafficURL(f.netDHCP) + suffix
	br.Get(url).Expect(b, 200, "<svg", "Limit reached")
	b.ResetTimer()
	for b.Loop() {
		if r := br.Get(url); r.StatusCode != 200 {
			b.Fatalf("status %d", r.StatusCode)
		}
	}
}

// BenchmarkTrafficYearPage is the page of the year graph (365 daily points).
func BenchmarkTrafficYearPage(b *testing.B) { benchPage(b, "/year") }

// BenchmarkTrafficDayPage is the page of the day graph (288 five-minute points).
func BenchmarkTrafficDayPage(b *testing.B) { benchPage(b, "/day") }

// BenchmarkTrafficAllPage is the overview with all four graphs.
func BenchmarkTrafficAllPage(b *testing.B) { benchPage(b, "") }

// BenchmarkImportCSV1M imports one million CSV rows (10 services by external id ×
// 100,000 five-minute counters) through ImportTraffic, as `portal traffic import`
// does, into a fresh portal per iteration.
func BenchmarkImportCSV1M(b *testing.B) {
	const services, per = 10, 100_000
	var csv bytes.Buffer
	csv.WriteString(traffic.CSVHeader + "\n")
	start := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	for s := range services {
		ref := "bench-" + strconv.Itoa(s)
		var down, up uint64
		for i := range per {
			down += 1_000_000 + uint64(i%97)*10_000
			up += 100_000
			fmt.Fprintf(&csv, "%s,%d,%d,%d\n", ref, start.Add(time.Duration(i)*5*time.Minute).Unix(), down, up)
		}
	}
	for b.Loop() {
		b.StopTimer()
		f := newFixture(b)
		f.env.Tx(func(tx *sql.Tx) error {
			for s := range services {
				if _, err := SaveService(context.Background(), tx, Service{ClientID: f.clientB, TariffID: f.plain,
					Name: "bench", ExternalID: "bench-" + strconv.Itoa(s)}, f.env.Clock.Now()); err != nil {
					return err
				}
			}
			return nil
		})
		b.StartTimer()
		t0 := time.Now()
		res, err := ImportTraffic(context.Background(), f.env.Deps, bytes.NewReader(csv.Bytes()), 50_000)
		if err != nil || res.Accepted != services*per || res.ErrorCount != 0 {
			b.Fatalf("%+v %v", res, err)
		}
		b.ReportMetric(time.Since(t0).Seconds(), "s/1M")
	}
}
