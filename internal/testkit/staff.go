package testkit

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/rpc"
)

// Tests hash passwords at argon2id's lowest cost: at the real one, under the race
// detector, hashing was half of some packages' test time. The password package's own
// tests and the binary (e2e, CLI subprocess tests) keep the real cost.
func init() { password.LowerCostForTests() }

// RealPasswordCost makes new hashes use the portal's real argon2id parameters until the
// test ends, for a test that times logins. It must not run in parallel with others.
func RealPasswordCost(t testing.TB) { t.Cleanup(password.RealCostForTests()) }

// StaffPassword is the password of every staff account AddStaff creates by default.
const StaffPassword = "correct horse battery"

// AddStaff creates an active staff account the way `portal staff add` does. Its name
// is its login, so the API's default reply author is predictable.
func (e *Env) AddStaff(login, role, pw string) int64 {
	e.T.Helper()
	h, err := password.Hash(pw)
	if err != nil {
		e.T.Fatal(err)
	}
	var id int64
	e.Tx(func(tx *sql.Tx) error {
		id, err = core.SaveStaff(context.Background(), tx, core.Staff{Login: login, Name: login, Role: role,
			PasswordHash: h, Active: true}, core.Now(e.Clock.Now()))
		return err
	})
	return id
}

// StaffBrowser returns a browser with a staff session of a new account of the role,
// logged in as role+"1" (so its audit actor is "staff:"+role+"1").
func (e *Env) StaffBrowser(role string) *Browser {
	e.T.Helper()
	return e.StaffBrowserAs(role+"1", role)
}

// StaffBrowserAs returns a browser with a staff session of a new account with this
// login and role.
func (e *Env) StaffBrowserAs(login, role string) *Browser {
	e.T.Helper()
	return e.Browser().LoginStaff(e.AddStaff(login, role, StaffPassword))
}

// AuditCount counts audit entries whose action starts with action (and of actor, if
// not empty).
func (e *Env) AuditCount(action, actor string) int {
	e.T.Helper()
	list, err := core.AuditList(context.Background(), e.Deps.DB.R, core.AuditFilter{Action: action, Actor: actor, Limit: 1000})
	if err != nil {
		e.T.Fatal(err)
	}
	return len(list)
}

// Count returns the single number a query answers.
func (e *Env) Count(query string, args ...any) int {
	e.T.Helper()
	var n int
	if err := e.Deps.DB.R.QueryRow(query, args...).Scan(&n); err != nil {
		e.T.Fatal(err)
	}
	return n
}

// API is the portal served over real HTTP on a loopback port, with a Go client for
// its JSON-RPC endpoint. Real sockets (not Env.serve) because API callers are
// identified and audited by their peer address.
type API struct {
	*Env
	URL  string
	HTTP *http.Client
}

// API serves the env's app on 127.0.0.1 until the test ends. The env must include
// the api module (api.New) for /jsonrpc to answer.
func (e *Env) API() *API {
	e.T.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.T.Fatal(err)
	}
	go e.App.Listen(ln)
	e.T.Cleanup(func() { e.App.Fiber.Shutdown() })
	return &API{Env: e, URL: "http://" + ln.Addr().String(), HTTP: &http.Client{Timeout: 60 * time.Second}}
}

// Answer is a decoded JSON-RPC answer.
type Answer struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  *struct {
		Code      bool            `json:"code"`
		SessionID string          `json:"session_id"`
		Messages  []string        `json:"messages"`
		Return    json.RawMessage `json:"return"`
		Errors    []rpc.AppError  `json:"errors"`
	} `json:"result"`
	Error *struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	} `json:"error"`
}

