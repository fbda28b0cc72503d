package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/documents"
	"github.com/ispportal/portal/modules/files"
	"github.com/ispportal/portal/modules/gdpr"
	"github.com/ispportal/portal/modules/info"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/sms"
)

func setupClient(t *testing.T, e *apiEnv, sid string) {
	t.Helper()
	e.call(sid, "invoiceGroups.add", map[string]any{"external_id": "res", "name": "Residential", "supplier_name": "NetWave"}).OK(t, nil)
	e.call(sid, "clients.add", map[string]any{"external_id": "C1", "number": "9001", "name": "Alice", "invoice_group_external_id": "res"}).OK(t, nil)
	e.call(sid, "clients.add", map[string]any{"external_id": "C2", "number": "9002", "name": "Bob"}).OK(t, nil)
}

func TestInvoicesAndPayments(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	setupClient(t, e, sid)
	inv := map[string]any{"external_id": "I1", "client_external_id": "C1", "number": "2026001", "issued": "2026-11-01", "due": "2026-11-15",
		"amount": 1000, "amount_vat": 1210, "currency": "CZK", "variable_symbol": "2026001",
		"items": []any{map[string]any{"description": "Internet", "quantity": 1000, "unit_price": 1000, "vat_rate": 21}}}
	var s1, s2 rpc.Saved
	e.call(sid, "invoices.add", inv).OK(t, &s1)
	inv["amount_vat"] = 1211
	e.call(sid, "invoices.add", inv).OK(t, &s2)
	if !s1.Created || s2.Created || s1.ID != s2.ID || e.count(`SELECT COUNT(*) FROM invoices`) != 1 {
		t.Fatalf("invoice upsert %+v %+v", s1, s2)
	}
	var got invoices.InvoiceOut
	e.call(sid, "invoices.get", map[string]any{"external_id": "I1"}).OK(t, &got)
	if got.AmountVAT != 1211 || len(got.Items) != 1 || got.Taxable != "2026-11-01" {
		t.Fatalf("invoice %+v", got)
	}
	var list invoices.InvoiceList
	e.call(sid, "invoices.list", map[string]any{"client_external_id": "C1"}).OK(t, &list)
	if len(list.Invoices) != 1 {
		t.Fatalf("list %+v", list)
	}
	e.call(sid, "invoices.list", map[string]any{"client_external_id": "C2"}).OK(t, &list)
	if len(list.Invoices) != 0 {
		t.Fatal("another client's invoices listed")
	}
	inv["due"] = "2026-10-01"
	e.call(sid, "invoices.add", inv).Refused(t, "invalid", "due")
	inv["due"] = "tomorrow"
	e.call(sid, "invoices.add", inv).Fails(t, rpc.CodeInvalidParams, `"field":"due"`)

	pay := map[string]any{"external_id": "P1", "client_external_id": "C1", "paid_on": "2026-11-10", "amount": 1211, "currency": "CZK",
		"method": "bank", "invoice_external_id": "I1"}
	var p1, p2 rpc.Saved
	e.call(sid, "payments.add", pay).OK(t, &p1)
	e.call(sid, "payments.add", pay).OK(t, &p2)
	if !p1.Created || p2.Created || e.count(`SELECT COUNT(*) FROM payments`) != 1 {
		t.Fatalf("payment upsert %+v %+v", p1, p2)
	}
	var pl invoices.PaymentList
	e.call(sid, "payments.list", map[string]any{"client_external_id": "C1"}).OK(t, &pl)
	if len(pl.Payments) != 1 || pl.Payments[0].InvoiceID != s1.ID {
		t.Fatalf("payments %+v", pl)
	}
	// A payment for another client's invoice is refused.
	pay["external_id"], pay["client_external_id"] = "P2", "C2"
	e.call(sid, "payments.add", pay).Refused(t, "invalid", "invoice_external_id")

	// The invoice PDF: generated without an upload, the uploaded one after.
	status, body, hdr := e.file(http.MethodGet, "/jsonrpc/file?type=invoice&external_id=I1", nil, "X-Session-Id", sid)
	if status != 200 || !bytes.HasPrefix(body, []byte("%PDF")) || !strings.Contains(hdr.Get("Content-Disposition"), "attachment") {
		t.Fatalf("generated pdf: %d %.100s", status, body)
	}
	upload := []byte("%PDF-1.4\nuploaded invoice\n%%EOF\n")
	status, body, _ = e.file(http.MethodPost, "/jsonrpc/file?type=invoice&external_id=I1", upload, "X-Session-Id", sid, "Content-Type", "application/pdf")
	if status != 200 {
		t.Fatalf("upload: %d %s", status, body)
	}
	status, body, _ = e.file(http.MethodGet, "/jsonrpc/file?type=invoice&id="+strconv.FormatInt(s1.ID, 10), nil, "X-Session-Id", sid)
	if status != 200 || !bytes.Equal(body, upload) {
		t.Fatalf("uploaded pdf back: %d %.100s", status, body)
	}
	// Re-sending the invoice keeps the uploaded PDF.
	inv["due"] = "2026-11-15"
	e.call(sid, "invoices.add", inv).OK(t, nil)
	e.call(sid, "invoices.get", map[string]any{"id": s1.ID}).OK(t, &got)
	if !got.HasPDF {
		t.Fatal("resync dropped the PDF")
	}
	status, _, _ = e.file(http.MethodPost, "/jsonrpc/file?type=invoice&external_id=I1", []byte("not a pdf"), "X-Session-Id", sid, "Content-Type", "application/pdf")
	if status != http.StatusUnsupportedMediaType {
		t.Fatalf("non-PDF upload: %d", status)
	}
}

