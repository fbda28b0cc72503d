//go:build !race

// The hostile-input walks are sequential (one request at a time, no goroutine of
// their own), so the race detector finds nothing in them that the other tests do not
// run under it, and makes them seven times slower (4 minutes): make test runs them
// without it, on SQLite and again on PostgreSQL (see the Makefile's test target).

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
)

// hostileStrings and hostileOthers replace one value of a method's example params at a
// time: text a form or a billing system might send by mistake or on purpose, and
// values of the wrong JSON type. None contains what leak() looks for, so an answer
// that echoes the value does not count as a leak.
var (
	hostileStrings = []any{"", " ", "a\x00b", "\uffff", invalidUTF8, "<script>alert(1)</script>", "' OR 1=1 --",
		"\u202egnp.exe", strings.Repeat("é", 70_000), "-1", "99999999999999999999", "2026-02-30", "1e400"}
	hostileOthers = []any{nil, true, -1, 0, 0.5, 1e300, -9223372036854775808, 9223372036854775807,
		json.Number("18446744073709551616"), []any{}, []any{nil}, map[string]any{}}
)

// invalidUTF8 stands for bytes that are not UTF-8, which encoding/json cannot write:
// post puts them in the request body in its place.
const invalidUTF8 = "@@not-utf-8@@"

// leakMarkers are what an answer must never carry: text of the database, the Go
// runtime or the JSON decoder, or a path on the server.
var leakMarkers = []string{"sql:", "SQL logic", "SQLITE", "SQLSTATE", "no such table", "no such column", "constraint failed", "runtime error", "panic", "goroutine", "Go struct", "Go value",
	"of type ", "json:", "strconv", "failed to encode", "/tmp/", ".go:", "reflect", "nil pointer", "context canceled"}

func leak(body string) string {
	for _, m := range leakMarkers {
		if strings.Contains(body, m) {
			return m
		}
	}
	return ""
}

// TestHostileParams calls every API method the modules declare with its documented
// example params, then again with each value in them (at any depth) replaced by each
// hostile value, as an administrator on the demo data. Every answer must be a
// JSON-RPC answer that is not an internal error (-32603) and that carries no database,
// runtime or decoder text: bad input is refused naming the field, or done.
func TestHostileParams(t *testing.T) {
	t.Parallel()
	env, _ := demoEnv(t)
	w := &hostileWalk{t: t, env: env}
	methods := env.Deps.Declared.Methods()
	sort.Slice(methods, func(i, j int) bool { return deletesLast(methods[i].Name) < deletesLast(methods[j].Name) })
	for _, m := range methods {
		if m.Name == "session.logout" || m.Name == "session.info" {
			continue // they end or start the walk's own session
		}
		var example any
		raw, err := json.Marshal(m.ExampleParams)
		if err != nil {
			t.Fatalf("%s: example params: %v", m.Name, err)
		}
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&example); err != nil {
			t.Fatalf("%s: example params: %v", m.Name, err)
		}
		w.call(m.Name, "example", example)
		for _, path := range leaves(example, "") {
			for _, v := range hostileValues(path.value) {
				w.call(m.Name, fmt.Sprintf("%s = %.40q", path.name, fmt.Sprint(v)), replaced(example, path.at, v))
			}
		}
		w.call(m.Name, "params null", nil)
	}
	if w.calls < 1000 {
		t.Fatalf("only %d calls: the walk did not reach the methods", w.calls)
	}
	t.Logf("%d calls to %d methods; %d refused as invalid, %d done or refused by the method", w.calls, len(methods), w.invalid, w.answered)
}

// deletesLast orders the methods so that the ones removing demo rows run after the
// others have used them.
func deletesLast(name string) string {
	for _, w := range []string{".delete", ".remove", ".erase", ".anonymize"} {
		if strings.Contains(name, w) {
			return "1" + name
		}
	}
	return "0" + name
}

type hostileWalk struct {
	t                        *testing.T
	env                      *testkit.Env
	sid                      string
	calls, invalid, answered int
	login                    int
}

// session logs a new administrator in every 4,000 calls, so the account's 6,000 calls
// a minute are never what answers.
func (w *hostileWalk) session() string {
	if w.sid == "" || w.calls%4000 == 0 {
		w.login++
		name := fmt.Sprintf("hostile%d", w.login)
		w.env.AddStaff(name, core.RoleAdmin, testkit.StaffPassword)
		a := w.post(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "session.info",
			"params": map[string]any{"auth": map[string]string{"login": name, "password": testkit.StaffPassword}}})
		if a.Result == nil || a.Result.SessionID == "" {
			w.t.Fatalf("walk login failed: %+v", a.Error)
		}
		w.sid = a.Result.SessionID
	}
	return w.sid
}

