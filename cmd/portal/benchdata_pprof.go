package main

import (
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof on http.DefaultServeMux, served only below
	"os"
)

// With PORTAL_BENCH_PPROF=127.0.0.1:6060 the binary serves Go's profiler on that
// address, so `make bench BENCH_PPROF=...` can profile the real server under load. The
// portal itself never serves http.DefaultServeMux; without the variable nothing listens.
func init() {
	addr := os.Getenv("PORTAL_BENCH_PPROF")
	if addr == "" {
		return
	}
	go func() { _ = http.ListenAndServe(addr, nil) }()
}
