package gdpr

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/auth"
	"github.com/ispportal/portal/modules/helpdesk"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/services"
	"github.com/ispportal/portal/modules/sms"
)

// exportEnv boots every module that holds client data, with client 7001 owning a
// service, an invoice and a payment, a ticket, an SMS and a consent, and client 7002
// owning a service of its own.
func exportEnv(t *testing.T) (*testkit.Env, int64, int64) {
	t.Helper()
	env := testkit.New(t, New, auth.New, admin.New, services.New, invoices.New, helpdesk.New, sms.New)
	env.Set("system_mail", "portal@isp.example")
	env.Set("system_mail_name", "ISP portal")
	env.Set("ci_url", "https://portal.isp.example/")
	a, b := env.AddClient("7001", 0), env.AddClient("7002", 0)
	now := "2026-11-01T10:00:00Z"
	env.Tx(func(tx *sql.Tx) error {
		for _, q := range []string{
			`UPDATE clients SET name = 'Jiří Žluťoučký', email = 'jiri@example.cz', street = 'Dlouhá 5' WHERE number = '7001'`,
			`UPDATE clients SET name = 'Other Person', email = 'other@example.cz' WHERE number = '7002'`,
			`INSERT INTO tariffs (id, name, created_at, updated_at) VALUES (1, 'Optika 500', '` + now + `', '` + now + `')`,
			`INSERT INTO services (client_id, tariff_id, name, ip_address, created_at, updated_at) SELECT id, 1, 'Internet Dlouhá', '10.0.0.7', '` + now + `', '` + now + `' FROM clients WHERE number = '7001'`,
			`INSERT INTO services (client_id, tariff_id, name, ip_address, created_at, updated_at) SELECT id, 1, 'Secret neighbour line', '10.9.9.9', '` + now + `', '` + now + `' FROM clients WHERE number = '7002'`,
			`INSERT INTO invoices (client_id, number, issued, due, taxable, amount, amount_vat, currency, created_at) SELECT id, 'FV2026-0042', '2026-11-01', '2026-11-15', '2026-11-01', 50000, 60500, 'CZK', '` + now + `' FROM clients WHERE number = '7001'`,
			`INSERT INTO payments (client_id, paid_on, amount, currency, method, created_at) SELECT id, '2026-11-10', 60500, 'CZK', 'bank', '` + now + `' FROM clients WHERE number = '7001'`,
			`INSERT INTO helpdesk_departments (id, name, created_at) VALUES (1, 'Support', '` + now + `')`,
			`INSERT INTO helpdesk_tickets (id, client_id, department_id, subject, created_at, updated_at) SELECT 1, id, 1, 'Pomalé připojení', '` + now + `', '` + now + `' FROM clients WHERE number = '7001'`,
			`INSERT INTO helpdesk_items (ticket_id, type, direction, body, created_at) VALUES (1, 'email', 'in', 'Od včera to jde pomalu.', '` + now + `')`,
			`INSERT INTO sms_queue (client_id, number, text, parts, next_attempt_at, created_at) SELECT id, '+420600100200', 'Vaše faktura je vystavena.', 1, '` + now + `', '` + now + `' FROM clients WHERE number = '7001'`,
			`INSERT INTO audit_log (at, actor, action, client_id, ip) SELECT '` + now + `', 'client:7001', 'login.ok', id, '198.51.100.7' FROM clients WHERE number = '7001'`,
		} {
			if _, err := tx.Exec(q); err != nil {
				return err
			}
		}
		doc, err := AddDocument(context.Background(), tx, "", "Marketing", "<p>Mail</p>", []string{"E-mail"}, env.Clock.Now())
		if err != nil {
			return err
		}
		_, err = tx.Exec(`INSERT INTO consent_history (client_id, document_id, seq, version, action, purposes, at, ip)
			VALUES (?, ?, 1, 1, 'given', '["E-mail"]', ?, '198.51.100.7')`, a, doc, now)
		return err
	})
	return env, a, b
}

