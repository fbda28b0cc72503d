package admin_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/modules/documents"
)

func TestClientSearchAndCard(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	g := env.AddGroup("Residential")
	cid := env.AddClient("7001", g)
	env.AddClient("7002", g)
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET name = 'Jana Nováková', phone = '+420 777 123 456' WHERE id = ?`, cid)
		return err
	})
	b := staffBrowser(t, env, core.RoleSupport)
	b.Get("/admin/clients?q=7001").Expect(t, 200, "Jana Nováková").Lacks(t, ">7002<")
	b.Get("/admin/clients?q=Nov%C3%A1kov%C3%A1").Expect(t, 200, ">7001<")
	b.Get("/admin/clients?q=c7002%40example.net").Expect(t, 200, ">7002<").Lacks(t, ">7001<")
	b.Get("/admin/clients?q=777+123").Expect(t, 200, ">7001<")
	b.Get("/admin/clients?q=%25").Expect(t, 200, "No client found")
	for i := 0; i < 55; i++ {
		env.AddClient(fmt.Sprintf("8%03d", i), 0)
	}
	r := b.Get("/admin/clients").Expect(t, 200, `rel="next"`)
	if !strings.Contains(r.Body, "page=2") {
		t.Fatal("no link to page 2")
	}
	b.Get("/admin/clients?page=2").Expect(t, 200, `rel="prev"`)

	b.Get(fmt.Sprintf("/admin/clients/%d", cid)).Expect(t, 200, "Jana Nováková", "Residential", "Not locked", "Generate a one-time password")
	// One spelling per id (core.ParseID): "01" and "+1" are not client 1.
	for _, bad := range []string{"/admin/clients/0", "/admin/clients/abc", "/admin/clients/99999999", "/admin/clients/1e3", "/admin/clients/0" + strconv.FormatInt(cid, 10), "/admin/clients/+" + strconv.FormatInt(cid, 10),
		"/admin/clients/99999999999999999999999"} {
		b.Get(bad).Expect(t, 404)
	}
}

func TestClientUnlock(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	env.Set("ci_login_attempts", "3")
	cid := env.AddClient("7001", 0)
	env.Tx(func(tx *sql.Tx) error {
		for i := 0; i < 3; i++ {
			if _, err := lockout.Fail(context.Background(), tx, lockout.KindClient, lockout.Account(cid), env.Clock.Now(),
				lockout.Policy{MaxFailures: 3, LockFor: 15 * 60e9}); err != nil {
				return err
			}
		}
		return nil
	})
	b := staffBrowser(t, env, core.RoleSupport)
	card := fmt.Sprintf("/admin/clients/%d", cid)
	b.Get(card).Expect(t, 200, "Locked until", "3 failed attempts")
	b.Post(card+"/unlock", nil).Expect(t, 303)
	b.Get(card).Expect(t, 200, "lockout was cleared", "Not locked")
	if auditCount(t, env, "client.unlock", "staff:support1") != 1 {
		t.Fatal("unlock not audited")
	}
}

var otpRE = regexp.MustCompile(`<code>([A-Za-z0-9]{12,})</code>`)

func TestClientOneTimePassword(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	cid := env.AddClient("7001", 0)
	b := staffBrowser(t, env, core.RoleSupport)
	card := fmt.Sprintf("/admin/clients/%d", cid)
	b.Get(card)
	r := b.Post(card+"/password", url.Values{"action": {"generate"}}).Expect(t, 200, "shown only now")
	m := otpRE.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no one-time password on the result page:\n%s", r.Body)
	}
	otp := m[1]
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Fatal("the page with the password may be cached")
	}
	b.Get(card).Expect(t, 200, "Set").Lacks(t, otp)
	if strings.Contains(env.Logs.String(), otp) {
		t.Fatal("the one-time password reached the log")
	}
	var n int
	env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM client_credentials WHERE password_hash LIKE ?`, "%"+otp+"%").Scan(&n)
	list, _ := core.AuditList(context.Background(), env.Deps.DB.R, core.AuditFilter{Limit: 100})
	for _, e := range list {
		if strings.Contains(e.Detail, otp) {
			t.Fatal("the one-time password reached the audit log")
		}
	}
	if n != 0 || auditCount(t, env, "password.otp", "staff:support1") != 1 {
		t.Fatal("OTP stored in clear or not audited")
	}
	// The client logs in with it once and must then choose a password.
	c := env.Browser()
	c.Get("/login")
	res := c.Post("/login", url.Values{"login": {"7001"}, "password": {otp}}).Expect(t, 303)
	if res.Header.Get("Location") != "/password/new" {
		t.Fatalf("OTP login goes to %q", res.Header.Get("Location"))
	}

	t.Run("typed", func(t *testing.T) {
		b.Get(card)
		b.Post(card+"/password", url.Values{"action": {"set"}, "password": {"short"}}).Expect(t, 422,
			"The password must have at least 12 characters", `aria-invalid="true"`)
		b.Post(card+"/password", url.Values{"action": {"set"}, "password": {"7001"}}).Expect(t, 422)
		b.Post(card+"/password", url.Values{"action": {"set"}, "password": {"agreed on the phone"}}).Expect(t, 303)
		b.Get(card).Expect(t, 200, "one-time password was saved")
		if strings.Contains(env.Logs.String(), "agreed on the phone") {
			t.Fatal("typed password in the log")
		}
	})

	t.Run("readonly cannot", func(t *testing.T) {
		ro := staffBrowser(t, env, core.RoleReadOnly)
		ro.Get(card).Expect(t, 200).Lacks(t, "Generate a one-time password")
		ro.Post(card+"/password", url.Values{"action": {"generate"}}).Expect(t, 403)
	})
}

