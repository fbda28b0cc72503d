package info_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/modules/info"
)

func validForm() url.Values {
	return url.Values{"street": {"Korunní 5"}, "city": {"Praha"}, "postcode": {"120 00"}, "country": {"cz"},
		"email": {"new@example.net"}, "phone": {"+420 222 333 444"}, "mobile": {"777 123 456"},
		"inv_street": {"Slezská 48"}, "inv_city": {"Praha 2"}, "inv_postcode": {"12000"}, "inv_country": {"CZ"}}
}

func (w *world) client(t *testing.T, id int64) core.Client {
	t.Helper()
	c, err := core.ClientByID(w.ctx, w.env.Deps.DB.R, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (w *world) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := w.env.Deps.DB.R.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDataChangeSaves(t *testing.T) {
	w := newWorld(t)
	srv := mailtest.Start(t)
	w.env.Set("ci_data_change_notify_email", "office@isp.example; tech@isp.example")
	b := w.env.Browser().LoginAs(w.a)
	b.Get("/info").Expect(t, 200, `href="/info/edit"`)
	b.Get("/info/edit").Expect(t, 200, `name="street"`, `value="c2001@example.net"`, `for="f-email"`).Lacks(t, `name="company"`)

	form := validForm()
	form.Set("company", "Evil Corp") // not a business: ignored
	r := b.Post("/info/edit", form)
	if r.StatusCode != 303 || r.Header.Get("Location") != "/info" {
		t.Fatalf("save: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	b.Get("/info").Expect(t, 200, "Your contact details have been saved.", "Korunní 5", "new@example.net", "Slezská 48")

	c := w.client(t, w.a)
	if c.Street != "Korunní 5" || c.Email != "new@example.net" || c.Country != "CZ" || c.Mobile != "777 123 456" || c.InvCity != "Praha 2" || c.Company != "" {
		t.Fatalf("client not updated as expected: %+v", c)
	}
	if other := w.client(t, w.b); other.Email != "c2002@example.net" {
		t.Fatalf("another client changed: %+v", other)
	}
	// Field-level history keeps the old values.
	hist, err := info.DataChanges(w.ctx, w.env.Deps.DB.R, w.a, 0)
	if err != nil {
		t.Fatal(err)
	}
	var sawEmail bool
	for _, h := range hist {
		if h.Field == "email" {
			sawEmail = h.Old == "c2001@example.net" && h.New == "new@example.net" && h.Actor == "client:2001" && !h.At.IsZero()
		}
		if h.Field == "company" {
			t.Fatalf("company must not change for a private person: %+v", h)
		}
	}
	if !sawEmail || len(hist) != 11 {
		t.Fatalf("history: %+v", hist)
	}
	audit, _ := core.AuditList(w.ctx, w.env.Deps.DB.R, core.AuditFilter{Action: "client.data_change", ClientID: w.a})
	if len(audit) != 1 || !strings.Contains(audit[0].Detail, "email") || audit[0].Actor != "client:2001" {
		t.Fatalf("audit: %+v", audit)
	}

	// Staff get the notification through the outbox, at a real SMTP server.
	worker := mail.NewWorker(w.env.Deps.DB, srv.Config, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if _, _, err := worker.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := srv.WaitFor(t, 2, 5*time.Second)
	rcpts := map[string]bool{}
	for _, m := range msgs {
		rcpts[m.To[0]] = true
		if !strings.Contains(m.Subject, "2001") || !strings.Contains(m.Text, `"c2001@example.net" -> "new@example.net"`) {
			t.Fatalf("notification: %q\n%s", m.Subject, m.Text)
		}
	}
	if !rcpts["office@isp.example"] || !rcpts["tech@isp.example"] {
		t.Fatalf("recipients: %v", rcpts)
	}

	// Saving the same data again changes nothing and sends nothing.
	b.Post("/info/edit", validForm()).Expect(t, 303)
	b.Get("/info").Expect(t, 200, "Nothing was changed.")
	if n := w.count(t, `SELECT COUNT(*) FROM mail_outbox`); n != 2 {
		t.Fatalf("outbox has %d mails, want 2", n)
	}
}

func TestDataChangeBusinessFields(t *testing.T) {
	w := newWorld(t)
	w.env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET is_business = 1, company = 'Old s.r.o.' WHERE id = ?`, w.b)
		return err
	})
	b := w.env.Browser().LoginAs(w.b)
	b.Get("/info").Expect(t, 200, "Old s.r.o.", "Registration number")
	b.Header.Set("Accept-Language", "cs")
	b.Get("/info/edit").Expect(t, 200, `name="company"`, `value="Old s.r.o."`, "IČO", "DIČ")

	form := validForm()
	form.Set("company", "<b>Bold</b> a.s.")
	b.Post("/info/edit", form).Expect(t, 422, "nejsou povoleny")
	form.Set("company", "New a.s.")
	form.Set("vat_no", "CZ 1234-5678")
	b.Post("/info/edit", form).Expect(t, 422, "Použijte jen písmena a číslice.")
	form.Set("registration_no", "123 45 678")
	form.Set("vat_no", "cz12345678")
	b.Post("/info/edit", form).Expect(t, 303)
	c := w.client(t, w.b)
	if c.Company != "New a.s." || c.RegistrationNo != "12345678" || c.VATNo != "CZ12345678" {
		t.Fatalf("business fields: %+v", c)
	}
	hist, _ := info.DataChanges(w.ctx, w.env.Deps.DB.R, w.b, 0)
	var old string
	for _, h := range hist {
		if h.Field == "company" {
			old = h.Old
		}
	}
	if old != "Old s.r.o." {
		t.Fatalf("old company not kept: %+v", hist)
	}
}

func TestDataChangeRefusesBadInput(t *testing.T) {
	w := newWorld(t)
	w.env.Set("ci_data_change_notify_email", "office@isp.example")
	before := w.client(t, w.a)
	cases := []struct {
		field, value, lang, want string
	}{
		{"email", "not-an-email", "en", "Enter an e-mail address"},
		{"email", "", "en", "This field is required."},
		// The line break becomes a space (single-line fields are normalised), which
		// leaves no e-mail address: no header injection either way.
		{"email", "a@b.cz\r\nBcc: x@y.cz", "en", "Enter an e-mail address"},
		{"email", "spatny@", "cs", "Zadejte e-mailovou adresu"},
		{"street", "<script>alert(1)</script>", "en", "are not allowed here"},
		{"street", `"><img src=x onerror=alert(1)>`, "cs", "nejsou povoleny"},
		{"city", strings.Repeat("x", 10000), "en", "This value is too long."},
		{"city", strings.Repeat("ž", 101), "cs", "Hodnota je příliš dlouhá."},
		{"city", "Pra\x00ha", "en", "Remove control characters"},
		{"city", "Praha\u202e", "en", "Remove control characters"},
		{"street", "Korunní\x1b[31m 5", "cs", "Odstraňte řídicí"},
		{"phone", "call me", "en", "Enter a phone number"},
		{"phone", "+420 12", "en", "Enter a phone number"},
		{"mobile", "777 123 456 777 123 456", "cs", "Zadejte telefonní číslo"},
		{"postcode", "ABCDE", "en", "does not match the country"},
		{"postcode", "", "en", "This field is required."},
		{"country", "Czechia", "en", "two-letter country code"},
		{"inv_postcode", "1", "en", "does not match the country"},
	}
	for _, tc := range cases {
		t.Run(tc.field+"/"+tc.lang+"/"+tc.want, func(t *testing.T) {
			b := w.env.Browser().LoginAs(w.a)
			b.Header.Set("Accept-Language", tc.lang)
			form := validForm()
			form.Set(tc.field, tc.value)
			r := b.Post("/info/edit", form).Expect(t, 422, tc.want, `aria-invalid="true"`, `aria-describedby="e-`+tc.field+`"`)
			r.Lacks(t, "<script>alert", "<img src=x")
		})
	}
	if after := w.client(t, w.a); after != before {
		t.Fatalf("client changed by refused input:\n%+v\n%+v", before, after)
	}
	if n := w.count(t, `SELECT COUNT(*) FROM info_data_changes`) + w.count(t, `SELECT COUNT(*) FROM mail_outbox`); n != 0 {
		t.Fatalf("refused input left %d rows", n)
	}
	// Without the CSRF token nothing happens either.
	w.env.Browser().LoginAs(w.a).PostRaw("/info/edit", validForm()).Expect(t, 403)
	if after := w.client(t, w.a); after != before {
		t.Fatal("a post without CSRF token changed the client")
	}
}

func TestDataChangeSettingOff(t *testing.T) {
	w := newWorld(t)
	b := w.env.Browser().LoginAs(w.a)
	for _, lang := range []string{"en", "cs"} {
		b.Header.Set("Accept-Language", lang)
		w.env.Set("ci_enable_client_data_change", "0")
		b.Get("/info").Expect(t, 200).Lacks(t, "/info/edit")
		b.Get("/info/edit").Expect(t, 404)
		b.Post("/info/edit", validForm()).Expect(t, 404)
		// The reference's misspelt key is an alias.
		w.env.Set("ci_enable_cllient_data_change", "1")
		b.Get("/info").Expect(t, 200, `href="/info/edit"`)
		b.Get("/info/edit").Expect(t, 200)
	}
	if c := w.client(t, w.a); c.Street != "" {
		t.Fatalf("a post while off changed the client: %+v", c)
	}
}

// Single-line fields are normalised, not refused, for line breaks and tabs: a pasted
// address arrives as one line.
func TestDataChangeNormalisesLines(t *testing.T) {
	w := newWorld(t)
	b := w.env.Browser().LoginAs(w.a)
	form := validForm()
	form.Set("street", " Korunní\r\n 5 ")
	form.Set("city", "Pra\tha")
	b.Post("/info/edit", form).Expect(t, 303)
	if c := w.client(t, w.a); c.Street != "Korunní 5" || c.City != "Pra ha" {
		t.Fatalf("stored %q, %q", c.Street, c.City)
	}
}
