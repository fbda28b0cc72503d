package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/documents"
)

// postRPC posts a raw body and decodes the single answer.
func (e *apiEnv) postRPC(t *testing.T, body string) (int, rpcResp) {
	t.Helper()
	status, out := e.post("/jsonrpc", []byte(body))
	var r rpcResp
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("status %d, undecodable answer %q: %v", status, out, err)
	}
	return status, r
}

// errField is the data.field of an error answer.
func errField(t *testing.T, r rpcResp) string {
	t.Helper()
	if r.Error == nil {
		t.Fatalf("want an error, got %+v", r.Result)
	}
	var d rpc.FieldData
	json.Unmarshal(r.Error.Data, &d)
	return d.Field
}

// Member and parameter names are matched exactly: encoding/json alone would accept
// "Method", "NAME" or "Login" for method, name and login.
func TestMemberNamesAreExact(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	cases := []struct {
		name  string
		body  string
		code  int
		field string
	}{
		{"call member case", `{"JSONRPC": "2.0", "method": "session.info", "id": 1, "SID": "` + sid + `"}`, rpc.CodeInvalidRequest, "JSONRPC"},
		{"method member case", `{"jsonrpc": "2.0", "Method": "session.info", "id": 1, "SID": "` + sid + `"}`, rpc.CodeInvalidRequest, "Method"},
		{"SID member case", `{"jsonrpc": "2.0", "method": "session.info", "id": 1, "sid": "` + sid + `"}`, rpc.CodeInvalidRequest, "sid"},
		{"duplicate method", `{"jsonrpc": "2.0", "method": "session.info", "method": "clients.delete", "id": 1, "SID": "` + sid + `"}`,
			rpc.CodeInvalidRequest, "method"},
		{"param case", `{"jsonrpc": "2.0", "method": "clients.add", "id": 1, "SID": "` + sid + `",
			"params": {"external_id": "X1", "number": "7001", "NAME": "Eve"}}`, rpc.CodeInvalidParams, "NAME"},
		{"nested param case", `{"jsonrpc": "2.0", "method": "clients.push", "id": 1, "SID": "` + sid + `",
			"params": {"clients": [{"external_id": "X1", "number": "7001", "name": "Eve", "services": [{"External_ID": "S"}]}]}}`,
			rpc.CodeInvalidParams, "clients[0].services[0].External_ID"},
		{"duplicate param", `{"jsonrpc": "2.0", "method": "clients.add", "id": 1, "SID": "` + sid + `",
			"params": {"external_id": "X1", "number": "7001", "name": "Eve", "name": "Mallory"}}`, rpc.CodeInvalidParams, "name"},
		{"auth member case", `{"jsonrpc": "2.0", "method": "session.info", "id": 1,
			"auth": {"Login": "boss", "password": "` + testPassword + `"}}`, rpc.CodeInvalidRequest, "auth.Login"},
		{"auth in params case", `{"jsonrpc": "2.0", "method": "session.info", "id": 1,
			"params": {"auth": {"login": "boss", "PASSWORD": "` + testPassword + `"}}}`, rpc.CodeInvalidParams, "auth.PASSWORD"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, r := e.postRPC(t, tc.body)
			r.Fails(t, tc.code)
			if f := errField(t, r); f != tc.field {
				t.Fatalf("field %q, want %q (%s)", f, tc.field, r.Error.Message)
			}
			if string(r.ID) != "1" {
				t.Fatalf("id %s, want the call's id 1", r.ID)
			}
		})
	}
	if n := e.count(`SELECT COUNT(*) FROM clients`); n != 0 {
		t.Fatalf("%d clients stored by refused calls", n)
	}
	// The exact names still work.
	e.call(sid, "clients.add", map[string]any{"external_id": "X1", "number": "7001", "name": "Eve"}).OK(t, nil)
}

