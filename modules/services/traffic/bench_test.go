package traffic

import (
	"context"
	"testing"
	"time"
)

// BenchmarkIngest1M ingests 1,000,000 samples (10 services × 100,000
// five-minute counters, ~347 days each) in batches of 50,000 into a fresh
// database per iteration, and reports seconds per million.
func BenchmarkIngest1M(b *testing.B) {
	const services, perService, batch = 10, 100_000, 50_000
	var all [][]Sample
	for svc := int64(1); svc <= services; svc++ {
		all = append(all, yearOfSamples(svc, t0, perService))
	}
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		s, _ := newTestStore(b, Config{})
		b.StartTimer()
		start := time.Now()
		for _, samples := range all {
			for i := 0; i < len(samples); i += batch {
				res, err := s.Ingest(ctx, samples[i:min(i+batch, len(samples))])
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Rejected) > 0 {
					b.Fatalf("rejected %v", res.Rejected[0])
				}
			}
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/1M")
	}
}

// yearStore returns a store holding one service with a full year of
// 5-minute samples (105,120), and the time just after the last one.
func yearStore(b *testing.B) (*Store, time.Time) {
	b.Helper()
	s, _ := newTestStore(b, Config{})
	samples := yearOfSamples(1, t0, 365*288)
	for i := 0; i < len(samples); i += 50_000 {
		if _, err := s.Ingest(context.Background(), samples[i:min(i+50_000, len(samples))]); err != nil {
			b.Fatal(err)
		}
	}
	return s, samples[len(samples)-1].At.Add(time.Minute)
}

func benchSeries(b *testing.B, p Period) {
	s, now := yearStore(b)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		ser, err := s.Series(ctx, 1, p, now)
		if err != nil {
			b.Fatal(err)
		}
		if len(RenderSVG(ser, SVGOptions{Lang: "cs"})) == 0 {
			b.Fatal("empty SVG")
		}
	}
}

// BenchmarkSeriesYear queries and renders 365 daily points.
func BenchmarkSeriesYear(b *testing.B) { benchSeries(b, Year) }

// BenchmarkSeriesDay queries and renders 288 five-minute points.
func BenchmarkSeriesDay(b *testing.B) { benchSeries(b, Day) }

// BenchmarkUsageMonth is the FUP check over a calendar-unaligned month.
func BenchmarkUsageMonth(b *testing.B) {
	s, now := yearStore(b)
	ctx := context.Background()
	from := now.AddDate(0, -1, 0).Add(-17 * time.Minute)
	b.ResetTimer()
	for range b.N {
		if _, _, err := s.Usage(ctx, 1, from, now); err != nil {
			b.Fatal(err)
		}
	}
}