// Post sends a raw body with header name/value pairs (Content-Type application/json
// unless set) and returns the status and body.
func (a *API) Post(path string, body []byte, hdr ...string) (int, []byte) {
	a.T.Helper()
	req, err := http.NewRequest(http.MethodPost, a.URL+path, bytes.NewReader(body))
	if err != nil {
		a.T.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := a.HTTP.Do(req)
	if err != nil {
		a.T.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// RPC posts one call object to /jsonrpc and decodes the answer.
func (a *API) RPC(call any, hdr ...string) Answer {
	a.T.Helper()
	b, err := json.Marshal(call)
	if err != nil {
		a.T.Fatal(err)
	}
	status, body := a.Post("/jsonrpc", b, hdr...)
	var r Answer
	if err := json.Unmarshal(body, &r); err != nil {
		a.T.Fatalf("status %d, undecodable answer %q: %v", status, body, err)
	}
	return r
}

// Call calls a method with params, the session id inside params as "SID" (as the
// JeraSoft API does).
func (a *API) Call(sid, method string, params map[string]any) Answer {
	a.T.Helper()
	p := map[string]any{}
	for k, v := range params {
		p[k] = v
	}
	if sid != "" {
		p["SID"] = sid
	}
	return a.RPC(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": p})
}

// Login authenticates an existing account with StaffPassword and returns the session id.
func (a *API) Login(login string) string {
	a.T.Helper()
	r := a.Call("", "session.info", map[string]any{"auth": map[string]string{"login": login, "password": StaffPassword}})
	if r.Result == nil || !r.Result.Code || r.Result.SessionID == "" {
		a.T.Fatalf("login %s failed: %+v", login, r.Error)
	}
	return r.Result.SessionID
}

// LoginRole creates an account with this login and role and logs it in.
func (a *API) LoginRole(login, role string) string {
	a.T.Helper()
	a.AddStaff(login, role, StaffPassword)
	return a.Login(login)
}

// Admin creates the admin account "boss" and logs it in.
func (a *API) Admin() string {
	a.T.Helper()
	return a.LoginRole("boss", core.RoleAdmin)
}

// AddClients creates through the API the fixture most API tests share: invoice group
// "res", client C1 (number 9001, Alice, in "res") and client C2 (9002, Bob).
func (a *API) AddClients(sid string) {
	a.T.Helper()
	a.Call(sid, "invoiceGroups.add", map[string]any{"external_id": "res", "name": "Residential", "supplier_name": "NetWave"}).OK(a.T, nil)
	a.Call(sid, "clients.add", map[string]any{"external_id": "C1", "number": "9001", "name": "Alice", "invoice_group_external_id": "res"}).OK(a.T, nil)
	a.Call(sid, "clients.add", map[string]any{"external_id": "C2", "number": "9002", "name": "Bob"}).OK(a.T, nil)
}

// OK fails unless the call succeeded with code true, and decodes return into out.
func (r Answer) OK(t testing.TB, out any) {
	t.Helper()
	if r.Error != nil {
		t.Fatalf("error %d: %s %s", r.Error.Code, r.Error.Message, r.Error.Data)
	}
	if r.Result == nil || !r.Result.Code {
		t.Fatalf("code false: %+v", r.Result)
	}
	if out != nil {
		if err := json.Unmarshal(r.Result.Return, out); err != nil {
			t.Fatalf("return %s: %v", r.Result.Return, err)
		}
	}
}

// Fails fails unless the call answered the JSON-RPC error code, with the message or
// data containing every want.
func (r Answer) Fails(t testing.TB, code int, want ...string) {
	t.Helper()
	if r.Error == nil {
		t.Fatalf("want error %d, got result %+v", code, r.Result)
	}
	if r.Error.Code != code {
		t.Fatalf("want error %d, got %d: %s", code, r.Error.Code, r.Error.Message)
	}
	for _, w := range want {
		if !strings.Contains(r.Error.Message+string(r.Error.Data), w) {
			t.Fatalf("error %q (data %s) lacks %q", r.Error.Message, r.Error.Data, w)
		}
	}
}

// Refused fails unless the call ran with code false and a first error of this kind
// whose message or field contains every want.
func (r Answer) Refused(t testing.TB, kind string, want ...string) {
	t.Helper()
	if r.Error != nil {
		t.Fatalf("want code false (%s), got error %d: %s", kind, r.Error.Code, r.Error.Message)
	}
	if r.Result.Code || len(r.Result.Errors) == 0 || r.Result.Errors[0].Kind != kind {
		t.Fatalf("want code false with %s, got %+v", kind, r.Result)
	}
	for _, w := range want {
		e := r.Result.Errors[0]
		if !strings.Contains(e.Message+" "+e.Field, w) {
			t.Fatalf("error %+v lacks %q", e, w)
		}
	}
}