// file sends a request to the file endpoint.
func (e *apiEnv) file(method, path string, body []byte, hdr ...string) (int, []byte, http.Header) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.URL+path, bytes.NewReader(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.HTTP.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out, resp.Header
}

func TestFileEndpointAuthAndDocuments(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	setupClient(t, e, sid)
	e.addStaff("viewer", core.RoleReadOnly)
	ro := e.login("viewer")
	doc := []byte("%PDF-1.4\ncontract\n%%EOF\n")
	up := "/jsonrpc/file?type=document&client_external_id=C1&external_id=D1&title=Contract&kind=contract"

	// No credentials, credentials in the URL, a cookie: 401.
	for _, h := range [][]string{nil, {"Cookie", "SID=" + sid}} {
		status, _, _ := e.file(http.MethodPost, up, doc, append([]string{"Content-Type", "application/pdf"}, h...)...)
		if status != http.StatusUnauthorized {
			t.Fatalf("upload without credentials (%v): %d", h, status)
		}
	}
	status, _, _ := e.file(http.MethodGet, "/jsonrpc/file?type=document&external_id=D1&SID="+sid+"&login=boss&password="+testPassword, nil)
	if status != http.StatusUnauthorized {
		t.Fatalf("credentials in URL: %d", status)
	}
	// Read-only may not upload.
	status, _, _ = e.file(http.MethodPost, up, doc, "X-Session-Id", ro, "Content-Type", "application/pdf")
	if status != http.StatusForbidden {
		t.Fatalf("readonly upload: %d", status)
	}
	// Upload twice with the same external id: one document.
	for i := 0; i < 2; i++ {
		status, body, _ := e.file(http.MethodPost, up, doc, "X-Session-Id", sid, "Content-Type", "application/pdf")
		if status != 200 {
			t.Fatalf("upload: %d %s", status, body)
		}
	}
	if n := e.count(`SELECT COUNT(*) FROM documents`); n != 1 {
		t.Fatalf("%d documents", n)
	}
	// Download with login and password in a POSTed form, and with Basic auth.
	status, body, _ := e.file(http.MethodPost, "/jsonrpc/file?type=document&external_id=D1",
		[]byte("login=viewer&password="+strings.ReplaceAll(testPassword, " ", "+")), "Content-Type", "application/x-www-form-urlencoded")
	if status != 200 || !bytes.Equal(body, doc) {
		t.Fatalf("form download: %d %.100s", status, body)
	}
	req, _ := http.NewRequest(http.MethodGet, e.URL+"/jsonrpc/file?type=document&external_id=D1", nil)
	req.SetBasicAuth("viewer", testPassword)
	resp, err := e.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("basic auth download: %d", resp.StatusCode)
	}
	status, _, _ = e.file(http.MethodGet, "/jsonrpc/file?type=document&external_id=D404", nil, "X-Session-Id", sid)
	if status != http.StatusNotFound {
		t.Fatalf("unknown document: %d", status)
	}
	// Too large.
	status, _, _ = e.file(http.MethodPost, up, make([]byte, 21<<20), "X-Session-Id", sid, "Content-Type", "application/pdf")
	if status != http.StatusRequestEntityTooLarge {
		t.Fatalf("21 MB upload: %d", status)
	}

	var dl documents.DocumentList
	e.call(sid, "documents.list", map[string]any{"client_external_id": "C1"}).OK(t, &dl)
	if len(dl.Documents) != 1 || dl.Documents[0].Kind != documents.KindContract || !dl.Documents[0].Visible {
		t.Fatalf("documents %+v", dl)
	}
	var d documents.DocumentOut
	e.call(sid, "documents.setVisible", map[string]any{"external_id": "D1", "visible": false}).OK(t, &d)
	if d.Visible {
		t.Fatal("still visible")
	}
	var del rpc.Deleted
	e.call(sid, "documents.delete", map[string]any{"external_id": "D1"}).OK(t, &del)
	if !del.Deleted || e.count(`SELECT COUNT(*) FROM documents`) != 0 {
		t.Fatal("document not deleted")
	}
	e.call(sid, "documents.delete", map[string]any{"external_id": "D1"}).OK(t, &del)
	if del.Deleted {
		t.Fatal("second delete claims a deletion")
	}
}

