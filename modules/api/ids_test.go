package api

import (
	"testing"

	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/services"
)

// A deleted object's id is never handed to a new one: the new client's staff card
// would show the deleted client's audit history, a new service the deleted one's
// traffic, and a caller holding the old id would change the new object.
func TestDeletedIDsAreNeverReused(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	e.call(sid, "tariffs.add", map[string]any{"external_id": "T1", "name": "Fiber", "kind": "internet", "price": 49900}).OK(t, nil)
	var c1, c2, c3 rpc.Saved
	e.call(sid, "clients.add", map[string]any{"external_id": "C1", "number": "7001", "name": "Jana"}).OK(t, &c1)
	e.call(sid, "clients.add", map[string]any{"external_id": "C2", "number": "7002", "name": "Petr"}).OK(t, &c2)
	var s2 rpc.Saved
	e.call(sid, "services.add", map[string]any{"external_id": "S2", "client_external_id": "C2", "tariff_external_id": "T1",
		"name": "Internet"}).OK(t, &s2)
	var push services.TrafficPushResult
	e.call(sid, "traffic.push", map[string]any{"samples": []any{
		map[string]any{"service_external_id": "S2", "at": "2026-11-01T10:00:00Z", "bytes_down": 1000, "bytes_up": 10},
		map[string]any{"service_external_id": "S2", "at": "2026-11-01T10:05:00Z", "bytes_down": 5_000_000, "bytes_up": 500}}}).OK(t, &push)
	if push.Accepted != 2 {
		t.Fatalf("traffic %+v", push)
	}

	// Deleting the client with the highest id (and so its service, the highest too).
	e.call(sid, "clients.delete", map[string]any{"external_id": "C2"}).OK(t, nil)
	if n := e.count(`SELECT COUNT(*) FROM traffic_counters WHERE service_id = ?`, s2.ID) +
		e.count(`SELECT COUNT(*) FROM traffic_5m WHERE service_id = ?`, s2.ID); n != 0 {
		t.Fatalf("%d traffic rows of the deleted client's service left", n)
	}
	e.call(sid, "clients.add", map[string]any{"external_id": "C3", "number": "7003", "name": "Eva"}).OK(t, &c3)
	if c3.ID == c2.ID || c3.ID < c2.ID {
		t.Fatalf("new client got id %d, the deleted client had %d", c3.ID, c2.ID)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE client_id = ?`, c3.ID); n != 1 {
		t.Fatalf("the new client's history has %d entries, want only its creation", n)
	}
	var s3 rpc.Saved
	e.call(sid, "services.add", map[string]any{"external_id": "S3", "client_external_id": "C3", "tariff_external_id": "T1",
		"name": "Internet"}).OK(t, &s3)
	if s3.ID <= s2.ID {
		t.Fatalf("new service got id %d, the deleted one had %d", s3.ID, s2.ID)
	}
	// The deleted client's id now names nobody.
	e.call(sid, "clients.get", map[string]any{"id": c2.ID}).Refused(t, "not_found")

	// The same for the other objects the API deletes by id.
	docs := func() int64 {
		var s rpc.Saved
		e.call(sid, "buttons.add", map[string]any{"external_id": "B", "label_en": "Speed test", "url": "https://speed.example.net/"}).OK(t, &s)
		return s.ID
	}
	b1 := docs()
	e.call(sid, "buttons.delete", map[string]any{"external_id": "B"}).OK(t, nil)
	if b2 := docs(); b2 <= b1 {
		t.Fatalf("button id %d reused (was %d)", b2, b1)
	}
	// SQLite: AUTOINCREMENT tables; PostgreSQL: identity columns (never reuse an id).
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ? AND sql LIKE '%AUTOINCREMENT%'`
	if e.Deps.DB.Dialect == db.Postgres {
		q = `SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?
			AND column_name = 'id' AND is_identity = 'YES'`
	}
	for _, table := range []string{"clients", "staff", "invoice_groups", "services", "documents", "files", "info_messages", "custom_buttons"} {
		if n := e.count(q, table); n != 1 {
			t.Errorf("table %s does not use AUTOINCREMENT (SQLite) or an identity id (PostgreSQL)", table)
		}
	}
}
