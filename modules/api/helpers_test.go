package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/auth"
	"github.com/ispportal/portal/modules/buttons"
	"github.com/ispportal/portal/modules/documents"
	"github.com/ispportal/portal/modules/files"
	"github.com/ispportal/portal/modules/gdpr"
	"github.com/ispportal/portal/modules/helpdesk"
	"github.com/ispportal/portal/modules/info"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/requests"
	"github.com/ispportal/portal/modules/services"
	"github.com/ispportal/portal/modules/sms"
)

// apiEnv is the real portal listening on a loopback port, and a Go HTTP client for it.
type apiEnv struct {
	*testkit.Env
	URL  string
	HTTP *http.Client
	t    testing.TB
}

// staff passwords in tests; hashing once per account keeps tests fast.
const testPassword = testkit.StaffPassword

// newEnv boots the portal with the modules the API's methods need (the console's
// among them: it declares clients.*, invoiceGroups.* and settings.*) and serves it
// over real HTTP on 127.0.0.1.
func newEnv(t testing.TB, extra ...app.Constructor) *apiEnv {
	t.Helper()
	ctors := append([]app.Constructor{info.New, requests.New, buttons.New, services.New, invoices.New, documents.New, files.New, gdpr.New,
		sms.New, helpdesk.New, auth.New, admin.New}, extra...)
	ctors = append(ctors, New)
	env := testkit.New(t, ctors...)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go env.App.Listen(ln)
	t.Cleanup(func() { env.App.Fiber.Shutdown() })
	return &apiEnv{Env: env, URL: "http://" + ln.Addr().String(), HTTP: &http.Client{Timeout: 60 * time.Second}, t: t}
}

// addStaff creates a staff account with testPassword.
func (e *apiEnv) addStaff(login, role string) int64 {
	e.t.Helper()
	return e.AddStaff(login, role, testPassword)
}

// rpcResp is a decoded JSON-RPC answer.
type rpcResp struct {
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

// post sends a raw body with the given headers (Content-Type application/json unless
// set) and returns the status and body.
func (e *apiEnv) post(path string, body []byte, hdr ...string) (int, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.HTTP.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// rpc posts one call object and decodes the answer.
func (e *apiEnv) rpc(call any, hdr ...string) rpcResp {
	e.t.Helper()
	b, err := json.Marshal(call)
	if err != nil {
		e.t.Fatal(err)
	}
	status, body := e.post("/jsonrpc", b, hdr...)
	var r rpcResp
	if err := json.Unmarshal(body, &r); err != nil {
		e.t.Fatalf("status %d, undecodable answer %q: %v", status, body, err)
	}
	return r
}

// call calls a method with params and SID inside params, as the JeraSoft API does.
func (e *apiEnv) call(sid, method string, params map[string]any) rpcResp {
	e.t.Helper()
	p := map[string]any{}
	for k, v := range params {
		p[k] = v
	}
	if sid != "" {
		p["SID"] = sid
	}
	return e.rpc(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": p})
}

// login authenticates and returns the session id.
func (e *apiEnv) login(login string) string {
	e.t.Helper()
	r := e.call("", "session.info", map[string]any{"auth": map[string]string{"login": login, "password": testPassword}})
	if r.Result == nil || !r.Result.Code || r.Result.SessionID == "" {
		e.t.Fatalf("login %s failed: %+v", login, r.Error)
	}
	return r.Result.SessionID
}

// admin creates an admin account and logs it in.
func (e *apiEnv) admin() string {
	e.t.Helper()
	e.addStaff("boss", core.RoleAdmin)
	return e.login("boss")
}

// ok fails unless the call succeeded with code true, and decodes return into out.
func (r rpcResp) ok(t testing.TB, out any) {
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

// fails fails unless the call answered the JSON-RPC error code, with the message
// containing want (if given).
func (r rpcResp) fails(t testing.TB, code int, want ...string) {
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

// refused fails unless the call ran with code false and an error of this kind.
func (r rpcResp) refused(t testing.TB, kind string, want ...string) {
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

// count returns a single number from the database.
func (e *apiEnv) count(query string, args ...any) int {
	e.t.Helper()
	return e.Count(query, args...)
}

func decode(t testing.TB, resp *http.Response, out any) {
	t.Helper()
	b, _ := io.ReadAll(resp.Body)
	decodeBytes(t, b, out)
}

func decodeBytes(t testing.TB, b []byte, out any) {
	t.Helper()
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("undecodable %.300q: %v", b, err)
	}
}