// A call that is not a valid request gets an error object with id null, also when it
// has no id: only a valid call without id is a notification that gets no answer.
func TestInvalidRequestWithoutID(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	for _, body := range []string{
		`{"jsonrpc": "1.0", "method": "session.info", "SID": "` + sid + `"}`,
		`{"method": "session.info", "SID": "` + sid + `"}`,
		`{"jsonrpc": "2.0", "SID": "` + sid + `"}`,
		`{"jsonrpc": "2.0", "method": 5, "SID": "` + sid + `"}`,
		`{"jsonrpc": "2.0", "method": "session.info", "params": "x", "SID": "` + sid + `"}`,
		`{"jsonrpc": "2.0", "method": "session.info", "extra": 1, "SID": "` + sid + `"}`,
		`{"jsonrpc": "2.0", "Method": "session.info", "SID": "` + sid + `"}`,
		`{"jsonrpc": "2.0", "method": "session.info", "id": {}, "SID": "` + sid + `"}`,
	} {
		status, r := e.postRPC(t, body)
		if status != http.StatusOK {
			t.Fatalf("%s: status %d", body, status)
		}
		r.Fails(t, rpc.CodeInvalidRequest)
		if string(r.ID) != "null" {
			t.Fatalf("%s: id %s, want null", body, r.ID)
		}
	}
	// In a batch: one error object per invalid call, none for the valid notification.
	status, out := e.post("/jsonrpc", []byte(`[{"jsonrpc": "1.0", "method": "session.info"},
		{"jsonrpc": "2.0", "method": "session.info", "SID": "`+sid+`"}, 7]`))
	var rs []rpcResp
	if err := json.Unmarshal(out, &rs); err != nil || status != 200 || len(rs) != 2 {
		t.Fatalf("batch: %d %s", status, out)
	}
	for _, r := range rs {
		r.Fails(t, rpc.CodeInvalidRequest)
		if string(r.ID) != "null" {
			t.Fatalf("batch: id %s", r.ID)
		}
	}
	// A valid notification, even of a method that fails, still gets nothing.
	for _, body := range []string{
		`{"jsonrpc": "2.0", "method": "session.info", "SID": "` + sid + `"}`,
		`{"jsonrpc": "2.0", "method": "nope", "SID": "` + sid + `"}`,
		`{"jsonrpc": "2.0", "method": "clients.get", "params": {"id": "x"}, "SID": "` + sid + `"}`,
	} {
		status, out := e.post("/jsonrpc", []byte(body))
		if status != http.StatusNoContent || len(out) != 0 {
			t.Fatalf("notification %s: %d %q", body, status, out)
		}
	}
}

// Errors inside arrays and embedded structs name the request's path.
func TestNestedErrorPaths(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	client := func(i int) map[string]any {
		return map[string]any{"external_id": fmt.Sprintf("P%d", i), "number": fmt.Sprint(8000 + i), "name": "N"}
	}
	clients := func(bad map[string]any, at int) []any {
		out := []any{}
		for i := 0; i < 5; i++ {
			c := client(i)
			if i == at {
				for k, v := range bad {
					c[k] = v
				}
			}
			out = append(out, c)
		}
		return out
	}
	samples := func(bad map[string]any, at int) []any {
		out := []any{}
		for i := 0; i < 20; i++ {
			s := map[string]any{"service_external_id": "S", "at": "2026-11-02T10:00:00Z", "bytes_down": 1, "bytes_up": 1}
			if i == at {
				for k, v := range bad {
					s[k] = v
				}
			}
			out = append(out, s)
		}
		return out
	}
	cases := []struct {
		name, method string
		params       map[string]any
		field        string
	}{
		{"type in embedded struct", "clients.push", map[string]any{"clients": clients(map[string]any{"number": 12}, 3)}, "clients[3].number"},
		{"rule in embedded struct", "clients.push", map[string]any{"clients": clients(map[string]any{"name": strings.Repeat("n", 201)}, 3)},
			"clients[3].name"},
		{"unknown in array", "clients.push", map[string]any{"clients": clients(map[string]any{"nickname": "x"}, 2)}, "clients[2].nickname"},
		{"nested array", "clients.push", map[string]any{"clients": clients(map[string]any{"services": []any{
			map[string]any{"external_id": "S1", "name": "I", "tariff_external_id": "T"},
			map[string]any{"external_id": "S2", "name": "I", "tariff_external_id": "T", "price_override": "cheap"}}}, 1)},
			"clients[1].services[1].price_override"},
		{"uint type", "traffic.push", map[string]any{"samples": samples(map[string]any{"bytes_down": "many"}, 17)}, "samples[17].bytes_down"},
		{"uint sign", "traffic.push", map[string]any{"samples": samples(map[string]any{"bytes_down": -1}, 17)}, "samples[17].bytes_down"},
		{"time", "traffic.push", map[string]any{"samples": samples(map[string]any{"at": "yesterday"}, 4)}, "samples[4].at"},
		{"int range", "clients.get", map[string]any{"id": 1e30}, "id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call(sid, tc.method, tc.params)
			r.Fails(t, rpc.CodeInvalidParams)
			if f := errField(t, r); f != tc.field {
				t.Fatalf("field %q, want %q (%s)", f, tc.field, r.Error.Message)
			}
			if !strings.Contains(r.Error.Message, tc.field+": ") {
				t.Fatalf("message %q does not name %s", r.Error.Message, tc.field)
			}
		})
	}
}