func TestClientSendLinkMessages(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	cid := env.AddClient("7001", 0)
	noMail := env.AddClient("7002", 0)
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET email = '' WHERE id = ?`, noMail)
		return err
	})
	b := staffBrowser(t, env, core.RoleSupport)
	card := fmt.Sprintf("/admin/clients/%d", cid)
	b.Get(card).Expect(t, 200, "The system email address and its name are not specified in the system settings.")
	b.Post(card+"/password", url.Values{"action": {"link"}}).Expect(t, 303)
	b.Get(card).Expect(t, 200, `class="flash flash-error" role="alert">The system email address and its name are not specified`)

	env.Set("system_mail", "portal@example.cz")
	env.Set("system_mail_name", "Portal")
	env.Set("ci_url", "https://portal.example.cz/")
	b.Get(card).Expect(t, 200).Lacks(t, "are not specified")
	other := fmt.Sprintf("/admin/clients/%d", noMail)
	b.Get(other).Expect(t, 200, "No email address is available for the client.")
	b.Post(other+"/password", url.Values{"action": {"link"}}).Expect(t, 303)
	b.Get(other).Expect(t, 200, `role="alert">No email address is available for the client.`)

	b.Post(card+"/password", url.Values{"action": {"link"}}).Expect(t, 303)
	b.Get(card).Expect(t, 200, "was queued for c7001@example.net")
	var n int
	env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM mail_outbox WHERE client_id = ?`, cid).Scan(&n)
	if n != 1 || auditCount(t, env, "password.link", "staff:support1") != 1 {
		t.Fatalf("outbox rows %d; link must be queued and audited once", n)
	}
	b.Header.Set("Accept-Language", "cs")
	b.Post(other+"/password", url.Values{"action": {"link"}})
	b.Get(other).Expect(t, 200, "Klient nemá žádnou e-mailovou adresu.")
}

func TestViewAsClient(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	cid := env.AddClient("7001", 0)
	b := staffBrowser(t, env, core.RoleSupport)
	card := fmt.Sprintf("/admin/clients/%d", cid)
	b.Get(card)
	r := b.Post(card+"/viewas", nil).Expect(t, 303)
	if r.Header.Get("Location") != "/info" {
		t.Fatalf("view as goes to %q", r.Header.Get("Location"))
	}
	b.Get("/info").Expect(t, 200, "Client 7001", "viewing the portal as this client")
	b.Post("/info/edit", url.Values{"email": {"x@example.net"}}).Expect(t, 403)
	// The staff session is still there, in the same browser.
	b.Get(card).Expect(t, 200)
	if auditCount(t, env, "client.viewas", "staff:support1") != 1 {
		t.Fatal("view as not audited")
	}
}

func TestDocumentDisplayToggle(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	cid := env.AddClient("7001", 0)
	other := env.AddClient("7002", 0)
	id, err := documents.AddDocumentFrom(context.Background(), env.Deps, documents.Document{ClientID: cid, Title: "Contract 1",
		Kind: documents.KindContract, FileName: "contract.pdf", Date: env.Clock.Now()}, strings.NewReader("%PDF-1.4 test"))
	if err != nil {
		t.Fatal(err)
	}
	b := staffBrowser(t, env, core.RoleAdmin)
	card := fmt.Sprintf("/admin/clients/%d", cid)
	b.Get(card).Expect(t, 200, "Contract 1")
	b.Post(fmt.Sprintf("%s/documents/%d/visible", card, id), url.Values{"visible": {"0"}}).Expect(t, 303)
	d, _ := documents.DocumentByID(context.Background(), env.Deps.DB.R, id)
	if d.Visible {
		t.Fatal("still visible")
	}
	// Through another client's card: 404.
	b.Get(card)
	b.Post(fmt.Sprintf("/admin/clients/%d/documents/%d/visible", other, id), url.Values{"visible": {"1"}}).Expect(t, 404)
	sup := staffBrowser(t, env, core.RoleSupport)
	sup.Get(card).Expect(t, 200, "Contract 1")
	sup.Post(fmt.Sprintf("%s/documents/%d/visible", card, id), url.Values{"visible": {"1"}}).Expect(t, 403)
}
