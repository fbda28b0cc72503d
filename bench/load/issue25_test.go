package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestCompareScaleAndTargets: the smaller data set's report is matched row by row
// (page and connections), and the targets judge the figures against their limits.
func TestCompareScaleAndTargets(t *testing.T) {
	small := report{Clients: "10000", Results: []result{
		{Endpoint: "info", Conns: 16, RPS: 200, P50ms: 9},
		{Endpoint: "info", Conns: 64, RPS: 100, P50ms: 40},
		{Endpoint: "invoices", Conns: 64, RPS: 50, P50ms: 40},
		{Endpoint: "baseline (alone)", Conns: 64, RPS: 5000, P99ms: 20},
	}}
	data, _ := json.Marshal(small)
	path := filepath.Join(t.TempDir(), "small.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	rep := report{Clients: "100000", InfoVsBase: 0.55, MixPeakRSSMB: 151, Results: []result{
		{Endpoint: "info", Conns: 16, RPS: 180, P50ms: 10},
		{Endpoint: "info", Conns: 64, RPS: 80, P50ms: 50, P99ms: 24},
		{Endpoint: "invoices", Conns: 64, RPS: 50, P50ms: 41, P99ms: 26, Errors: 1},
		{Endpoint: "baseline (alone)", Conns: 64, RPS: 5000, P99ms: 20},
		{Endpoint: "baseline (alone)", Conns: 64, RPS: 6000, P99ms: 10}, // the dashboard's
	}}
	if err := compareScale(&rep, path); err != nil {
		t.Fatal(err)
	}
	if len(rep.Scale) != 3 || rep.ComparedWith != "10000" {
		t.Fatalf("scale rows: %+v", rep.Scale)
	}
	if s := rep.Scale[1]; s.Endpoint != "info" || s.Conns != 64 || s.Ratio != 0.8 || s.BaseP50 != 40 || s.P50 != 50 {
		t.Errorf("info at 64: %+v", s)
	}
	*scaleName = "100000"
	targets25(&rep, 64)
	met := map[string]bool{}
	for _, g := range rep.Targets {
		met[g.Name] = g.Met
	}
	for name, want := range map[string]bool{
		"info page >= 50 % of the baseline's req/s":                            true,
		"info: p99 at 64 conns <= 1.25 x baseline's, no errors (0 errors)":     true,  // 24 / 20
		"invoices: p99 at 64 conns <= 1.25 x baseline's, no errors (1 errors)": false, // 26 / 20, and an error
		"server peak RSS during the page mix (100000 clients) < 150 MB":        false,
		"info at 16 conns, 100000 clients: >= 85 % of its req/s at 10000":      true,
		"info at 64 conns, 100000 clients: >= 85 % of its req/s at 10000":      false,
		"invoices at 64 conns, 100000 clients: >= 85 % of its req/s at 10000":  true,
	} {
		got, ok := met[name]
		if !ok {
			t.Errorf("no target %q in %+v", name, rep.Targets)
		} else if got != want {
			t.Errorf("%s: met %v, want %v", name, got, want)
		}
	}
}