// The file endpoint reads type, id and external_id from a POSTed form too, like the
// credentials it already took from there.
func TestFileFormBodyParams(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	setupClient(t, e, sid)
	doc := []byte("%PDF-1.4\ncontract\n%%EOF\n")
	up := "/jsonrpc/file?type=document&client_external_id=C1&external_id=D1&title=Contract&kind=contract"
	if status, body, _ := e.file(http.MethodPost, up, doc, "X-Session-Id", sid, "Content-Type", "application/pdf"); status != 200 {
		t.Fatalf("upload: %d %s", status, body)
	}
	var dl documents.DocumentList
	e.call(sid, "documents.list", map[string]any{"client_external_id": "C1"}).OK(t, &dl)
	if len(dl.Documents) != 1 {
		t.Fatalf("documents %+v", dl)
	}
	id := fmt.Sprint(dl.Documents[0].ID)
	for _, form := range []url.Values{
		{"SID": {sid}, "type": {"document"}, "external_id": {"D1"}},
		{"SID": {sid}, "type": {"document"}, "id": {id}},
	} {
		status, body, _ := e.file(http.MethodPost, "/jsonrpc/file", []byte(form.Encode()), "Content-Type", "application/x-www-form-urlencoded")
		if status != 200 || !bytes.Equal(body, doc) {
			t.Fatalf("form %v: %d %.200s", form, status, body)
		}
	}
	// Multipart too.
	var mp bytes.Buffer
	bnd := "XyZ"
	for _, kv := range [][2]string{{"SID", sid}, {"type", "document"}, {"external_id", "D1"}} {
		fmt.Fprintf(&mp, "--%s\r\nContent-Disposition: form-data; name=%q\r\n\r\n%s\r\n", bnd, kv[0], kv[1])
	}
	fmt.Fprintf(&mp, "--%s--\r\n", bnd)
	status, body, _ := e.file(http.MethodPost, "/jsonrpc/file", mp.Bytes(), "Content-Type", "multipart/form-data; boundary="+bnd)
	if status != 200 || !bytes.Equal(body, doc) {
		t.Fatalf("multipart: %d %.200s", status, body)
	}
	// A form naming nothing is still refused with the reason.
	status, body, _ = e.file(http.MethodPost, "/jsonrpc/file", []byte(url.Values{"SID": {sid}, "type": {"document"}}.Encode()),
		"Content-Type", "application/x-www-form-urlencoded")
	if status != http.StatusBadRequest || !bytes.Contains(body, []byte("id or external_id")) {
		t.Fatalf("form without id: %d %s", status, body)
	}
}
