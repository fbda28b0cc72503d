package api

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/files"
)

func TestSettingsReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sid := e.admin()
	e.addStaff("billing", core.RoleAPI)
	var s admin.SettingOut
	e.call(sid, "settings.set", map[string]any{"key": "ci_login_attempts", "value": "7"}).OK(t, &s)
	e.call(e.login("billing"), "settings.reset", map[string]any{"key": "ci_login_attempts"}).Fails(t, rpc.CodeForbidden, "admin")
	e.call(sid, "settings.reset", map[string]any{"key": "ci_login_attempts"}).OK(t, &s)
	if s.Stored || s.Value != s.Default {
		t.Fatalf("after reset: %+v", s)
	}
	e.call(sid, "settings.get", map[string]any{"key": "ci_login_attempts"}).OK(t, &s)
	if s.Stored || s.Value != "5" {
		t.Fatalf("get after reset: %+v", s)
	}
	// Resetting what is not stored is fine (idempotent).
	e.call(sid, "settings.reset", map[string]any{"key": "ci_login_attempts"}).OK(t, nil)
	e.call(sid, "settings.reset", map[string]any{"key": "ci_nope"}).Refused(t, "not_found", "ci_nope")
	e.call(sid, "settings.reset", map[string]any{"key": "ci_login_attempts", "group": 3}).Refused(t, "invalid", "group")
	e.call(sid, "settings.reset", map[string]any{}).Fails(t, rpc.CodeInvalidParams, `"field":"key"`)
	if n := e.count(`SELECT COUNT(*) FROM settings_audit WHERE actor = 'api:boss' AND new_value IS NULL`); n != 1 {
		t.Fatalf("%d settings audit rows of the reset", n)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.settings.reset'`); n != 2 {
		t.Fatalf("%d api audit entries", n)
	}
}

func TestFilesAddAndUpload(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sid := e.admin()
	setupClient(t, e, sid)
	e.addStaff("viewer", core.RoleReadOnly)
	ro := e.login("viewer")
	var g admin.GroupOut
	e.call(sid, "invoiceGroups.get", map[string]any{"external_id": "res"}).OK(t, &g)

	// The data before the content: refused, naming the upload.
	e.call(sid, "files.add", map[string]any{"external_id": "F1", "title": "Prices"}).Refused(t, "not_found", "type=file")

	up := "/jsonrpc/file?type=file&external_id=F1&title=Prices&file_name=prices.pdf&invoice_group_external_ids=res"
	v1 := []byte("%PDF-1.4\nprices v1\n%%EOF\n")
	status, _, _ := e.file(http.MethodPost, up, v1, "X-Session-Id", ro, "Content-Type", "application/pdf")
	if status != http.StatusForbidden {
		t.Fatalf("readonly upload: %d", status)
	}
	status, body, _ := e.file(http.MethodPost, "/jsonrpc/file?type=file&external_id=F1", v1, "X-Session-Id", sid, "Content-Type", "application/pdf")
	if status != http.StatusBadRequest || !bytes.Contains(body, []byte("title")) {
		t.Fatalf("new file without title: %d %s", status, body)
	}
	status, body, _ = e.file(http.MethodPost, "/jsonrpc/file?type=file&external_id=F1&title=P&invoice_group_external_ids=nope", v1,
		"X-Session-Id", sid, "Content-Type", "application/pdf")
	if status != http.StatusBadRequest || !bytes.Contains(body, []byte("invoice_group_external_ids")) {
		t.Fatalf("unknown group: %d %s", status, body)
	}
	status, body, _ = e.file(http.MethodPost, up, v1, "X-Session-Id", sid, "Content-Type", "application/pdf")
	if status != 200 {
		t.Fatalf("upload: %d %s", status, body)
	}
	var fl files.FileList
	e.call(sid, "files.list", nil).OK(t, &fl)
	if len(fl.Files) != 1 || fl.Files[0].Title != "Prices" || len(fl.Files[0].Groups) != 1 || fl.Files[0].Groups[0] != g.ID {
		t.Fatalf("after upload: %+v", fl)
	}
	id := fl.Files[0].ID
	// New content under the same external id: one file, its data kept.
	v2 := []byte("%PDF-1.4\nprices v2\n%%EOF\n")
	status, body, _ = e.file(http.MethodPost, "/jsonrpc/file?type=file&external_id=F1", v2, "X-Session-Id", sid, "Content-Type", "application/pdf")
	if status != 200 {
		t.Fatalf("replace: %d %s", status, body)
	}
	e.call(sid, "files.list", nil).OK(t, &fl)
	if len(fl.Files) != 1 || fl.Files[0].ID != id || fl.Files[0].Title != "Prices" || len(fl.Files[0].Groups) != 1 ||
		fl.Files[0].FileName != "prices.pdf" {
		t.Fatalf("after replace: %+v", fl)
	}
	status, body, _ = e.file(http.MethodGet, "/jsonrpc/file?type=file&external_id=F1", nil, "X-Session-Id", ro)
	if status != 200 || !bytes.Equal(body, v2) {
		t.Fatalf("download: %d %q", status, body)
	}

	// The data through JSON-RPC: the restriction goes, the title changes; twice is the same.
	var s rpc.Saved
	for i := 0; i < 2; i++ {
		e.call(sid, "files.add", map[string]any{"external_id": "F1", "title": "Price list", "description": "From January."}).OK(t, &s)
	}
	e.call(sid, "files.list", nil).OK(t, &fl)
	if s.ID != id || len(fl.Files) != 1 || fl.Files[0].Title != "Price list" || len(fl.Files[0].Groups) != 0 {
		t.Fatalf("after files.add: %+v", fl)
	}
	e.call(sid, "files.add", map[string]any{"external_id": "F1", "title": "Price list", "invoice_group_ids": []int64{g.ID}}).OK(t, nil)
	e.call(sid, "files.list", nil).OK(t, &fl)
	if len(fl.Files[0].Groups) != 1 {
		t.Fatalf("group restriction by id: %+v", fl)
	}
	e.call(sid, "files.add", map[string]any{"external_id": "F1", "title": "x", "invoice_group_ids": []int64{9999}}).
		Refused(t, "invalid", "invoice_group_ids")
	e.call(sid, "files.add", map[string]any{"external_id": "F1", "title": "x", "invoice_group_ids": []int64{-1}}).
		Fails(t, rpc.CodeInvalidParams, "invoice_group_ids[0]")
	e.call(sid, "files.add", map[string]any{"external_id": "F1"}).Fails(t, rpc.CodeInvalidParams, `"field":"title"`)
	e.call(ro, "files.add", map[string]any{"external_id": "F1", "title": "x"}).Fails(t, rpc.CodeForbidden)
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action IN ('api.file.file', 'api.files.add')`); n != 5 {
		t.Fatalf("%d audit entries, want 5", n)
	}
}
