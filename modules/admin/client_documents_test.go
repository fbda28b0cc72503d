package admin_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/modules/documents"
)

// Staff upload a document for a client from the card, with "display in portal"; the
// client sees it only when it is displayed, another client never.
func TestClientCardDocumentUpload(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	a, other := env.AddClient("9600", 0), env.AddClient("9601", 0)
	b := adminBrowser(t, env, "boss")
	b.RemoteAddr = "203.0.113.9:1000"
	card := fmt.Sprintf("/admin/clients/%d", a)
	b.Get(card).Expect(t, 200, "Upload a document", `enctype="multipart/form-data"`)
	pdf := []byte("%PDF-1.4 contract")
	uploadTo(t, b, card+"/documents", map[string][]string{"title": {"Contract 2027"}, "kind": {"contract"}, "date": {"2026-11-30"},
		"visible": {"0", "1"}}, `..\..\evil<script>.pdf`, pdf).Expect(t, 303)
	uploadTo(t, b, card+"/documents", map[string][]string{"title": {"Internal protocol"}, "kind": {"other"}, "visible": {"0"}},
		"protocol.pdf", pdf).Expect(t, 303)
	list, err := documents.ListDocuments(context.Background(), env.Deps.DB.R, a, false)
	if err != nil || len(list) != 2 {
		t.Fatalf("%v %v", list, err)
	}
	var shown, hidden documents.Document
	for _, d := range list {
		if d.Visible {
			shown = d
		} else {
			hidden = d
		}
	}
	if shown.Title != "Contract 2027" || shown.Kind != "contract" || strings.ContainsAny(shown.FileName, `/\<>`) || hidden.Title != "Internal protocol" {
		t.Fatalf("stored %+v / %+v", shown, hidden)
	}
	list2, _ := core.AuditList(context.Background(), env.Deps.DB.R, core.AuditFilter{Action: "document.upload", Limit: 5})
	if len(list2) != 2 || list2[0].IP != "203.0.113.9" || list2[0].Actor != "staff:boss" || list2[0].ClientID != a {
		t.Fatalf("audit %+v", list2)
	}
	// Staff download any of the client's documents from the card; not through another client's id.
	r := b.Get(fmt.Sprintf("%s/documents/%d", card, hidden.ID)).Expect(t, 200)
	if !bytes.Equal([]byte(r.Body), pdf) {
		t.Fatal("download differs")
	}
	b.Get(fmt.Sprintf("/admin/clients/%d/documents/%d", other, hidden.ID)).Expect(t, 404)
	// The client sees the displayed one only; the other client neither.
	env.Browser().LoginAs(a).Get("/documents").Expect(t, 200, "Contract 2027").Lacks(t, "Internal protocol")
	env.Browser().LoginAs(other).Get("/documents").Expect(t, 200).Lacks(t, "Contract 2027", "Internal protocol")

	// Refused uploads store nothing and say why, beside the field.
	uploadTo(t, b, card+"/documents", map[string][]string{"title": {""}, "kind": {"other"}}, "x.pdf", pdf).Expect(t, 422, `id="e-doc_title"`)
	uploadTo(t, b, card+"/documents", map[string][]string{"title": {"X"}, "kind": {"poem"}}, "x.pdf", pdf).Expect(t, 422, `id="e-doc_kind"`)
	uploadTo(t, b, card+"/documents", map[string][]string{"title": {"X"}, "kind": {"other"}, "date": {"30.11.2026"}}, "x.pdf", pdf).Expect(t, 422, `id="e-doc_date"`)
	uploadTo(t, b, card+"/documents", map[string][]string{"title": {"X"}, "kind": {"other"}}, "", nil).Expect(t, 422, `id="e-doc_file"`)
	uploadTo(t, b, card+"/documents", map[string][]string{"title": {"X"}, "kind": {"other"}}, "e.pdf", nil).Expect(t, 422, "The file is empty.")
	uploadTo(t, b, card+"/documents", map[string][]string{"title": {"X"}, "kind": {"other"}}, "big.pdf", bytes.Repeat([]byte("a"), 20<<20+1)).
		Expect(t, 422, "larger than 20 MB")
	if n := env.Count(`SELECT COUNT(*) FROM documents WHERE client_id = ?`, a); n != 2 {
		t.Fatalf("%d documents after refused uploads", n)
	}
	// Support staff read documents but do not upload them.
	sup := staffBrowser(t, env, core.RoleSupport)
	sup.Get(card).Expect(t, 200).Lacks(t, "Upload a document")
	uploadTo(t, sup, card+"/documents", map[string][]string{"title": {"X"}, "kind": {"other"}}, "x.pdf", pdf).Expect(t, 403)
}

// The configuration sheet of the client opens from the card.
func TestClientCardSheet(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	a := env.AddClient("9700", 0)
	b := staffBrowser(t, env, core.RoleReadOnly)
	card := fmt.Sprintf("/admin/clients/%d", a)
	b.Get(card).Expect(t, 200, card+"/sheet.pdf")
	r := b.Get(card+"/sheet.pdf").Expect(t, 200)
	if !strings.HasPrefix(r.Body, "%PDF") {
		t.Fatal("not a PDF")
	}
	b.Get("/admin/clients/999999/sheet.pdf").Expect(t, 404)
}
