package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/services"
)

// FuzzDecode feeds arbitrary bodies to the request decoder: it must never panic, must
// refuse anything nested deeper than maxDepth, and a call it accepts must decode
// strictly into params or fail with a JSON-RPC error.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc": "2.0", "method": "clients.get", "params": {"id": 1, "SID": "x"}, "id": 1}`,
		`[{"jsonrpc": "2.0", "method": "session.info", "auth": {"login": "a", "password": "b"}, "id": "q"}]`,
		`{"jsonrpc": "2.0", "method": "clients.push", "params": {"clients": [{"external_id": "a", "number": "1", "name": "n", "services": [{}]}]}}`,
		`{"params": {"auth": 5}}`, `[[[[[[]]]]]]`, `"\"\\`, `{"id": {}}`, `[]`, `null`, ``,
		strings.Repeat(`[`, 40),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		single, batch, perr := decodeBody(body)
		if perr != nil {
			if perr.Code != rpc.CodeParse && perr.Code != rpc.CodeInvalidRequest {
				t.Fatalf("decodeBody error code %d", perr.Code)
			}
			return
		}
		if !depthOK(body, maxDepth) {
			t.Fatal("accepted a body nested too deep")
		}
		calls := batch
		if batch == nil {
			calls = []json.RawMessage{single}
		}
		if len(calls) > maxBatch {
			t.Fatal("accepted a batch beyond the limit")
		}
		for _, raw := range calls {
			var req request
			if json.Unmarshal(raw, &req) != nil {
				continue
			}
			params, _, _, e := splitCredentials(req.Params)
			if e != nil {
				continue
			}
			for _, target := range []any{&services.ClientsPushParams{}, &admin.ClientEditParams{}, &services.TrafficPushParams{}, &struct{}{}} {
				if err := rpc.DecodeParams(params, target); err != nil {
					if _, ok := err.(*rpc.Error); !ok {
						t.Fatalf("decodeParams returned %T", err)
					}
				}
			}
		}
	})
}

// FuzzCheckStrict: what the strict scan accepts, encoding/json decodes without error
// (so decodeParams never fails after it with an unnamed field), and the scan never
// panics on any valid JSON.
func FuzzCheckStrict(f *testing.F) {
	for _, s := range []string{
		`{"clients": [{"external_id": "a", "number": "1", "name": "n", "services": [{"price_override": 5, "params": [{"name": "x"}]}]}]}`,
		`{"samples": [{"service_id": 1, "at": "2026-11-02T10:00:00Z", "bytes_down": 18446744073709551615}]}`,
		`{"jsonrpc": "2.0", "method": "m", "params": [1, {"a": "\u0041"}], "id": null, "auth": {"login": "a\"b"}}`,
		`{"clients": null}`, `{"samples": [null, {}]}`, `{"a\u0062": 1}`, `{"samples": [{"bytes_up": 1e3}]}`, ` { } `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !json.Valid(body) || !depthOK(body, maxDepth) {
			return
		}
		for _, target := range []func() any{
			func() any { return &services.ClientsPushParams{} }, func() any { return &services.TrafficPushParams{} }, func() any { return &request{} },
		} {
			v := target()
			if pe := rpc.CheckStrict(body, reflect.TypeOf(v), ""); pe != nil {
				continue
			}
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.DisallowUnknownFields()
			if err := dec.Decode(v); err != nil {
				t.Fatalf("checkStrict accepted %q for %T, encoding/json refused it: %v", body, v, err)
			}
		}
	})
}
