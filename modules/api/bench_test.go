package api

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/modules/services"
)

// BenchmarkPushClients pushes 10,000 clients with one service each through clients.push
// over real HTTP: batches of 10 calls of 100 clients each per request.
func BenchmarkPushClients(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b)
		e.addStaff("billing", core.RoleAPI)
		sid := e.login("billing")
		e.call(sid, "tariffs.add", map[string]any{"external_id": "T1", "name": "Fiber", "kind": "internet", "price": 49900}).OK(b, nil)
		bodies := pushClientBodies(sid, 10000, 100, 10)
		b.StartTimer()
		start := time.Now()
		for _, body := range bodies {
			status, out := e.post("/jsonrpc", body)
			if status != 200 || len(out) < 10 {
				b.Fatalf("%d %s", status, out)
			}
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/10k-clients")
		b.StopTimer()
		if n := e.count(`SELECT COUNT(*) FROM services`); n != 10000 {
			b.Fatalf("%d services", n)
		}
		b.StartTimer()
	}
}

func pushClientBodies(sid string, n, perCall, callsPerBatch int) [][]byte {
	var bodies [][]byte
	var batch []map[string]any
	for i := 0; i < n; i += perCall {
		var clients []any
		for j := i; j < i+perCall && j < n; j++ {
			clients = append(clients, map[string]any{"external_id": fmt.Sprintf("C%d", j), "number": fmt.Sprintf("%d", 100000+j),
				"name": fmt.Sprintf("Client %d", j), "email": fmt.Sprintf("c%d@example.net", j), "city": "Praha",
				"services": []any{map[string]any{"external_id": fmt.Sprintf("S%d", j), "tariff_external_id": "T1", "name": "Internet"}}})
		}
		batch = append(batch, map[string]any{"jsonrpc": "2.0", "id": i, "method": "clients.push", "SID": sid,
			"params": map[string]any{"clients": clients}})
		if len(batch) == callsPerBatch {
			b, _ := json.Marshal(batch)
			bodies = append(bodies, b)
			batch = nil
		}
	}
	if len(batch) > 0 {
		b, _ := json.Marshal(batch)
		bodies = append(bodies, b)
	}
	return bodies
}

// BenchmarkPushTrafficDay pushes one day of 5-minute counter readings (288 per
// service) for benchServices services through traffic.push over real HTTP, 50,000
// samples per call.
func BenchmarkPushTrafficDay(b *testing.B) {
	const nServices = benchServices
	for b.Loop() {
		b.StopTimer()
		e := newEnv(b)
		e.addStaff("billing", core.RoleAPI)
		sid := e.login("billing")
		e.call(sid, "tariffs.add", map[string]any{"external_id": "T1", "name": "Fiber", "kind": "internet"}).OK(b, nil)
		for _, body := range pushClientBodies(sid, nServices, 1000, 10) {
			e.post("/jsonrpc", body)
		}
		b.StartTimer()
		start := time.Now()
		t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		samples := make([]services.TrafficSample, 0, 50000)
		total := 0
		flush := func() {
			body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "traffic.push", "SID": sid,
				"params": services.TrafficPushParams{Samples: samples}})
			status, out := e.post("/jsonrpc", body)
			var r rpcResp
			if json.Unmarshal(out, &r) != nil || status != 200 {
				b.Fatalf("%d %.300s", status, out)
			}
			var res services.TrafficPushResult
			r.OK(b, &res)
			if len(res.Rejected) > 0 {
				b.Fatalf("rejected %+v", res.Rejected[0])
			}
			total += len(samples)
			samples = samples[:0]
		}
		for s := 0; s < nServices; s++ {
			var down, up uint64
			for k := 0; k < 288; k++ {
				down += 3_000_000 + uint64(k*1000)
				up += 300_000
				samples = append(samples, services.TrafficSample{ServiceExternalID: fmt.Sprintf("S%d", s), At: t0.Add(time.Duration(k) * 5 * time.Minute),
					BytesDown: down, BytesUp: up})
				if len(samples) == cap(samples) {
					flush()
				}
			}
		}
		if len(samples) > 0 {
			flush()
		}
		el := time.Since(start)
		b.ReportMetric(el.Seconds(), "s/day")
		b.ReportMetric(float64(total)/el.Seconds(), "samples/s")
		b.ReportMetric(el.Seconds()*10000/float64(nServices), "s/day-10k-services(extrapolated)")
	}
}