func TestFilesMessagesSMSConsent(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	setupClient(t, e, sid)

	var fl files.FileList
	e.call(sid, "files.list", nil).OK(t, &fl)
	if len(fl.Files) != 0 {
		t.Fatalf("files %+v", fl)
	}
	var del rpc.Deleted
	e.call(sid, "files.delete", map[string]any{"id": 12345}).OK(t, &del)
	if del.Deleted {
		t.Fatal("deleted a file that does not exist")
	}
	e.call(sid, "files.delete", map[string]any{}).Fails(t, rpc.CodeInvalidParams, "id")

	msg := map[string]any{"external_id": "M1", "kind": "private", "client_external_id": "C1", "title": "Hello", "body": "<p>Hi</p>"}
	var m1, m2 rpc.Saved
	e.call(sid, "messages.add", msg).OK(t, &m1)
	msg["title"] = "Hello again"
	e.call(sid, "messages.add", msg).OK(t, &m2)
	if !m1.Created || m2.Created || m1.ID != m2.ID {
		t.Fatalf("message upsert %+v %+v", m1, m2)
	}
	var ml info.MessageList
	e.call(sid, "messages.list", nil).OK(t, &ml)
	if len(ml.Messages) != 1 || ml.Messages[0].Title != "Hello again" {
		t.Fatalf("messages %+v", ml)
	}
	e.call(sid, "messages.add", map[string]any{"external_id": "M2", "kind": "group", "invoice_group_id": 999, "title": "x", "body": "y"}).
		Refused(t, "invalid", "invoice_group_id")
	e.call(sid, "messages.delete", map[string]any{"external_id": "M1"}).OK(t, &del)
	if !del.Deleted {
		t.Fatal("message not deleted")
	}

	var sl sms.SMSList
	e.call(sid, "sms.list", map[string]any{"client_external_id": "C1"}).OK(t, &sl)
	if len(sl.SMS) != 0 {
		t.Fatalf("sms %+v", sl)
	}
	e.call(sid, "sms.list", map[string]any{"client_external_id": "C404"}).Refused(t, "not_found")
	var cl gdpr.ConsentList
	e.call(sid, "gdpr.consentState", map[string]any{"client_external_id": "C1"}).OK(t, &cl)
	e.call(sid, "gdpr.consentState", map[string]any{}).Fails(t, rpc.CodeInvalidParams, "client_id")
}

