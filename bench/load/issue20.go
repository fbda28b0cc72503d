package main

import (
	"bufio"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// usageDetail is the Detailed usage page over every record (a free date range wide
// enough for the whole data set).
const (
	usageDetail = "/usage/detail?from=2000-01-01&to=2099-12-31"
	usageCSV    = "/usage/export.csv?from=2000-01-01&to=2099-12-31"
)

// issue20 adds the dashboard-alone run against the baseline, the usage/invoices p50
// ratio of the top mixed run, and the CSV export of the million-record client.
func issue20(rep *report, sessions []*session, eps []endpoint, top int) {
	var usage, invoices result
	for _, r := range rep.Results {
		if r.Conns != top {
			continue
		}
		switch r.Endpoint {
		case "usage detail 1M":
			usage = r
		case "invoices":
			invoices = r
		}
	}
	if invoices.P50ms > 0 && usage.Requests > 0 {
		rep.UsageVsInvoicesP50 = usage.P50ms / invoices.P50ms
	}
	for _, e := range eps {
		if e.Name != "dashboard" {
			continue
		}
		dash, base := alternate(sessions, e, top, *dur/2)
		rep.Results = append(rep.Results, dash)
		if *baseline != "" {
			rep.Results = append(rep.Results, base)
			if base.RPS > 0 {
				rep.DashboardVsBase = dash.RPS / base.RPS
			}
		}
	}
	if *only == "" || strings.Contains(*only, "usage") {
		rep.CSV = csvExport(sessions[0])
	}
}

// csvExport downloads the export of s's records and samples the server's memory.
func csvExport(s *session) csvResult {
	var out csvResult
	_, out.RSSBefore = rss(*pid)
	var maxRSS atomic.Uint64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if _, cur := rss(*pid); uint64(cur*1024) > maxRSS.Load() {
					maxRSS.Store(uint64(cur * 1024))
				}
			}
		}
	}()
	start := time.Now()
	req, _ := http.NewRequest(http.MethodGet, *base+usageCSV, nil)
	req.Header.Set("Cookie", s.cookie)
	req.Header.Set("X-Forwarded-For", s.addr)
	resp, err := (&http.Client{Timeout: 10 * time.Minute}).Do(req)
	if err == nil {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		var n int64
		for sc.Scan() {
			out.Rows++
			n += int64(len(sc.Bytes()) + 1)
		}
		resp.Body.Close()
		out.Rows-- // the header line
		out.MB = float64(n) / 1e6
	}
	out.Seconds = time.Since(start).Seconds()
	close(done)
	out.RSSMax = float64(maxRSS.Load()) / 1024
	return out
}

func printIssue20(rep report) {
	if rep.DashboardVsBase > 0 {
		fmt.Printf("dashboard: %.0f%% of the baseline's requests/s (target >= 35%%)\n", rep.DashboardVsBase*100)
	}
	if rep.UsageVsInvoicesP50 > 0 {
		fmt.Printf("Detailed usage, client with 1,000,000 records: p50 %.2fx the invoices page's (target <= 2x)\n", rep.UsageVsInvoicesP50)
	}
	if c := rep.CSV; c.Rows > 0 {
		fmt.Printf("CSV export: %d rows, %.0f MB in %.1f s; server RSS %.1f MB before, at most %.1f MB during\n",
			c.Rows, c.MB, c.Seconds, c.RSSBefore, c.RSSMax)
	}
}
