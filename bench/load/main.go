// Command load drives a mixed load against a running portal and prints requests/s,
// p50/p99 latency and errors per endpoint, the server's peak memory, and a baseline
// row from a minimal Fiber server, so the portal's pages read as a fraction of the
// ceiling on this machine. `make bench` builds the data set, starts both servers and
// runs this.
//
// Clients log in through net/http with a cookie jar, as a browser would. The load
// itself goes through fasthttp's client with each session's cookies as a header and
// bodies read but not decompressed (as wrk does): the load shares the server's two
// cores, and net/http with a jar and gzip decoding cost 164 µs of CPU per request,
// more than a third of what the server spent on the page it measured.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/ispportal/portal/bench/internal/goal"
	"github.com/valyala/fasthttp"
)

type endpoint struct {
	Name   string
	Weight int
	// path returns the URL path for one session (some need per-client ids).
	path func(s *session) string
	// fixed, when set, is the session every request of the endpoint uses (the client
	// with a million usage records), whichever worker sends it.
	fixed *session
}

// session is one logged-in client with what the bench discovered about it.
type session struct {
	client    *http.Client
	cookie    string // the Cookie header of the logged-in session, for the load
	addr      string // its X-Forwarded-For address
	number    string
	serviceID string
	invoiceID string
}