// TestExportJSONAndPDF: a small account downloads at once; the JSON holds every
// module's part and nothing of another client, the PDF is a PDF; both audited.
func TestExportJSONAndPDF(t *testing.T) {
	env, a, _ := exportEnv(t)
	b := env.Browser().LoginAs(a)
	b.Get("/gdpr/export").Expect(t, 200, "Download as PDF", "Erase my personal data")
	r := b.Post("/gdpr/export", url.Values{"format": {"json"}}).Expect(t, 200)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("content type %q", ct)
	}
	var out jsonExport
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, s := range out.Sections {
		got[s.Module+"."+s.Name] = len(s.Rows)
	}
	for _, want := range []string{"gdpr.profile", "gdpr.consents", "services.services", "invoices.invoices", "invoices.payments",
		"helpdesk.tickets", "helpdesk.messages", "sms.messages", "auth.logins"} {
		if got[want] != 1 {
			t.Errorf("section %s has %d rows, want 1 (all: %v)", want, got[want], got)
		}
	}
	for _, want := range []string{"Jiří Žluťoučký", "FV2026-0042", "605.00", "Pomalé připojení", "Vaše faktura je vystavena.", "198.51.100.7", "Internet Dlouhá"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("JSON lacks %q", want)
		}
	}
	r.Lacks(t, "Secret neighbour line", "Other Person", "password_hash")
	pdf := b.Post("/gdpr/export", url.Values{"format": {"pdf"}}).Expect(t, 200)
	if !strings.HasPrefix(pdf.Body, "%PDF-") || pdf.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("not a PDF: %q", pdf.Header.Get("Content-Type"))
	}
	b.Post("/gdpr/export", url.Values{"format": {"xml"}}).Expect(t, http.StatusBadRequest)
	if n := env.AuditCount("privacy.export", "client:7001"); n != 2 {
		t.Fatalf("%d audit entries, want 2", n)
	}
}

var exportLinkRE = regexp.MustCompile(`https://portal\.isp\.example/gdpr/export/file\?token=[A-Za-z0-9_-]+`)

// TestExportInBackground: beyond ci_gdpr_export_sync_rows the export is queued,
// built by the worker, mailed (real SMTP test server) as a link that opens the ZIP
// only in the same client's session, and dies when it expires.
func TestExportInBackground(t *testing.T) {
	env, a, other := exportEnv(t)
	env.Set("ci_gdpr_export_sync_rows", "3")
	srv := mailtest.Start(t)
	b := env.Browser().LoginAs(a)
	b.Post("/gdpr/export", url.Values{"format": {"pdf"}}).Expect(t, http.StatusSeeOther)
	b.Get("/gdpr/export").Expect(t, 200, "is being prepared", "Being prepared")
	b.Post("/gdpr/export", url.Values{"format": {"pdf"}}).Expect(t, http.StatusSeeOther)
	b.Get("/gdpr/export").Expect(t, 200, "already being prepared")
	if n := env.Count(`SELECT count(*) FROM gdpr_exports WHERE state = 'pending'`); n != 1 {
		t.Fatalf("%d pending exports, want 1", n)
	}
	if n, err := RunExports(context.Background(), env.Deps); err != nil || n != 1 {
		t.Fatalf("RunExports: %d %v", n, err)
	}
	w := mail.NewWorker(env.Deps.DB, srv.Config, env.Deps.Log, env.Clock.Now)
	if _, _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d mails, want 1", len(msgs))
	}
	link := exportLinkRE.FindString(msgs[0].Text)
	if link == "" {
		t.Fatalf("no link in:\n%s", msgs[0].Text)
	}
	path := strings.TrimPrefix(link, "https://portal.isp.example")
	// Not logged in, or another client: nothing.
	env.Browser().Get(path).Expect(t, http.StatusSeeOther)
	env.Browser().LoginAs(other).Get(path).Expect(t, http.StatusNotFound)
	b.Get(path+"x").Expect(t, http.StatusNotFound)
	r := b.Get(path).Expect(t, 200)
	zr, err := zip.NewReader(bytes.NewReader([]byte(r.Body)), int64(len(r.Body)))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "export.json,export.pdf" {
		t.Fatalf("zip holds %v", names)
	}
	// The token is not kept in the outbox once the mail went out.
	_, tok, _ := strings.Cut(link, "token=")
	like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(tok) + "%"
	if n := env.Count(`SELECT count(*) FROM mail_outbox WHERE body_text LIKE ? ESCAPE '\' OR subject LIKE ? ESCAPE '\'`, like, like); n != 0 {
		t.Fatalf("the outbox still holds the link token")
	}
	b.Get("/gdpr/export").Expect(t, 200, "Ready: see your e-mail")
	// Expiry: after the link's days the file goes and the link is dead.
	env.Clock.Advance(8 * 24 * time.Hour)
	if _, err := RunExports(context.Background(), env.Deps); err != nil {
		t.Fatal(err)
	}
	b2 := env.Browser().LoginAs(a)
	b2.Get(path).Expect(t, http.StatusNotFound)
	if n := env.Count(`SELECT count(*) FROM gdpr_exports WHERE state = 'expired' AND path = '' AND token_hash IS NULL`); n != 1 {
		t.Fatalf("the export did not expire")
	}
}

