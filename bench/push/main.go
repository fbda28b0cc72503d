// Command push times pushing usage records through the API (usage.push), as a
// billing system would after a rating run: it logs in with an API account, sends
// -records records in calls of -batch (each call one transaction), -conns calls at a
// time, and prints the total time and records/s. The records have fixed external ids
// (bench-push-N), so running it again replaces them: the data set does not grow.
// `make bench` runs it against the bench data set (account bench-api, service
// bench-push-voip; see cmd/portal/benchdata_usage.go), then the traffic-push
// benchmark of traffic.go, and adds both to bench/load's JSON report (-report).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ispportal/portal/bench/internal/goal"
)

var (
	base      = flag.String("base", "http://127.0.0.1:9180", "portal address")
	login     = flag.String("login", "bench-api", "API account")
	password  = flag.String("password", "bench-password", "its password")
	service   = flag.String("service", "bench-push-voip", "external id of the service the records belong to")
	records   = flag.Int("records", 1_000_000, "records to push")
	batch     = flag.Int("batch", 10_000, "records per call (usage.push takes at most 10,000)")
	conns     = flag.Int("conns", 2, "calls in flight")
	tservice  = flag.Int("traffic-services", 10_000, "services of the traffic-push benchmark (a day of each, in both orders; 0: skip it)")
	tconns    = flag.Int("traffic-conns", 2, "traffic.push calls in flight")
	tperCall  = flag.Int("traffic-per-call", 35, "services whose whole day one call carries in the by-service order")
	torder    = flag.String("traffic-order", "", "run only this order of the traffic push: service or interval (empty: both)")
	pprofAddr = flag.String("pprof", "", "the server's pprof address (PORTAL_BENCH_PPROF): save a CPU profile of each traffic order")
	profSecs  = flag.Int("profile-seconds", 20, "length of each traffic order's CPU profile")
	pid       = flag.Int("pid", 0, "server process id, for its CPU time per sample")
	report    = flag.String("report", "", "JSON report of bench/load to add these figures and their targets to")
)

var client = &http.Client{Timeout: 5 * time.Minute}

type answer struct {
	Result *struct {
		Code      bool            `json:"code"`
		SessionID string          `json:"session_id"`
		Return    json.RawMessage `json:"return"`
		Errors    json.RawMessage `json:"errors"`
	} `json:"result"`
	Error *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func call(sid string, body []byte) (answer, error) {
	req, _ := http.NewRequest(http.MethodPost, *base+"/jsonrpc", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if sid != "" {
		req.Header.Set("X-Session-Id", sid)
	}
	resp, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var a answer
	if err := json.Unmarshal(data, &a); err != nil {
		return a, fmt.Errorf("status %d: %.200s", resp.StatusCode, data)
	}
	if a.Error != nil {
		return a, fmt.Errorf("error %d: %s", a.Error.Code, a.Error.Message)
	}
	if a.Result == nil || !a.Result.Code {
		return a, fmt.Errorf("refused: %s", data)
	}
	return a, nil
}

// payload builds one usage.push call of records [from, to), as JSON.
func payload(from, to int, now time.Time) []byte {
	var b bytes.Buffer
	b.WriteString(`{"jsonrpc":"2.0","id":1,"method":"usage.push","params":{"records":[`)
	for i := from; i < to; i++ {
		if i > from {
			b.WriteByte(',')
		}
		at := now.Add(-time.Duration(*records-i) * 30 * time.Second).UTC().Format(time.RFC3339)
		secs := 5 + i%900
		fmt.Fprintf(&b, `{"external_id":"bench-push-%d","service_external_id":%q,"at":%q,"type":"call","destination":"+420 601 %06d Czech Republic mobile","quantity":%d,"unit":"s","rate":"0.49","cost":%d,"currency":"CZK"}`,
			i, *service, at, i%1_000_000, secs, (secs*49+59)/60)
	}
	b.WriteString(`]}}`)
	return b.Bytes()
}

func main() {
	flag.Parse()
	log.SetFlags(0)
	a, err := call("", []byte(`{"jsonrpc":"2.0","id":1,"method":"session.info","params":{"auth":{"login":`+strconv.Quote(*login)+`,"password":`+strconv.Quote(*password)+`}}}`))
	if err != nil {
		log.Fatalf("push: login: %v", err)
	}
	sid := a.Result.SessionID
	now := time.Now()
	var next, stored atomic.Int64
	var bytesSent atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < *conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				from := int(next.Add(int64(*batch))) - *batch
				if from >= *records {
					return
				}
				to := min(from+*batch, *records)
				body := payload(from, to, now)
				bytesSent.Add(int64(len(body)))
				if _, err := call(sid, body); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				stored.Add(int64(to - from))
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if firstErr != nil {
		log.Fatalf("push: %v (after %d records)", firstErr, stored.Load())
	}
	usage := usageResult{Records: int(stored.Load()), Calls: (*records + *batch - 1) / *batch, Seconds: took.Seconds(),
		PerSec: float64(stored.Load()) / took.Seconds(), MB: float64(bytesSent.Load()) / 1e6}
	fmt.Printf("usage.push: %d records in %d calls of %d, %d in flight: %.1f s, %.0f records/s, %.0f MB of JSON\n",
		usage.Records, usage.Calls, *batch, *conns, usage.Seconds, usage.PerSec, usage.MB)
	var tr []trafficResult
	if *tservice > 0 {
		if tr, err = trafficBench(sid, *tservice, *tconns); err != nil {
			log.Fatalf("push: traffic: %v", err)
		}
	}
	if *report != "" {
		if err := addToReport(*report, usage, tr); err != nil {
			log.Fatalf("push: %v", err)
		}
	}
}

// usageResult is the usage.push figure in the JSON report.
type usageResult struct {
	Records int     `json:"records"`
	Calls   int     `json:"calls"`
	Seconds float64 `json:"seconds"`
	PerSec  float64 `json:"records_per_s"`
	MB      float64 `json:"json_mb"`
}

// addToReport adds the push figures and the traffic target to bench/load's JSON
// report, then prints every target of the run (met / missed) as the run's summary.
func addToReport(path string, usage usageResult, tr []trafficResult) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var rep map[string]json.RawMessage
	if err := json.Unmarshal(data, &rep); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var targets []goal.Target
	if t, ok := rep["targets"]; ok {
		if err := json.Unmarshal(t, &targets); err != nil {
			return fmt.Errorf("%s: targets: %w", path, err)
		}
	}
	for _, r := range tr {
		targets = append(targets, goal.Target{Name: "traffic push " + r.Order + " >= 100,000 samples/s", Figure: r.PerSec,
			Limit: 100_000, Unit: "samples/s", Met: r.PerSec >= 100_000})
	}
	for k, v := range map[string]any{"usage_push": usage, "traffic_push": tr, "targets": targets} {
		if rep[k], err = json.Marshal(v); err != nil {
			return err
		}
	}
	if data, err = json.MarshalIndent(rep, "", "  "); err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	goal.Print(os.Stdout, "\nIssue 25 targets:", targets)
	fmt.Println("JSON:", path)
	return nil
}
