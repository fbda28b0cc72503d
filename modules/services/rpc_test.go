package services_test

import (
	"testing"
	"time"

	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/services"
)

func TestTariffsAndServices(t *testing.T) {
	e := testkit.New(t, services.New, admin.New, api.New).API()
	sid := e.Admin()
	var tr rpc.Saved
	tariff := map[string]any{"external_id": "T1", "name": "Fiber", "kind": "internet", "price": 49900, "down_kbit": 250000}
	e.Call(sid, "tariffs.add", tariff).OK(t, &tr)
	tariff["price"] = 59900
	var tr2 rpc.Saved
	e.Call(sid, "tariffs.add", tariff).OK(t, &tr2)
	if !tr.Created || tr2.Created || tr2.ID != tr.ID {
		t.Fatalf("tariff upsert %+v %+v", tr, tr2)
	}
	var to services.TariffOut
	e.Call(sid, "tariffs.get", map[string]any{"external_id": "T1"}).OK(t, &to)
	if to.Price != 59900 || to.Currency != "CZK" {
		t.Fatalf("tariff %+v", to)
	}
	var tl services.TariffList
	e.Call(sid, "tariffs.list", nil).OK(t, &tl)
	if len(tl.Tariffs) != 1 {
		t.Fatalf("tariffs %+v", tl)
	}
	e.Call(sid, "tariffs.add", map[string]any{"external_id": "T2", "name": "X", "kind": "radio"}).Fails(t, rpc.CodeInvalidParams, "kind")

	e.Call(sid, "clients.add", map[string]any{"external_id": "C1", "number": "9001", "name": "Alice"}).OK(t, nil)
	e.Call(sid, "clients.add", map[string]any{"external_id": "C2", "number": "9002", "name": "Bob"}).OK(t, nil)
	svc := map[string]any{"external_id": "S1", "client_external_id": "C1", "tariff_external_id": "T1", "name": "Internet",
		"ip": "192.0.2.7", "mac": "00:11:22:33:44:55", "activated_on": "2026-01-15",
		"params": []any{map[string]any{"name": "Gateway", "value": "192.0.2.1"}}}
	var s1, s2 rpc.Saved
	e.Call(sid, "services.add", svc).OK(t, &s1)
	svc["name"] = "Internet 250"
	e.Call(sid, "services.add", svc).OK(t, &s2)
	if !s1.Created || s2.Created || s1.ID != s2.ID || e.Count(`SELECT COUNT(*) FROM services`) != 1 {
		t.Fatalf("service upsert %+v %+v", s1, s2)
	}
	var so services.ServiceOut
	e.Call(sid, "services.get", map[string]any{"external_id": "S1"}).OK(t, &so)
	if so.Name != "Internet 250" || so.Kind != "internet" || so.TariffExternalID != "T1" || len(so.Params) != 1 || so.IP != "192.0.2.7" {
		t.Fatalf("service %+v", so)
	}
	var sl services.ServiceList
	e.Call(sid, "services.list", map[string]any{"client_external_id": "C1"}).OK(t, &sl)
	if len(sl.Services) != 1 {
		t.Fatalf("list %+v", sl)
	}
	e.Call(sid, "services.list", map[string]any{"client_external_id": "C2"}).OK(t, &sl)
	if len(sl.Services) != 0 {
		t.Fatalf("another client's list %+v", sl)
	}
	// Moving a service to another client is refused.
	svc["client_external_id"] = "C2"
	e.Call(sid, "services.add", svc).Refused(t, "conflict", "another client")
	// Bad values name the field.
	svc["client_external_id"], svc["ip"] = "C1", "999.1.1.1"
	e.Call(sid, "services.add", svc).Fails(t, rpc.CodeInvalidParams, `"field":"ip"`)
	svc["ip"], svc["activated_on"] = "", "15.1.2026"
	e.Call(sid, "services.add", svc).Fails(t, rpc.CodeInvalidParams, `"field":"activated_on"`)
	delete(svc, "activated_on")
	delete(svc, "tariff_external_id")
	e.Call(sid, "services.add", svc).Fails(t, rpc.CodeInvalidParams, "tariff_id")

	var d rpc.Deleted
	e.Call(sid, "services.delete", map[string]any{"id": s1.ID}).OK(t, &d)
	if !d.Deleted || e.Count(`SELECT COUNT(*) FROM services`) != 0 {
		t.Fatal("service not deleted")
	}
	e.Call(sid, "services.delete", map[string]any{"id": s1.ID}).OK(t, &d)
	if d.Deleted {
		t.Fatal("second delete claims a deletion")
	}
	e.Call(sid, "services.get", map[string]any{"id": s1.ID}).Refused(t, "not_found")
}

func TestTrafficPush(t *testing.T) {
	e := testkit.New(t, services.New, admin.New, api.New).API()
	sid := e.Admin()
	e.Call(sid, "tariffs.add", map[string]any{"external_id": "T1", "name": "Fiber", "kind": "internet"}).OK(t, nil)
	e.Call(sid, "clients.add", map[string]any{"external_id": "C1", "number": "9001", "name": "Alice"}).OK(t, nil)
	var s rpc.Saved
	e.Call(sid, "services.add", map[string]any{"external_id": "S1", "client_external_id": "C1", "tariff_external_id": "T1", "name": "Internet"}).OK(t, &s)

	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var samples []any
	for i := 0; i < 12; i++ {
		samples = append(samples, map[string]any{"service_external_id": "S1", "at": t0.Add(time.Duration(i) * 5 * time.Minute),
			"bytes_down": 1000 * i, "bytes_up": 100 * i})
	}
	samples = append(samples,
		map[string]any{"service_external_id": "S404", "at": t0, "bytes_down": 1, "bytes_up": 1},
		map[string]any{"service_id": s.ID + 100, "at": t0, "bytes_down": 1, "bytes_up": 1},
		map[string]any{"service_id": s.ID, "at": "1970-01-01T00:00:00Z", "bytes_down": 1, "bytes_up": 1},
	)
	var res services.TrafficPushResult
	e.Call(sid, "traffic.push", map[string]any{"samples": samples}).OK(t, &res)
	if res.Accepted != 12 || len(res.Rejected) != 3 || res.Rejected[0].Index != 12 || res.Rejected[2].Index != 14 {
		t.Fatalf("push: %+v", res)
	}
	// Resending the same readings is harmless.
	e.Call(sid, "traffic.push", map[string]any{"samples": samples[:12]}).OK(t, &res)
	if res.Accepted != 0 || res.Duplicates != 12 {
		t.Fatalf("resend: %+v", res)
	}
	if n := e.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.traffic.push'`); n != 2 {
		t.Fatalf("%d audit entries", n)
	}
	e.Call(sid, "traffic.push", map[string]any{"samples": []any{}}).Fails(t, rpc.CodeInvalidParams, "samples")
	e.Call(sid, "traffic.push", map[string]any{"samples": []any{map[string]any{"service_id": s.ID, "at": "yesterday"}}}).
		Fails(t, rpc.CodeInvalidParams)
	e.Call(sid, "traffic.push", map[string]any{"samples": []any{map[string]any{"service_id": s.ID, "bytes_down": -5}}}).
		Fails(t, rpc.CodeInvalidParams, "bytes_down")
}