// TestStaffExportFromCard: staff download the same export from the client card,
// audited; the card offers it.
func TestStaffExportFromCard(t *testing.T) {
	env, a, _ := exportEnv(t)
	s := env.StaffBrowser("support")
	s.Get("/admin/clients/"+itoa(a)).Expect(t, 200, "Data export:", "/gdpr-export")
	r := s.Post("/admin/clients/"+itoa(a)+"/gdpr-export", url.Values{"format": {"json"}}).Expect(t, 200, "FV2026-0042")
	r.Lacks(t, "Secret neighbour line")
	s.Post("/admin/clients/999999/gdpr-export", url.Values{"format": {"json"}}).Expect(t, http.StatusNotFound)
	if n := env.AuditCount("privacy.export.staff", "staff:support1"); n != 1 {
		t.Fatalf("%d audit entries, want 1", n)
	}
}

// TestPrivacyRequests: a client files an erasure request (bad input refused with a
// message, a second open one of the same kind too); staff see it, change its state
// (audited); the client sees the new state; another client sees none of it.
func TestPrivacyRequests(t *testing.T) {
	env, a, other := exportEnv(t)
	b := env.Browser().LoginAs(a)
	b.Get("/gdpr/export")
	b.Post("/gdpr/requests", url.Values{"kind": {"everything"}}).Expect(t, http.StatusUnprocessableEntity, "Choose what you ask for.")
	b.Post("/gdpr/requests", url.Values{"kind": {"erasure"}, "note": {strings.Repeat("é", 2001)}}).Expect(t, http.StatusUnprocessableEntity, "at most 2000")
	if n := env.Count(`SELECT count(*) FROM gdpr_requests`); n != 0 {
		t.Fatalf("%d requests after bad input", n)
	}
	b.Post("/gdpr/requests", url.Values{"kind": {"erasure"}, "note": {"Končím s internetem."}}).Expect(t, http.StatusSeeOther)
	b.Get("/gdpr/export").Expect(t, 200, "Your request has been filed", "Received")
	b.Post("/gdpr/requests", url.Values{"kind": {"erasure"}}).Expect(t, http.StatusUnprocessableEntity, "already have an open request")
	env.Browser().LoginAs(other).Get("/gdpr/export").Expect(t, 200).Lacks(t, "Received")

	ro := env.StaffBrowser("readonly")
	ro.Get("/admin/gdpr/requests").Expect(t, 200, "Končím s internetem.", "7001").Lacks(t, `name="state" value=`)
	ro.Post("/admin/gdpr/requests/1", url.Values{"state": {"done"}}).Expect(t, http.StatusForbidden)
	env.StaffBrowser("support").Post("/admin/gdpr/requests/1", url.Values{"state": {"done"}}).Expect(t, http.StatusForbidden)
	s := env.StaffBrowser("admin")
	s.Post("/admin/gdpr/requests/1", url.Values{"state": {"bogus"}}).Expect(t, http.StatusUnprocessableEntity, "Unknown state.")
	s.Post("/admin/gdpr/requests/99", url.Values{"state": {"done"}}).Expect(t, http.StatusNotFound)
	s.Post("/admin/gdpr/requests/1", url.Values{"state": {"in_progress"}}).Expect(t, http.StatusSeeOther)
	s.Get("/admin/gdpr/requests?state=in_progress").Expect(t, 200, "Končím s internetem.", "staff:admin1")
	s.Get("/admin/gdpr/requests").Expect(t, 200, "No requests in this state.")
	if n := env.AuditCount("privacy.request.in_progress", "staff:admin1"); n != 1 {
		t.Fatalf("%d audit entries, want 1", n)
	}
	if n := env.AuditCount("privacy.request.file", "client:7001"); n != 1 {
		t.Fatalf("%d file audit entries, want 1", n)
	}
	b.Get("/gdpr/export").Expect(t, 200, "Being handled")
}

