package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/rpc"
)

func TestProtocolErrors(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	cases := []struct {
		name   string
		body   string
		status int
		code   int
		want   string
	}{
		{"malformed JSON", `{"jsonrpc": "2.0", "method": `, 200, rpc.CodeParse, "parse error"},
		{"not an object", `"hello"`, 200, rpc.CodeInvalidRequest, "call is an object"},
		{"empty batch", `[]`, 200, rpc.CodeInvalidRequest, "empty batch"},
		{"wrong version", `{"jsonrpc": "1.0", "method": "session.info", "id": 1, "SID": "` + sid + `"}`, 200, rpc.CodeInvalidRequest, `"2.0"`},
		{"object id", `{"jsonrpc": "2.0", "method": "session.info", "id": {}, "SID": "` + sid + `"}`, 200, rpc.CodeInvalidRequest, "id must be"},
		{"unknown member", `{"jsonrpc": "2.0", "method": "session.info", "id": 1, "extra": 1}`, 200, rpc.CodeInvalidRequest, "extra"},
		{"unknown method", `{"jsonrpc": "2.0", "method": "clients.explode", "id": 1, "SID": "` + sid + `"}`, 200, rpc.CodeUnknownMethod, "clients.explode"},
		{"params not an object", `{"jsonrpc": "2.0", "method": "clients.get", "params": [1], "id": 1, "SID": "` + sid + `"}`, 200, rpc.CodeInvalidParams, "object"},
		{"deep nesting", `{"jsonrpc": "2.0", "method": "clients.get", "id": 1, "params": ` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`,
			200, rpc.CodeInvalidRequest, "nested deeper"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.post("/jsonrpc", []byte(tc.body))
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, body)
			}
			var r rpcResp
			if err := json.Unmarshal(body, &r); err != nil {
				t.Fatalf("%s: %v", body, err)
			}
			r.Fails(t, tc.code, tc.want)
			if r.JSONRPC != "2.0" {
				t.Fatalf("jsonrpc member %q", r.JSONRPC)
			}
		})
	}
}

func TestContentTypeSizeAndMethod(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	call := []byte(`{"jsonrpc": "2.0", "method": "session.info", "id": 1, "SID": "` + sid + `"}`)

	status, body := e.post("/jsonrpc", call, "Content-Type", "text/plain")
	if status != http.StatusUnsupportedMediaType || !bytes.Contains(body, []byte("application/json")) {
		t.Fatalf("text/plain: %d %s", status, body)
	}
	// A form post (what a cross-site HTML form can send) is refused the same way.
	status, _ = e.post("/jsonrpc", call, "Content-Type", "application/x-www-form-urlencoded")
	if status != http.StatusUnsupportedMediaType {
		t.Fatalf("form: %d", status)
	}
	// With charset it is fine.
	status, body = e.post("/jsonrpc", call, "Content-Type", "application/json; charset=utf-8")
	if status != 200 || !bytes.Contains(body, []byte(`"code":true`)) {
		t.Fatalf("json with charset: %d %s", status, body)
	}

	// 10 MB of valid JSON: refused before decoding, nothing stored.
	big := `{"jsonrpc": "2.0", "method": "clients.add", "id": 1, "SID": "` + sid + `", "params": {"external_id": "x", "number": "1", "name": "` +
		strings.Repeat("a", 10<<20) + `"}}`
	status, body = e.post("/jsonrpc", []byte(big))
	if status != http.StatusRequestEntityTooLarge || !bytes.Contains(body, []byte("8 MB")) {
		t.Fatalf("10 MB: %d %.300s", status, body)
	}
	if n := e.count(`SELECT COUNT(*) FROM clients`); n != 0 {
		t.Fatalf("%d clients after refused body", n)
	}

	resp, err := e.HTTP.Get(e.URL + "/jsonrpc")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET /jsonrpc: %d", resp.StatusCode)
	}
}

func TestBatch(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()

	// A batch: answers in order with their ids; a notification gets none; a bad call
	// does not stop the others.
	body := fmt.Sprintf(`[
		{"jsonrpc": "2.0", "method": "session.info", "id": "a", "SID": %q},
		{"jsonrpc": "2.0", "method": "nope", "id": 2},
		{"jsonrpc": "2.0", "method": "session.info"},
		{"jsonrpc": "2.0", "method": "invoiceGroups.list", "id": 3}
	]`, sid)
	status, out := e.post("/jsonrpc", []byte(body))
	var rs []rpcResp
	if err := json.Unmarshal(out, &rs); err != nil || status != 200 {
		t.Fatalf("%d %s: %v", status, out, err)
	}
	if len(rs) != 3 {
		t.Fatalf("%d answers, want 3 (no answer to the notification): %s", len(rs), out)
	}
	if string(rs[0].ID) != `"a"` || string(rs[1].ID) != "2" || string(rs[2].ID) != "3" {
		t.Fatalf("ids %s %s %s", rs[0].ID, rs[1].ID, rs[2].ID)
	}
	rs[0].OK(t, nil)
	rs[1].Fails(t, rpc.CodeUnknownMethod)
	// The last call brought no SID: it ran in the session of the first one.
	rs[2].OK(t, nil)

	// Only notifications: 204 and no body.
	status, out = e.post("/jsonrpc", []byte(`[{"jsonrpc": "2.0", "method": "session.info", "SID": "`+sid+`"}]`))
	if status != http.StatusNoContent || len(out) != 0 {
		t.Fatalf("notifications only: %d %q", status, out)
	}

	// 10,000 calls: one error, nothing run.
	calls := make([]string, 10000)
	for i := range calls {
		calls[i] = fmt.Sprintf(`{"jsonrpc": "2.0", "method": "clients.add", "id": %d, "SID": %q, "params": {"external_id": "b%d", "number": "%d", "name": "B"}}`,
			i, sid, i, i)
	}
	// (1.5 MB: the session travels in the header, which admits bodies above 64 KiB.)
	status, out = e.post("/jsonrpc", []byte("["+strings.Join(calls, ",")+"]"), "X-Session-Id", sid)
	if status != http.StatusOK {
		t.Fatalf("10,000 calls: status %d", status)
	}
	var r rpcResp
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("10,000 calls: want one error object, got %.200s", out)
	}
	r.Fails(t, rpc.CodeInvalidRequest, "at most 1000")
	if n := e.count(`SELECT COUNT(*) FROM clients`); n != 0 {
		t.Fatalf("%d clients stored from a refused batch", n)
	}

	// 1000 calls are fine.
	status, out = e.post("/jsonrpc", []byte("["+strings.Join(calls[:1000], ",")+"]"), "X-Session-Id", sid)
	rs = nil
	if err := json.Unmarshal(out, &rs); err != nil || len(rs) != 1000 {
		t.Fatalf("1000 calls: %d %.200s", status, out)
	}
	for i := range rs {
		rs[i].OK(t, nil)
	}
	if n := e.count(`SELECT COUNT(*) FROM clients`); n != 1000 {
		t.Fatalf("%d clients after 1000 adds", n)
	}
}

func TestDepthOK(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{strings.Repeat("[", 32) + strings.Repeat("]", 32), true},
		{strings.Repeat("[", 33) + strings.Repeat("]", 33), false},
		// Brackets inside strings do not count, escaped quotes do not end a string.
		{`{"a": "` + strings.Repeat("[", 100) + `\"` + strings.Repeat("{", 100) + `"}`, true},
	}
	for _, tc := range cases {
		if got := depthOK([]byte(tc.in), 32); got != tc.want {
			t.Errorf("depthOK(%.40q) = %t, want %t", tc.in, got, tc.want)
		}
	}
}
