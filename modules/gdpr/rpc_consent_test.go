package gdpr_test

import (
	"database/sql"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/gdpr"
)

func TestConsentDocumentsAndHistory(t *testing.T) {
	t.Parallel()
	e := testkit.New(t, gdpr.New, admin.New, api.New).API()
	sid := e.Admin()
	e.AddClients(sid)
	e.AddStaff("viewer", core.RoleReadOnly, testkit.StaffPassword)
	ro := e.Login("viewer")

	doc := map[string]any{"external_id": "MKT", "title": "Marketing", "text": "<p>Offers.</p>", "purposes": []string{"E-mail", "SMS"}}
	var s1, s2 rpc.Saved
	e.Call(sid, "consentDocuments.add", doc).OK(t, &s1)
	doc["text"] = "<p>Other offers.</p>"
	r := e.Call(sid, "consentDocuments.add", doc)
	r.OK(t, &s2)
	if !s1.Created || s2.Created || s1.ID != s2.ID || len(r.Result.Messages) == 0 || e.Count(`SELECT COUNT(*) FROM consent_documents`) != 1 {
		t.Fatalf("idempotent add: %+v %+v", s1, r.Result)
	}
	e.Call(sid, "consentDocuments.add", map[string]any{"external_id": "X", "title": "X", "text": "t", "purposes": []string{""}}).
		Fails(t, rpc.CodeInvalidParams, "purposes[0]")
	e.Call(sid, "consentDocuments.add", map[string]any{"external_id": "Y", "title": "Y", "text": "t", "purposes": []string{"A", "a"}}).
		Refused(t, "invalid", "twice")
	e.Call(ro, "consentDocuments.add", map[string]any{"external_id": "Z", "title": "Z", "text": "t"}).Fails(t, rpc.CodeForbidden)

	var v gdpr.ConsentVersion
	e.Call(sid, "consentDocuments.newVersion", map[string]any{"external_id": "MKT", "text": "<p>New offers.</p>"}).OK(t, &v)
	if v.Version != 2 || !v.Created {
		t.Fatalf("new version: %+v", v)
	}
	e.Call(sid, "consentDocuments.newVersion", map[string]any{"id": s1.ID, "text": "<p>New offers.</p>"}).OK(t, &v)
	if v.Version != 2 || v.Created {
		t.Fatalf("same text again: %+v", v)
	}
	e.Call(sid, "consentDocuments.newVersion", map[string]any{"external_id": "NOPE", "text": "x"}).Refused(t, "not_found")
	e.Call(sid, "consentDocuments.newVersion", map[string]any{"external_id": "MKT"}).Fails(t, rpc.CodeInvalidParams, `"field":"text"`)

	var list gdpr.ConsentDocList
	e.Call(ro, "consentDocuments.list", nil).OK(t, &list)
	if len(list.Documents) != 1 || list.Documents[0].Version != 2 || len(list.Documents[0].Purposes) != 2 {
		t.Fatalf("list: %+v", list)
	}

	// The client gives consent in the portal; staff read the history.
	var c1 int64
	e.Call(sid, "clients.get", map[string]any{"external_id": "C1"}).OK(t, &struct {
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
	e.Call(ro, "gdpr.history", map[string]any{"client_external_id": "C1", "document_external_id": "MKT"}).OK(t, &h)
	if len(h.Entries) != 1 || h.Entries[0].Action != "given" || h.Entries[0].Version != 2 || h.Entries[0].IP != "192.0.2.7" ||
		len(h.Entries[0].Purposes) != 1 || h.Entries[0].Purposes[0] != "E-mail" {
		t.Fatalf("history: %+v", h)
	}
	e.Call(ro, "gdpr.history", map[string]any{"client_external_id": "C2"}).OK(t, &h)
	if len(h.Entries) != 0 {
		t.Fatal("another client's history")
	}
	e.Call(ro, "gdpr.history", map[string]any{"client_external_id": "C1", "document_id": 999}).Refused(t, "not_found")
	e.Call(ro, "gdpr.history", map[string]any{}).Fails(t, rpc.CodeInvalidParams, `"field":"client_id"`)
}