// TestDeletedClientLosesExportFiles: deleting a client removes its export files
// through the ClientDeleting hook.
func TestDeletedClientLosesExportFiles(t *testing.T) {
	env, a, _ := exportEnv(t)
	if err := QueueExport(context.Background(), env.Deps, a, "en", "client:7001", ""); err != nil {
		t.Fatal(err)
	}
	if n, err := RunExports(context.Background(), env.Deps); err != nil || n != 1 {
		t.Fatalf("RunExports: %d %v", n, err)
	}
	var name string
	env.Deps.DB.R.QueryRow(`SELECT path FROM gdpr_exports`).Scan(&name)
	p, err := exportPath(env.Deps, name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	env.Tx(func(tx *sql.Tx) error {
		for _, h := range env.Deps.Hooks.ClientDeleting {
			if err := h(context.Background(), tx, a); err != nil {
				return err
			}
		}
		_, err := tx.Exec(`DELETE FROM clients WHERE id = ?`, a)
		return err
	})
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatalf("export file still there: %v", err)
	}
}

// TestClientExportCommand: `portal client export` writes the same export, audited;
// bad flags and unknown clients fail.
func TestClientExportCommand(t *testing.T) {
	env, _, _ := exportEnv(t)
	out, err := runCmd(t, env, "", "client export", "7001")
	if err != nil || !strings.Contains(out, "FV2026-0042") || strings.Contains(out, "Secret neighbour line") {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if out, err = runCmd(t, env, "", "client export", "--format", "pdf", "--lang", "cs", "7001"); err != nil || !strings.HasPrefix(out, "%PDF-") {
		t.Fatalf("pdf: %v", err)
	}
	for _, bad := range [][]string{{"--format", "xml", "7001"}, {"--lang", "de", "7001"}, {"nobody"}, {}} {
		if _, err := runCmd(t, env, "", "client export", bad...); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if n := env.AuditCount("privacy.export.cli", "cli"); n != 2 {
		t.Fatalf("%d audit entries, want 2", n)
	}
}

// TestExportRateLimit: more than exportRate downloads a minute from one address are
// refused with 429.
func TestExportRateLimit(t *testing.T) {
	env, a, _ := exportEnv(t)
	b := env.Browser().LoginAs(a)
	for i := 0; i < exportRate; i++ {
		b.Post("/gdpr/export", url.Values{"format": {"json"}}).Expect(t, 200)
	}
	b.Post("/gdpr/export", url.Values{"format": {"json"}}).Expect(t, http.StatusTooManyRequests)
}