// Amounts beyond ±10,000,000,000.00 are refused with the field named, so that no
// client's sums can overflow (two such payments made the Invoicing page fail).
func TestAmountBoundsAPI(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	setupClient(t, e, sid)
	const maxAmount = 1_000_000_000_000
	pay := map[string]any{"external_id": "P1", "client_external_id": "C1", "paid_on": "2026-11-10", "currency": "CZK", "method": "bank"}
	inv := func() map[string]any {
		return map[string]any{"external_id": "I1", "client_external_id": "C1", "number": "1", "issued": "2026-11-01", "due": "2026-11-15",
			"amount": 1000, "amount_vat": 1210, "currency": "CZK",
			"items": []any{map[string]any{"description": "Internet", "quantity": 1000, "unit_price": 1000, "vat_rate": 21}}}
	}
	item := func(k string, v any) map[string]any {
		i := inv()
		i["items"].([]any)[0].(map[string]any)[k] = v
		return i
	}
	with := func(m map[string]any, k string, v any) map[string]any {
		out := map[string]any{}
		for a, b := range m {
			out[a] = b
		}
		out[k] = v
		return out
	}
	for _, tc := range []struct {
		method string
		params map[string]any
		field  string
	}{
		{"payments.add", with(pay, "amount", int64(1)<<62), "amount"},
		{"payments.add", with(pay, "amount", maxAmount+1), "amount"},
		{"payments.add", with(pay, "amount", -maxAmount-1), "amount"},
		{"invoices.add", with(inv(), "amount_vat", int64(1)<<62), "amount_vat"},
		{"invoices.add", with(inv(), "amount", -maxAmount-1), "amount"},
		{"invoices.add", item("unit_price", maxAmount+1), "items[0].unit_price"},
		{"invoices.add", item("quantity", int64(1)<<40), "items[0].quantity"},
		{"services.add", map[string]any{"external_id": "S", "client_external_id": "C1", "tariff_external_id": "T", "name": "S",
			"price_override": maxAmount + 1}, "price_override"},
		{"tariffs.add", map[string]any{"external_id": "T", "name": "T", "kind": "internet", "price": maxAmount + 1}, "price"},
	} {
		r := e.call(sid, tc.method, tc.params)
		r.Fails(t, rpc.CodeInvalidParams, map[bool]string{true: "1,000,000 pieces", false: "10,000,000,000.00"}[tc.field == "items[0].quantity"])
		var d rpc.FieldData
		json.Unmarshal(r.Error.Data, &d)
		if d.Field != tc.field {
			t.Errorf("%s %v: field %q, want %q", tc.method, tc.params, d.Field, tc.field)
		}
	}
	// In range line by line, beyond it together: refused as a whole.
	big := inv()
	big["items"] = []any{map[string]any{"description": "a", "quantity": 1000, "unit_price": maxAmount, "vat_rate": 21}}
	e.call(sid, "invoices.add", big).Refused(t, "invalid", "10,000,000,000.00")
	// The edge itself is fine.
	e.call(sid, "payments.add", with(pay, "amount", maxAmount)).OK(t, nil)
	e.call(sid, "payments.add", with(with(pay, "external_id", "P2"), "amount", maxAmount)).OK(t, nil)
	if n := e.count(`SELECT COUNT(*) FROM invoices`); n != 0 {
		t.Fatalf("%d invoices stored", n)
	}
}
