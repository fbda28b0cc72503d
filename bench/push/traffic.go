package main

// The traffic-push benchmark (issue 25): a day of 5-minute counter readings of N
// services sent through traffic.push in the two orders the billing system and the
// collectors use:
//
//   - by service: a call carries whole days of services, one after the other
//     (-traffic-per-call services, 35 by default: about 10,000 readings, as many as
//     a call of the other order at 10,000 services; the API's per-address and
//     per-account limits, 1,200 and 6,000 calls a minute, rule out a call per
//     service at this rate);
//   - by interval: one call carries one 5-minute reading of every service.
//
// Each order gets its own N Internet services, created through clients.push under
// run-unique external ids (100 services to a client) and deleted with their clients
// (and so their traffic) at the end, so the data set does not grow and a second run
// starts from the same state. Both orders push the same counter values at the same
// times, so the stored rows of the two must be equal (the traffic package's tests
// check that; see TestIngestOrderIndependent).

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ispportal/portal/bench/internal/goal"
)

const (
	trafficPerClient = 100 // services per client of the push (clients.push takes at most 100)
	trafficReadings  = 289 // a day of 5-minute intervals needs 289 readings
)

// trafficResult is one order's figure, also written to the JSON report.
type trafficResult struct {
	Order    string  `json:"order"`
	Services int     `json:"services"`
	Samples  int     `json:"samples"`
	Calls    int     `json:"calls"`
	Seconds  float64 `json:"seconds"`
	PerSec   float64 `json:"samples_per_s"`
	Accepted int     `json:"accepted"`
	// CPUus is the server's CPU time (user + system) per sample, from /proc: on a
	// shared machine the wall time depends on the neighbours, this much less.
	CPUus float64 `json:"server_cpu_us_per_sample"`
}

// counters precomputes the readings of every service, so that the timed loop only
// formats JSON.
func counters(n int) [][trafficReadings][2]uint64 {
	out := make([][trafficReadings][2]uint64, n)
	for i := range out {
		var d, u uint64 = 1 << 30, 1 << 27
		for k := 0; k < trafficReadings; k++ {
			if k > 0 {
				step := uint64((i*7919+k*104729)%2_000_000) + 1000
				d += step * 50
				u += step * 5
			}
			out[i][k] = [2]uint64{d, u}
		}
	}
	return out
}

// sampleJSON appends one traffic.push sample to b.
func sampleJSON(b []byte, ext string, at string, c [2]uint64) []byte {
	b = append(b, `{"service_external_id":"`...)
	b = append(b, ext...)
	b = append(b, `","at":"`...)
	b = append(b, at...)
	b = append(b, `","bytes_down":`...)
	b = strconv.AppendUint(b, c[0], 10)
	b = append(b, `,"bytes_up":`...)
	b = strconv.AppendUint(b, c[1], 10)
	return append(b, '}')
}

// trafficBench runs both orders for n services and returns their figures.
func trafficBench(sid string, n, conns int) ([]trafficResult, error) {
	run := strconv.FormatInt(time.Now().Unix(), 36)
	// The day ends at the last full 5-minute step an hour ago, so no reading is in the
	// future whatever the clocks.
	end := time.Now().Add(-time.Hour).Truncate(5 * time.Minute).UTC()
	times := make([]string, trafficReadings)
	for k := range times {
		times[k] = end.Add(-time.Duration(trafficReadings-1-k) * 5 * time.Minute).Format(time.RFC3339)
	}
	vals := counters(n)
	var out []trafficResult
	for _, order := range []string{"by service", "by interval"} {
		if *torder != "" && !strings.Contains(order, *torder) {
			continue
		}
		prefix := "bench-tp-" + run + "-" + order[3:4] // s or i
		if err := trafficServices(sid, prefix, n); err != nil {
			return out, fmt.Errorf("create services: %w", err)
		}
		var bodies func(next func() int) []byte
		per := max(*tperCall, 1)
		calls := (n + per - 1) / per
		if order == "by service" {
			bodies = func(next func() int) []byte {
				c := next()
				if c >= calls {
					return nil
				}
				b := append(make([]byte, 0, 120*trafficReadings*per), `{"jsonrpc":"2.0","id":1,"method":"traffic.push","params":{"samples":[`...)
				for i := c * per; i < min(n, (c+1)*per); i++ {
					ext := prefix + "-" + strconv.Itoa(i)
					for k := 0; k < trafficReadings; k++ {
						if k > 0 || i > c*per {
							b = append(b, ',')
						}
						b = sampleJSON(b, ext, times[k], vals[i][k])
					}
				}
				return append(b, `]}}`...)
			}
		} else {
			calls = trafficReadings
			bodies = func(next func() int) []byte {
				k := next()
				if k >= trafficReadings {
					return nil
				}
				b := append(make([]byte, 0, 120*n), `{"jsonrpc":"2.0","id":1,"method":"traffic.push","params":{"samples":[`...)
				for i := 0; i < n; i++ {
					if i > 0 {
						b = append(b, ',')
					}
					b = sampleJSON(b, prefix+"-"+strconv.Itoa(i), times[k], vals[i][k])
				}
				return append(b, `]}}`...)
			}
		}
		cpu0 := cpuSeconds(*pid)
		prof := startProfile(order)
		r, err := pushAll(sid, conns, bodies)
		prof()
		r.CPUus = (cpuSeconds(*pid) - cpu0) * 1e6 / float64(n*trafficReadings)
		r.Order, r.Services, r.Samples, r.Calls = order, n, n*trafficReadings, calls
		if r.Seconds > 0 {
			r.PerSec = float64(r.Samples) / r.Seconds
		}
		if derr := trafficCleanup(sid, prefix, n); derr != nil && err == nil {
			err = fmt.Errorf("delete services: %w", derr)
		}
		if err != nil {
			return out, err
		}
		if r.Accepted != r.Samples {
			return out, fmt.Errorf("%s: %d of %d samples accepted", order, r.Accepted, r.Samples)
		}
		printTraffic(r)
		out = append(out, r)
	}
	return out, nil
}

