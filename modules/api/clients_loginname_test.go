package api

import (
	"testing"
)

// TestClientLoginNamesDoNotCollide: a client's number and username are both login
// names, so neither may be another client's number or username (without regard to case,
// as the login looks usernames up). Every client write refuses a collision with a
// conflict naming the field by its request path, and stores nothing.
func TestClientLoginNamesDoNotCollide(t *testing.T) {
	e := newEnv(t)
	e.Set("ci_enable_login_name_creation", "1") // usernames can be created (item 21)
	sid := e.admin()
	client := func(ext, number, username string) map[string]any {
		return map[string]any{"external_id": ext, "number": number, "username": username, "name": "Client " + ext}
	}
	e.call(sid, "clients.add", client("A", "1001", "")).OK(t, nil)
	e.call(sid, "clients.add", client("B", "1002", "novak")).OK(t, nil)
	e.call(sid, "clients.add", client("C", "X-77", "")).OK(t, nil)
	// A client's username may be its own number.
	e.call(sid, "clients.add", client("D", "1004", "1004")).OK(t, nil)

	field := func(r rpcResp, want string) {
		t.Helper()
		if r.Error != nil {
			t.Fatalf("want conflict on %s, got error %d: %s", want, r.Error.Code, r.Error.Message)
		}
		if r.Result.Code || len(r.Result.Errors) != 1 {
			t.Fatalf("want one conflict on %s, got %+v", want, r.Result)
		}
		if got := r.Result.Errors[0]; got.Kind != "conflict" || got.Field != want {
			t.Fatalf("want conflict on %s, got %+v", want, got)
		}
	}
	field(e.call(sid, "clients.add", client("E", "1005", "1001")), "username")
	field(e.call(sid, "clients.add", client("E", "1005", "x-77")), "username") // usernames ignore case
	field(e.call(sid, "clients.add", client("E", "novak", "")), "number")
	field(e.call(sid, "clients.add", client("E", "NOVAK", "")), "number")
	field(e.call(sid, "clients.add", client("E", "1005", "NOVAK")), "username")
	// An update by external id (clients.add is an upsert) is checked the same way.
	field(e.call(sid, "clients.add", client("A", "1001", "1002")), "username")
	field(e.call(sid, "clients.edit", map[string]any{"external_id": "A", "username": "1002"}), "username")
	field(e.call(sid, "clients.edit", map[string]any{"external_id": "A", "number": "Novak"}), "number")
	field(e.call(sid, "clients.edit", map[string]any{"external_id": "B", "username": "1001"}), "username")
	field(e.call(sid, "clients.push", map[string]any{"clients": []any{client("F", "1006", ""), client("G", "1007", "1002")}}),
		"clients[1].username")
	field(e.call(sid, "clients.push", map[string]any{"clients": []any{client("F", "1006", "frank"), client("G", "frank", "")}}),
		"clients[1].number")

	if n := e.count(`SELECT COUNT(*) FROM clients`); n != 4 {
		t.Fatalf("%d clients after refused writes, want 4", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM clients WHERE external_id = 'A' AND number = '1001' AND username IS NULL`); n != 1 {
		t.Fatal("a refused edit changed client A")
	}
	// Changing one's own names without a collision still works.
	e.call(sid, "clients.edit", map[string]any{"external_id": "B", "username": "NOVAK"}).OK(t, nil)
	e.call(sid, "clients.edit", map[string]any{"external_id": "A", "username": "1001"}).OK(t, nil)
}