type result struct {
	Endpoint string  `json:"endpoint"`
	Conns    int     `json:"conns"`
	Requests int     `json:"requests"`
	RPS      float64 `json:"rps"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
	Errors   int     `json:"errors"`
}

type report struct {
	When       time.Time `json:"when"`
	Base       string    `json:"base"`
	Results    []result  `json:"results"`
	PeakRSSMB  float64   `json:"peak_rss_mb"`
	EndRSSMB   float64   `json:"end_rss_mb"`
	InfoVsBase float64   `json:"info_vs_baseline"`
	// Issue 20's targets: the dashboard alone against the baseline (>= 0.35), the
	// Detailed usage page of the client with a million records against the invoices
	// page's p50 in the same mixed run (<= 2), and the CSV export of that client.
	DashboardVsBase    float64   `json:"dashboard_vs_baseline"`
	UsageVsInvoicesP50 float64   `json:"usage_detail_vs_invoices_p50"`
	CSV                csvResult `json:"csv_export"`
	// Issue 25: the data set's size, the peak RSS read right after the mixed runs
	// (before the CSV export and the logins), the login benchmark, the comparison
	// with the smaller data set and every target judged.
	Clients      string        `json:"clients"`
	ComparedWith string        `json:"compared_with_clients,omitempty"`
	Placement    string        `json:"placement,omitempty"`
	TopConns     int           `json:"top_conns"`
	MixPeakRSSMB float64       `json:"mix_peak_rss_mb"`
	GenSeconds   float64       `json:"generation_seconds,omitempty"`
	Logins       []loginResult `json:"logins"`
	Scale        []scaleRow    `json:"scale,omitempty"`
	Targets      []goal.Target `json:"targets"`
}

// csvResult is the streamed CSV export of the client with a million records: rows,
// time, and the server's resident memory before and at most during the download
// (sampled every 20 ms: a flat export keeps the two close).
type csvResult struct {
	Rows      int     `json:"rows"`
	MB        float64 `json:"mb"`
	Seconds   float64 `json:"seconds"`
	RSSBefore float64 `json:"rss_before_mb"`
	RSSMax    float64 `json:"rss_max_mb"`
}

var (
	base     = flag.String("base", "http://127.0.0.1:9180", "portal address")
	baseline = flag.String("baseline", "", "baseline server address (empty: none)")
	first    = flag.Int("first", 1001, "first client number to log in")
	count    = flag.Int("clients", 200, "how many distinct clients to log in")
	password = flag.String("password", "bench-password", "password of every bench client")
	conns    = flag.String("conns", "16,64", "concurrency levels")
	dur      = flag.Duration("duration", 20*time.Second, "length of each mixed run")
	pid      = flag.Int("pid", 0, "server process id, for memory figures")
	out      = flag.String("out", "bench/results", "folder for the JSON report")
	loginN   = flag.Int("login-requests", 100, "login POSTs measured apart")
	only     = flag.String("only", "", "run only these endpoints (comma-separated names), for profiling one page")
	// Issue 25.
	loginConns = flag.String("login-conns", "1,16", "concurrency levels of the login benchmark")
	loginEach  = flag.Int("login-bench", 160, "logins measured at each level of -login-conns (0: none)")
	compare    = flag.String("compare", "", "JSON report of the run on the smaller data set of the same invocation: print each page's requests/s beside it")
	scaleName  = flag.String("scale", "10000", "how many clients the data set has, for the report")
	engine     = flag.String("engine", "", "postgres: the server runs on PostgreSQL and -compare names the SQLite run of the same invocation (issue 24: each page at >= 70 %)")
	placement  = flag.String("placement", "", "with -engine postgres, how the processes share the CPUs, for the report (empty: all on every CPU)")
	jsonOut    = flag.String("json", "", "JSON report file (default: bench-TIME.json in -out)")
	genSeconds = flag.Float64("gen-seconds", 0, "how long generating and loading the data set took (bench/data.sh), for the report")
)

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// transport is shared by every client, so connections are reused across sessions
// like a browser keeps its own.
var transport = &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0, DisableCompression: false}

// forwarded sets X-Forwarded-For to the session's own address. The server is started
// with --trusted-proxies 127.0.0.1, so each client counts as its own line for the
// per-address login rate limit (20 a minute), as real subscribers do; without it,
// logging in 200 clients from one address would answer 429 after the twentieth.
type forwarded struct{ addr string }

func (f forwarded) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.addr)
	return transport.RoundTrip(r)
}

var clients atomic.Int64

func newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	n := clients.Add(1)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second,
		Transport:     forwarded{fmt.Sprintf("10.%d.%d.%d", 100+n>>16&63, n>>8&255, n&255)},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// cookieHeader is the Cookie header a browser with c's jar would send to u.
func cookieHeader(c *http.Client, u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return ""
	}
	var parts []string
	for _, k := range c.Jar.Cookies(pu) {
		parts = append(parts, k.Name+"="+k.Value)
	}
	return strings.Join(parts, "; ")
}

// loader sends the load: one pooled client per server address.
var loader = struct {
	sync.Mutex
	hosts map[string]*fasthttp.HostClient
}{hosts: map[string]*fasthttp.HostClient{}}

// fetch GETs base+path with a session's cookies and address, reads the whole body
// and reports the status.
func fetch(base, path, cookie, addr string) (int, error) {
	host := strings.TrimPrefix(base, "http://")
	loader.Lock()
	hc := loader.hosts[host]
	if hc == nil {
		hc = &fasthttp.HostClient{Addr: host, MaxConns: 4096, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
		loader.hosts[host] = hc
	}
	loader.Unlock()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(base + path)
	req.Header.Set("Accept-Encoding", "gzip")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	if addr != "" {
		req.Header.Set("X-Forwarded-For", addr)
	}
	if err := hc.Do(req, resp); err != nil {
		return 0, err
	}
	return resp.StatusCode(), nil
}

func get(c *http.Client, u string) (int, string, error) {
	resp, err := c.Get(u)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// login logs a client in through the real form and returns the time the POST took.
func login(c *http.Client, number string) (time.Duration, error) {
	_, body, err := get(c, *base+"/login")
	if err != nil {
		return 0, err
	}
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		return 0, fmt.Errorf("no csrf token on /login")
	}
	form := url.Values{"csrf": {m[1]}, "login": {number}, "password": {*password}}
	start := time.Now()
	resp, err := c.PostForm(*base+"/login", form)
	took := time.Since(start)
	if err != nil {
		return took, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		return took, fmt.Errorf("login %s: status %d", number, resp.StatusCode)
	}
	return took, nil
}

var (
	serviceRE = regexp.MustCompile(`/services/(\d+)/traffic`)
	invoiceRE = regexp.MustCompile(`/invoices/(\d+)/pdf`)
)

func main() {
	flag.Parse()
	log.SetFlags(0)
	var sessions []*session
	var loginTimes []time.Duration
	for i := 0; i < *count; i++ {
		s := &session{client: newClient(), number: strconv.Itoa(*first + i)}
		s.addr = s.client.Transport.(forwarded).addr
		took, err := login(s.client, s.number)
		if err != nil {
			log.Fatalf("bench: %v", err)
		}
		loginTimes = append(loginTimes, took)
		if _, body, err := get(s.client, *base+"/services"); err == nil {
			if m := serviceRE.FindStringSubmatch(body); m != nil {
				s.serviceID = m[1]
			}
		}
		if _, body, err := get(s.client, *base+"/invoices"); err == nil {
			if m := invoiceRE.FindStringSubmatch(body); m != nil {
				s.invoiceID = m[1]
			}
		}
		s.cookie = cookieHeader(s.client, *base+"/info")
		sessions = append(sessions, s)
	}
	// A session without a service or invoice would measure another page under the
	// traffic or PDF row; say so rather than report a misleading figure.
	for _, s := range sessions {
		if s.serviceID == "" || s.invoiceID == "" {
			log.Printf("bench: warning: client %s has no traffic link or no invoice PDF link; its requests go to the list pages", s.number)
		}
	}
	eps := []endpoint{
		{"info", 4, func(*session) string { return "/info" }, nil},
		{"services", 2, func(*session) string { return "/services" }, nil},
		{"traffic year", 2, func(s *session) string {
			if s.serviceID == "" {
				return "/services"
			}
			return "/services/" + s.serviceID + "/traffic/year"
		}, nil},
		{"invoices", 2, func(*session) string { return "/invoices" }, nil},
		{"invoice pdf", 1, func(s *session) string {
			if s.invoiceID == "" {
				return "/invoices"
			}
			return "/invoices/" + s.invoiceID + "/pdf"
		}, nil},
		{"helpdesk", 1, func(*session) string { return "/helpdesk" }, nil},
		{"static css", 2, func(*session) string { return "/assets/theme/default/style.css" }, nil},
		{"dashboard", 2, func(*session) string { return "/dashboard" }, nil},
		{"rates", 1, func(*session) string { return "/rates" }, nil},
		{"payments", 1, func(*session) string { return "/invoices/payments" }, nil},
		// The first bench client holds a million usage records (bench-data).
		{"usage detail 1M", 1, func(*session) string { return usageDetail }, sessions[0]},
	}
	if *only != "" {
		var keep []endpoint
		for _, e := range eps {
			for _, n := range strings.Split(*only, ",") {
				if strings.TrimSpace(n) == e.Name {
					keep = append(keep, e)
				}
			}
		}
		if len(keep) == 0 {
			log.Fatalf("bench: -only %q names no endpoint", *only)
		}
		eps = keep
	}
	rep := report{When: time.Now(), Base: *base, Clients: *scaleName, GenSeconds: *genSeconds, Placement: *placement}
	levels := parseLevels(*conns)
	for _, n := range levels {
		rep.Results = append(rep.Results, mixed(sessions, eps, n, *dur)...)
	}
	if *pid > 0 {
		rep.MixPeakRSSMB, _ = rss(*pid)
	}
	// Information page alone against the baseline, for the ratio.
	top := levels[len(levels)-1]
	rep.TopConns = top
	info, base := alternate(sessions, eps[0], top, *dur/2)
	rep.Results = append(rep.Results, info)
	if *baseline != "" {
		rep.Results = append(rep.Results, base)
		if base.RPS > 0 {
			rep.InfoVsBase = info.RPS / base.RPS
		}
	}
	issue20(&rep, sessions, eps, top)
	// Login measured apart: password hashing dominates it.
	lt := loginTimes
	for i := 0; i < *loginN-len(loginTimes) && i < *loginN; i++ {
		c := newClient()
		took, err := login(c, strconv.Itoa(*first+i%*count))
		if err == nil {
			lt = append(lt, took)
		}
	}
	rep.Results = append(rep.Results, summarize("login POST (serial)", 1, lt, 0, sumDur(lt)))
	if *loginEach > 0 {
		for _, n := range parseLevels(*loginConns) {
			rep.Logins = append(rep.Logins, loginBench(n, *loginEach))
		}
	}
	if *pid > 0 {
		rep.PeakRSSMB, rep.EndRSSMB = rss(*pid)
	}
	if *compare != "" {
		if err := compareScale(&rep, *compare); err != nil {
			log.Fatalf("bench: -compare: %v", err)
		}
	}
	targets25(&rep, top)
	print(rep)
	f := *jsonOut
	if f == "" {
		f = filepath.Join(*out, "bench-"+rep.When.Format("20060102-150405")+".json")
	}
	if err := os.MkdirAll(filepath.Dir(f), 0o755); err == nil {
		data, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(f, data, 0o644); err != nil {
			log.Fatalf("bench: %v", err)
		}
		fmt.Println("\nJSON:", f)
	}
}

func parseLevels(s string) []int {
	var out []int
	for _, p := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(p)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// mixed runs n workers for d, each on its own session, choosing endpoints by weight,
// and reports per endpoint.
func mixed(sessions []*session, eps []endpoint, n int, d time.Duration) []result {
	lat, errs := mixedRun(sessions, eps, n, d)
	var out []result
	for i, e := range eps {
		out = append(out, summarize(e.Name, n, lat[i], errs[i], d))
	}
	return out
}

// rounds is how many times alternate switches between the page and the baseline.
const rounds = 4

// alternate measures one page alone and the baseline in turns, d each in all. This
// machine's speed drifts within seconds (the same baseline measured 14,500 and
// 26,000 requests/s minutes apart), and one run of each back to back let that drift
// into the ratio; short alternating rounds give both the same conditions.
func alternate(sessions []*session, e endpoint, n int, d time.Duration) (page, base result) {
	slice := d / rounds
	var pl, bl []time.Duration
	var pe, be int
	for r := 0; r < rounds; r++ {
		lat, errs := mixedRun(sessions, []endpoint{e}, n, slice)
		pl, pe = append(pl, lat[0]...), pe+errs[0]
		if *baseline != "" {
			lat, errs := hammerRun(*baseline, "/", n, slice)
			bl, be = append(bl, lat...), be+errs
		}
	}
	return summarize(e.Name+" (alone)", n, pl, pe, slice*rounds),
		summarize("baseline (alone)", n, bl, be, slice*rounds)
}

// mixedRun keeps n connections busy for d, each picking endpoints by weight, and
// returns the latencies and errors per endpoint.
func mixedRun(sessions []*session, eps []endpoint, n int, d time.Duration) ([][]time.Duration, []int) {
	var bag []int
	for i, e := range eps {
		for w := 0; w < e.Weight; w++ {
			bag = append(bag, i)
		}
	}
	lat := make([][]time.Duration, len(eps))
	errs := make([]int, len(eps))
	var mu sync.Mutex
	var wg sync.WaitGroup
	stop := time.Now().Add(d)
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s := sessions[w%len(sessions)]
			r := rand.New(rand.NewSource(int64(w)))
			var local = make([][]time.Duration, len(eps))
			var localErr = make([]int, len(eps))
			for time.Now().Before(stop) {
				i := bag[r.Intn(len(bag))]
				start := time.Now()
				es := s
				if eps[i].fixed != nil {
					es = eps[i].fixed
				}
				code, err := fetch(*base, eps[i].path(es), es.cookie, es.addr)
				took := time.Since(start)
				if err != nil || code != 200 {
					localErr[i]++
					continue
				}
				local[i] = append(local[i], took)
			}
			mu.Lock()
			for i := range eps {
				lat[i] = append(lat[i], local[i]...)
				errs[i] += localErr[i]
			}
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	return lat, errs
}

// hammerRun keeps n connections busy on one unauthenticated path for d.
func hammerRun(base, path string, n int, d time.Duration) ([]time.Duration, int) {
	var lat []time.Duration
	var errs int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	stop := time.Now().Add(d)
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var local []time.Duration
			for time.Now().Before(stop) {
				start := time.Now()
				code, err := fetch(base, path, "", "")
				if err != nil || code != 200 {
					atomic.AddInt64(&errs, 1)
					continue
				}
				local = append(local, time.Since(start))
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	return lat, int(errs)
}

func summarize(name string, conns int, lat []time.Duration, errs int, d time.Duration) result {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000
	}
	return result{Endpoint: name, Conns: conns, Requests: len(lat), RPS: float64(len(lat)) / d.Seconds(),
		P50ms: pct(0.50), P99ms: pct(0.99), Errors: errs}
}

func sumDur(ds []time.Duration) time.Duration {
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	if t == 0 {
		t = time.Millisecond
	}
	return t
}

// rss reads the server's peak (VmHWM) and current (VmRSS) resident memory in MB.
func rss(pid int) (peak, cur float64) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmHWM:":
			peak = kb / 1024
		case "VmRSS:":
			cur = kb / 1024
		}
	}
	return peak, cur
}

func print(rep report) {
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "endpoint\tconns\trequests\treq/s\tp50 ms\tp99 ms\terrors\t")
	for _, r := range rep.Results {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%.2f\t%.2f\t%d\t\n", r.Endpoint, r.Conns, r.Requests, r.RPS, r.P50ms, r.P99ms, r.Errors)
	}
	tw.Flush()
	fmt.Printf("\nserver memory: peak RSS %.1f MB during the page mix, %.1f MB in all, at end %.1f MB\n", rep.MixPeakRSSMB, rep.PeakRSSMB, rep.EndRSSMB)
	if rep.InfoVsBase > 0 {
		fmt.Printf("information page: %.0f%% of the baseline's requests/s\n", rep.InfoVsBase*100)
	}
	printIssue20(rep)
	printIssue25(rep)
}