// pushAll sends the bodies body(next) makes until it returns nil, conns at a time, and
// times the whole.
func pushAll(sid string, conns int, body func(next func() int) []byte) (trafficResult, error) {
	var r trafficResult
	var idx atomic.Int64
	next := func() int { return int(idx.Add(1) - 1) }
	var accepted atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				b := body(next)
				if b == nil {
					return
				}
				a, err := call(sid, b)
				if err == nil {
					var res struct {
						Accepted int `json:"accepted"`
					}
					err = json.Unmarshal(a.Result.Return, &res)
					accepted.Add(int64(res.Accepted))
				}
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	r.Seconds = time.Since(start).Seconds()
	r.Accepted = int(accepted.Load())
	return r, firstErr
}

// trafficServices creates n Internet services prefix-0 … prefix-(n-1), 100 to a
// client, with clients.push (up to 1,000 clients a call).
func trafficServices(sid, prefix string, n int) error {
	type svc struct {
		ExternalID       string `json:"external_id"`
		TariffExternalID string `json:"tariff_external_id"`
		Name             string `json:"name"`
	}
	type client struct {
		ExternalID             string `json:"external_id"`
		Number                 string `json:"number"`
		Name                   string `json:"name"`
		InvoiceGroupExternalID string `json:"invoice_group_external_id"`
		Services               []svc  `json:"services"`
	}
	var cl []client
	for i := 0; i < n; i++ {
		if i%trafficPerClient == 0 {
			k := strconv.Itoa(i / trafficPerClient)
			cl = append(cl, client{ExternalID: prefix + "-c" + k, Number: prefix + "-c" + k, Name: "Traffic push " + k,
				InvoiceGroupExternalID: "bench-g1"})
		}
		c := &cl[len(cl)-1]
		c.Services = append(c.Services, svc{ExternalID: prefix + "-" + strconv.Itoa(i), TariffExternalID: "bench-t1", Name: "Internet 50"})
	}
	for len(cl) > 0 {
		part := cl[:min(len(cl), 1000)]
		cl = cl[len(part):]
		body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "clients.push",
			"params": map[string]any{"clients": part}})
		if _, err := call(sid, body); err != nil {
			return err
		}
	}
	return nil
}

// trafficCleanup deletes the clients trafficServices made, with their services and
// traffic.
func trafficCleanup(sid, prefix string, n int) error {
	for k := 0; k*trafficPerClient < n; k++ {
		body := []byte(`{"jsonrpc":"2.0","id":1,"method":"clients.delete","params":{"external_id":` +
			strconv.Quote(prefix+"-c"+strconv.Itoa(k)) + `}}`)
		if _, err := call(sid, body); err != nil {
			return err
		}
	}
	return nil
}

// printTraffic prints one order's figures, as soon as it is done, and the target
// (>= 100,000 samples/s in either order).
func printTraffic(r trafficResult) {
	fmt.Printf("traffic.push %-11s: %d services, %d samples in %d calls: %.1f s, %.0f samples/s (target >= 100,000: %s), server CPU %.1f µs a sample\n",
		r.Order, r.Services, r.Samples, r.Calls, r.Seconds, r.PerSec, goal.Word(r.PerSec >= 100_000), r.CPUus)
}

// cpuSeconds is the CPU time (user + system) process pid has used, from
// /proc/pid/stat (0 without a pid).
func cpuSeconds(pid int) float64 {
	if pid <= 0 {
		return 0
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; the fields after it are plain.
	f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	s, _ := strconv.ParseFloat(f[12], 64)
	return (u + s) / 100 // clock ticks (USER_HZ is 100 on Linux)
}

// startProfile asks the server's pprof (-pprof, PORTAL_BENCH_PPROF) for a CPU
// profile of the next -profile-seconds and saves it as
// bench/results/traffic-ORDER.prof when it arrives; the returned function waits for
// it. Without -pprof it does nothing.
func startProfile(order string) (wait func()) {
	if *pprofAddr == "" {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		url := "http://" + *pprofAddr + "/debug/pprof/profile?seconds=" + strconv.Itoa(*profSecs)
		resp, err := (&http.Client{Timeout: time.Duration(*profSecs+30) * time.Second}).Get(url)
		if err != nil {
			log.Printf("push: profile: %v", err)
			return
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			log.Printf("push: profile: status %d %v", resp.StatusCode, err)
			return
		}
		f := filepath.Join("bench", "results", "traffic-"+strings.ReplaceAll(order, " ", "-")+".prof")
		if err := os.WriteFile(f, data, 0o644); err != nil {
			log.Printf("push: profile: %v", err)
			return
		}
		fmt.Printf("traffic.push %s: CPU profile of the server's first %d s in %s (go tool pprof -top bin/portal %s)\n",
			order, *profSecs, f, f)
	}()
	return func() { <-done }
}
