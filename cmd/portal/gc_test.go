package main

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestTuneGCDefaultsAndOperatorSettings(t *testing.T) {
	pct := debug.SetGCPercent(100)
	lim := debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(pct); debug.SetMemoryLimit(lim) })

	// Set by the operator: left alone.
	tuneGC(func(string) string { return "150" })
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC set: percent changed to %d", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set: limit changed to %d", got)
	}

	// Not set: the portal's defaults.
	tuneGC(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != gcPercent {
		t.Errorf("percent %d, want %d", got, gcPercent)
	}
	if got := debug.SetMemoryLimit(-1); got != memoryLimit {
		t.Errorf("limit %d, want %d", got, memoryLimit)
	}
}