func (w *hostileWalk) post(call map[string]any) testkit.Answer {
	w.t.Helper()
	body, err := json.Marshal(call)
	if err != nil {
		w.t.Fatal(err)
	}
	body = bytes.ReplaceAll(body, []byte(invalidUTF8), []byte("\xff\xfe\xfd"))
	req, _ := http.NewRequest(http.MethodPost, "/jsonrpc", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	b := w.env.Browser()
	// Each call from its own address: the per-address limit is not what is tested.
	b.RemoteAddr = fmt.Sprintf("198.18.%d.%d:40000", w.calls/250%256, w.calls%250+1)
	r := b.Do(req)
	var a testkit.Answer
	if err := json.Unmarshal([]byte(r.Body), &a); err != nil {
		w.t.Fatalf("%s: status %d, not a JSON-RPC answer: %.300q", call["method"], r.StatusCode, r.Body)
	}
	if m := leak(r.Body); m != "" {
		w.t.Errorf("%s: the answer carries %q: %.400s", call["method"], m, r.Body)
	}
	return a
}

func (w *hostileWalk) call(method, what string, params any) {
	w.t.Helper()
	sid := w.session()
	p := map[string]any{}
	switch v := params.(type) {
	case map[string]any:
		for k, x := range v {
			p[k] = x
		}
	case nil:
	default:
		w.t.Fatalf("%s: example params are not an object", method)
	}
	p["SID"] = sid
	w.calls++
	a := w.post(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": p})
	switch {
	case a.Error != nil && (a.Error.Code == rpc.CodeInternal || a.Error.Code == rpc.CodeRateLimited ||
		a.Error.Code == rpc.CodeUnauthorized || a.Error.Code == rpc.CodeForbidden):
		w.t.Errorf("%s with %s: %d %s", method, what, a.Error.Code, a.Error.Message)
		if a.Error.Code == rpc.CodeInternal {
			w.t.Logf("server log: %s", lastLines(w.env.Logs.String(), 3))
		}
	case a.Error != nil:
		w.invalid++
	default:
		w.answered++
	}
}

// leaf is one value in a JSON document: its path for the message, its place (keys
// and indexes) and the value found there.
type leaf struct {
	name  string
	at    []any
	value any
}

// leaves lists every value of v, objects and arrays as well as what they hold.
func leaves(v any, name string) []leaf {
	var out []leaf
	var walk func(v any, name string, at []any)
	walk = func(v any, name string, at []any) {
		if len(at) > 0 {
			out = append(out, leaf{name: name, at: append([]any(nil), at...), value: v})
		}
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(x[k], name+"."+k, append(at, k))
			}
		case []any:
			if len(x) > 0 { // the first element stands for the rest
				walk(x[0], name+"[0]", append(at, 0))
			}
		}
	}
	walk(v, name, nil)
	return out
}

// On PostgreSQL (make test's second pass) only the values the two engines store,
// bind or compare differently are tried: text PostgreSQL cannot hold (NUL, not
// UTF-8), long text, and numbers at and past the integer types' ends. The others are
// refused or taken before any query, the same on both.
var (
	pgStrings = []any{"a\x00b", invalidUTF8, strings.Repeat("é", 70_000), "-1", "99999999999999999999"}
	pgOthers  = []any{-1, 1e300, -9223372036854775808, 9223372036854775807, json.Number("18446744073709551616")}
)

// hostileValues are the values tried in place of v: every hostile string for a
// string, and values of the other types for anything.
func hostileValues(v any) []any {
	strs, others := hostileStrings, hostileOthers
	if dbtest.Postgres() {
		strs, others = pgStrings, pgOthers
	}
	if _, ok := v.(string); ok {
		return append(append([]any(nil), strs...), others...)
	}
	return append([]any{"x", "", "a\x00b"}, others...)
}

// replaced returns a deep copy of v with the value at the path set to nv.
func replaced(v any, at []any, nv any) any {
	if len(at) == 0 {
		return nv
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = e
		}
		k := at[0].(string)
		out[k] = replaced(x[k], at[1:], nv)
		return out
	case []any:
		out := append([]any(nil), x...)
		i := at[0].(int)
		out[i] = replaced(x[i], at[1:], nv)
		return out
	}
	return v
}

// lastLines is the end of the server's log, where a failed call's error stands.
func lastLines(log string, n int) string {
	lines := strings.Split(strings.TrimRight(log, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
