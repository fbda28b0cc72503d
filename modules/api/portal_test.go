package api

import (
	"bytes"
	"database/sql"
	"net/http"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/buttons"
	"github.com/ispportal/portal/modules/files"
	"github.com/ispportal/portal/modules/gdpr"
	"github.com/ispportal/portal/modules/requests"
)

func TestSettingsReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sid := e.admin()
	e.addStaff("billing", core.RoleAPI)
	var s admin.SettingOut
	e.call(sid, "settings.set", map[string]any{"key": "ci_login_attempts", "value": "7"}).ok(t, &s)
	e.call(e.login("billing"), "settings.reset", map[string]any{"key": "ci_login_attempts"}).fails(t, rpc.CodeForbidden, "admin")
	e.call(sid, "settings.reset", map[string]any{"key": "ci_login_attempts"}).ok(t, &s)
	if s.Stored || s.Value != s.Default {
		t.Fatalf("after reset: %+v", s)
	}
	e.call(sid, "settings.get", map[string]any{"key": "ci_login_attempts"}).ok(t, &s)
	if s.Stored || s.Value != "5" {
		t.Fatalf("get after reset: %+v", s)
	}
	// Resetting what is not stored is fine (idempotent).
	e.call(sid, "settings.reset", map[string]any{"key": "ci_login_attempts"}).ok(t, nil)
	e.call(sid, "settings.reset", map[string]any{"key": "ci_nope"}).refused(t, "not_found", "ci_nope")
	e.call(sid, "settings.reset", map[string]any{"key": "ci_login_attempts", "group": 3}).refused(t, "invalid", "group")
	e.call(sid, "settings.reset", map[string]any{}).fails(t, rpc.CodeInvalidParams, `"field":"key"`)
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
	e.call(sid, "invoiceGroups.get", map[string]any{"external_id": "res"}).ok(t, &g)

	// The data before the content: refused, naming the upload.
	e.call(sid, "files.add", map[string]any{"external_id": "F1", "title": "Prices"}).refused(t, "not_found", "type=file")

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
	e.call(sid, "files.list", nil).ok(t, &fl)
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
	e.call(sid, "files.list", nil).ok(t, &fl)
	if len(fl.Files) != 1 || fl.Files[0].ID != id || fl.Files[0].Title != "Prices" || len(fl.Files[0].Groups) != 1 ||
		fl.Files[0].FileName != "prices.pdf" {
		t.Fatalf("after replace: %+v", fl)
	}
	status, body, _ = e.file(http.MethodGet, "/jsonrpc/file?type=file&external_id=F1", nil, "X-Session-Id", ro)
	if status != 200 || !bytes.Equal(body, v2) {
		t.Fatalf("download: %d %q", status, body)
	}

	// The data through JSON-RPC: the restriction goes, the title changes; twice is the same.
	var s Saved
	for i := 0; i < 2; i++ {
		e.call(sid, "files.add", map[string]any{"external_id": "F1", "title": "Price list", "description": "From January."}).ok(t, &s)
	}
	e.call(sid, "files.list", nil).ok(t, &fl)
	if s.ID != id || len(fl.Files) != 1 || fl.Files[0].Title != "Price list" || len(fl.Files[0].Groups) != 0 {
		t.Fatalf("after files.add: %+v", fl)
	}
	e.call(sid, "files.add", map[string]any{"external_id": "F1", "title": "Price list", "invoice_group_ids": []int64{g.ID}}).ok(t, nil)
	e.call(sid, "files.list", nil).ok(t, &fl)
	if len(fl.Files[0].Groups) != 1 {
		t.Fatalf("group restriction by id: %+v", fl)
	}
	e.call(sid, "files.add", map[string]any{"external_id": "F1", "title": "x", "invoice_group_ids": []int64{9999}}).
		refused(t, "invalid", "invoice_group_ids")
	e.call(sid, "files.add", map[string]any{"external_id": "F1", "title": "x", "invoice_group_ids": []int64{-1}}).
		fails(t, rpc.CodeInvalidParams, "invoice_group_ids[0]")
	e.call(sid, "files.add", map[string]any{"external_id": "F1"}).fails(t, rpc.CodeInvalidParams, `"field":"title"`)
	e.call(ro, "files.add", map[string]any{"external_id": "F1", "title": "x"}).fails(t, rpc.CodeForbidden)
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action IN ('api.file.file', 'api.files.add')`); n != 5 {
		t.Fatalf("%d audit entries, want 5", n)
	}
}

func TestConsentDocumentsAndHistory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sid := e.admin()
	setupClient(t, e, sid)
	e.addStaff("viewer", core.RoleReadOnly)
	ro := e.login("viewer")

	doc := map[string]any{"external_id": "MKT", "title": "Marketing", "text": "<p>Offers.</p>", "purposes": []string{"E-mail", "SMS"}}
	var s1, s2 Saved
	e.call(sid, "consentDocuments.add", doc).ok(t, &s1)
	doc["text"] = "<p>Other offers.</p>"
	r := e.call(sid, "consentDocuments.add", doc)
	r.ok(t, &s2)
	if !s1.Created || s2.Created || s1.ID != s2.ID || len(r.Result.Messages) == 0 || e.count(`SELECT COUNT(*) FROM consent_documents`) != 1 {
		t.Fatalf("idempotent add: %+v %+v", s1, r.Result)
	}
	e.call(sid, "consentDocuments.add", map[string]any{"external_id": "X", "title": "X", "text": "t", "purposes": []string{""}}).
		fails(t, rpc.CodeInvalidParams, "purposes[0]")
	e.call(sid, "consentDocuments.add", map[string]any{"external_id": "Y", "title": "Y", "text": "t", "purposes": []string{"A", "a"}}).
		refused(t, "invalid", "twice")
	e.call(ro, "consentDocuments.add", map[string]any{"external_id": "Z", "title": "Z", "text": "t"}).fails(t, rpc.CodeForbidden)

	var v gdpr.ConsentVersion
	e.call(sid, "consentDocuments.newVersion", map[string]any{"external_id": "MKT", "text": "<p>New offers.</p>"}).ok(t, &v)
	if v.Version != 2 || !v.Created {
		t.Fatalf("new version: %+v", v)
	}
	e.call(sid, "consentDocuments.newVersion", map[string]any{"id": s1.ID, "text": "<p>New offers.</p>"}).ok(t, &v)
	if v.Version != 2 || v.Created {
		t.Fatalf("same text again: %+v", v)
	}
	e.call(sid, "consentDocuments.newVersion", map[string]any{"external_id": "NOPE", "text": "x"}).refused(t, "not_found")
	e.call(sid, "consentDocuments.newVersion", map[string]any{"external_id": "MKT"}).fails(t, rpc.CodeInvalidParams, `"field":"text"`)

	var list gdpr.ConsentDocList
	e.call(ro, "consentDocuments.list", nil).ok(t, &list)
	if len(list.Documents) != 1 || list.Documents[0].Version != 2 || len(list.Documents[0].Purposes) != 2 {
		t.Fatalf("list: %+v", list)
	}

	// The client gives consent in the portal; staff read the history.
	var c1 int64
	e.call(sid, "clients.get", map[string]any{"external_id": "C1"}).ok(t, &struct {
		ID *int64 `json:"id"`
	}{&c1})
	e.Tx(func(tx *sql.Tx) error {
		d, err := gdpr.DocumentByID(t.Context(), tx, s1.ID)
		if err != nil {
			return err
		}
		_, err = gdpr.RecordConsent(t.Context(), tx, gdpr.Action{ClientID: c1, DocumentID: d.ID, Kind: "give", Version: d.Version,
			PurposeIDs: []int64{d.Purposes[0].ID}, IP: "192.0.2.7"}, e.Clock.Now())
		return err
	})
	var h gdpr.ConsentHistoryOut
	e.call(ro, "gdpr.history", map[string]any{"client_external_id": "C1", "document_external_id": "MKT"}).ok(t, &h)
	if len(h.Entries) != 1 || h.Entries[0].Action != "given" || h.Entries[0].Version != 2 || h.Entries[0].IP != "192.0.2.7" ||
		len(h.Entries[0].Purposes) != 1 || h.Entries[0].Purposes[0] != "E-mail" {
		t.Fatalf("history: %+v", h)
	}
	e.call(ro, "gdpr.history", map[string]any{"client_external_id": "C2"}).ok(t, &h)
	if len(h.Entries) != 0 {
		t.Fatal("another client's history")
	}
	e.call(ro, "gdpr.history", map[string]any{"client_external_id": "C1", "document_id": 999}).refused(t, "not_found")
	e.call(ro, "gdpr.history", map[string]any{}).fails(t, rpc.CodeInvalidParams, `"field":"client_id"`)
}

func TestButtonsAndRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sid := e.admin()
	setupClient(t, e, sid)
	e.addStaff("viewer", core.RoleReadOnly)
	ro := e.login("viewer")

	btn := map[string]any{"external_id": "speed", "label_en": "Speed test", "url": "https://speed.example.net/", "sort_order": 5}
	var s1, s2 Saved
	e.call(sid, "buttons.add", btn).ok(t, &s1)
	btn["label_cs"], btn["active"] = "Test rychlosti", false
	e.call(sid, "buttons.add", btn).ok(t, &s2)
	if !s1.Created || s2.Created || s1.ID != s2.ID || e.count(`SELECT COUNT(*) FROM custom_buttons`) != 1 {
		t.Fatalf("idempotent add: %+v %+v", s1, s2)
	}
	for _, u := range []string{"javascript:alert(1)", "ftp://example.net/", "/relative", "https://user:pw@example.net/"} {
		e.call(sid, "buttons.add", map[string]any{"external_id": "bad", "label_en": "Bad", "url": u}).refused(t, "invalid", "url")
	}
	e.call(sid, "buttons.add", map[string]any{"external_id": "bad", "url": "https://x.example/"}).fails(t, rpc.CodeInvalidParams, `"field":"label_en"`)
	e.call(sid, "buttons.add", map[string]any{"external_id": "bad", "label_en": "B", "url": "https://x.example/", "sort_order": 5000}).
		fails(t, rpc.CodeInvalidParams, `"field":"sort_order"`)
	e.call(ro, "buttons.add", btn).fails(t, rpc.CodeForbidden)
	var bl buttons.ButtonList
	e.call(ro, "buttons.list", nil).ok(t, &bl)
	if len(bl.Buttons) != 1 || bl.Buttons[0].Active || bl.Buttons[0].LabelCS != "Test rychlosti" {
		t.Fatalf("buttons: %+v", bl)
	}
	var del Deleted
	e.call(sid, "buttons.delete", map[string]any{"external_id": "speed"}).ok(t, &del)
	if !del.Deleted || e.count(`SELECT COUNT(*) FROM custom_buttons`) != 0 {
		t.Fatal("button not deleted")
	}
	e.call(sid, "buttons.delete", map[string]any{"external_id": "speed"}).ok(t, &del)
	if del.Deleted {
		t.Fatal("second delete claims a deletion")
	}

	// A request the client sent from the portal.
	var c1 int64
	e.call(sid, "clients.get", map[string]any{"external_id": "C1"}).ok(t, &struct {
		ID *int64 `json:"id"`
	}{&c1})
	var rid int64
	e.Tx(func(tx *sql.Tx) error {
		var err error
		rid, err = requests.SaveRequest(t.Context(), tx, requests.Request{ClientID: c1, Subject: "Move", Category: "service_change",
			Body: "Moving on 1 December."}, e.Clock.Now())
		return err
	})
	var rl requests.RequestList
	e.call(ro, "requests.list", map[string]any{"client_external_id": "C1"}).ok(t, &rl)
	if len(rl.Requests) != 1 || rl.Requests[0].ID != rid || rl.Requests[0].State != "new" {
		t.Fatalf("requests: %+v", rl)
	}
	e.call(ro, "requests.list", map[string]any{"client_external_id": "C2"}).ok(t, &rl)
	if len(rl.Requests) != 0 {
		t.Fatal("another client's request listed")
	}
	var got requests.RequestOut
	e.call(ro, "requests.setState", map[string]any{"id": rid, "state": "done"}).fails(t, rpc.CodeForbidden)
	e.call(sid, "requests.setState", map[string]any{"id": rid, "state": "done"}).ok(t, &got)
	if got.State != "done" || got.ClientID != c1 {
		t.Fatalf("setState: %+v", got)
	}
	e.call(ro, "requests.list", map[string]any{"state": "done"}).ok(t, &rl)
	if len(rl.Requests) != 1 {
		t.Fatalf("by state: %+v", rl)
	}
	e.call(sid, "requests.setState", map[string]any{"id": rid, "state": "finished"}).fails(t, rpc.CodeInvalidParams, `"field":"state"`)
	e.call(sid, "requests.setState", map[string]any{"id": 999, "state": "done"}).refused(t, "not_found")
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'api.requests.setState' AND client_id = ?`, c1); n != 1 {
		t.Fatalf("%d audit entries", n)
	}
}
