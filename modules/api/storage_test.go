package api

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/files"
)

// A failure inside the portal never shows a server path, and storage that cannot
// take writes is 503 "try again later", not a 400 about the request.
func TestFileEndpointFailuresHideServerPaths(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	pdf := []byte("%PDF-1.4\nprices\n%%EOF\n")

	// The store directory cannot be created (a file is in its way).
	dir := filepath.Join(e.Config.DataDir, files.StoreDir)
	if err := os.WriteFile(dir, []byte("in the way"), 0o600); err != nil {
		t.Fatal(err)
	}
	status, body, _ := e.file(http.MethodPost, "/jsonrpc/file?type=file&external_id=F1&title=Prices", pdf,
		"X-Session-Id", sid, "Content-Type", "application/pdf")
	if status != http.StatusInternalServerError || !bytes.Contains(body, []byte("internal error")) ||
		bytes.Contains(body, []byte(e.Config.DataDir)) || bytes.Contains(body, []byte("/")) {
		t.Fatalf("store directory unusable: %d %s", status, body)
	}
	if !strings.Contains(e.Logs.String(), "api.serveFile") {
		t.Error("the cause was not logged")
	}
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}

	// The database refuses writes (SQLITE_READONLY on the writer; on PostgreSQL a
	// read-only database, testkit.FillDatabase): 503, the file that was already
	// stored is removed again.
	readOnly(t, e, true)
	status, body, hdr := e.file(http.MethodPost, "/jsonrpc/file?type=file&external_id=F2&title=Prices", pdf,
		"X-Session-Id", sid, "Content-Type", "application/pdf")
	if status != http.StatusServiceUnavailable || !bytes.Contains(body, []byte("try again later")) || hdr.Get("Retry-After") == "" ||
		bytes.Contains(body, []byte(e.Config.DataDir)) {
		t.Fatalf("read-only database: %d %s %v", status, body, hdr)
	}
	readOnly(t, e, false)
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("%d files left behind by failed uploads", len(left))
	}
	// Writable again: the same upload works.
	status, body, _ = e.file(http.MethodPost, "/jsonrpc/file?type=file&external_id=F2&title=Prices", pdf,
		"X-Session-Id", sid, "Content-Type", "application/pdf")
	if status != http.StatusOK {
		t.Fatalf("after recovery: %d %s", status, body)
	}
}

// A full database makes a JSON-RPC write fail with -32603 and says why; it is no
// "invalid" refusal of the caller's params.
func TestDiskFullCallIsInternalNotInvalid(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	testkit.FillDatabase(t, e.Deps.DB)
	r := e.call(sid, "consentDocuments.add", map[string]any{"external_id": "TERMS", "title": "Terms",
		"text": "<p>" + strings.Repeat("Consent text. ", 50<<10/14) + "</p>"})
	if r.Error == nil || r.Error.Code != rpc.CodeInternal || !strings.Contains(r.Error.Message, "storage full") {
		t.Fatalf("call on a full database: error %+v result %+v", r.Error, r.Result)
	}
	if strings.Contains(r.Error.Message, "disk is full") {
		t.Errorf("SQLite's own text reached the caller: %s", r.Error.Message)
	}
}

func readOnly(t *testing.T, e *apiEnv, on bool) {
	t.Helper()
	if e.Deps.DB.Dialect == db.Postgres {
		if on {
			testkit.FillDatabase(t, e.Deps.DB)
		} else {
			testkit.FreeDatabase(t, e.Deps.DB)
		}
		return
	}
	q := `PRAGMA query_only = 0`
	if on {
		q = `PRAGMA query_only = 1`
	}
	if _, err := e.Deps.DB.W.Exec(q); err != nil {
		t.Fatal(err)
	}
}
