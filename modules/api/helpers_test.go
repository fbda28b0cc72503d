package api

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/ispportal/portal/internal/app"
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

// apiEnv is the real portal listening on a loopback port with testkit's JSON-RPC
// client (internal/testkit/staff.go); the lower-case names keep this package's tests
// short.
type apiEnv struct {
	*testkit.API
	t testing.TB
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
	return &apiEnv{API: testkit.New(t, ctors...).API(), t: t}
}

// rpcResp is a decoded JSON-RPC answer (OK, Fails, Refused).
type rpcResp = testkit.Answer

func (e *apiEnv) addStaff(login, role string) int64 {
	e.t.Helper()
	return e.AddStaff(login, role, testPassword)
}
func (e *apiEnv) post(path string, body []byte, hdr ...string) (int, []byte) {
	e.t.Helper()
	return e.Post(path, body, hdr...)
}
func (e *apiEnv) rpc(call any, hdr ...string) rpcResp { e.t.Helper(); return e.RPC(call, hdr...) }
func (e *apiEnv) call(sid, method string, params map[string]any) rpcResp {
	e.t.Helper()
	return e.Call(sid, method, params)
}
func (e *apiEnv) login(login string) string { e.t.Helper(); return e.Login(login) }
func (e *apiEnv) admin() string             { e.t.Helper(); return e.Admin() }

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
