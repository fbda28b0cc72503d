package main

import "runtime/debug"

// Garbage collector settings for `serve` when the operator set none (GOGC and
// GOMEMLIMIT are Go's own variables and win when set).
//
// Go's default collects whenever the heap doubles. The portal's live heap under load
// is about 16 MB and every page allocates 50–250 KB, so the default collected a dozen
// times a second and spent 6 % of the CPU marking plus the assists that slow the
// requests of the moment. Collecting at five times the live heap runs a fifth as
// often (`make bench`: 15 % more requests/s at 64 connections). The memory limit
// keeps that headroom from growing without bound, above all during a burst of logins,
// where every password check allocates 19 MiB for a few milliseconds. It must leave
// room for those: at 64 MiB the collector and the scavenger fought each check and a
// login took 58 ms instead of 26 ms.
const (
	gcPercent   = 400
	memoryLimit = 96 << 20 // bytes of Go memory; SQLite's page cache comes on top
)

// tuneGC applies the defaults above where getenv reports no setting of the operator's.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
