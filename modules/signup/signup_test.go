package signup_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestSignupHappyPath: the form, the mail with the link, the confirmation page, the
// account made from the template customer (service, consent, credit in the chosen
// currency, the chosen login name and password), the staff mail, and a login once
// sign-ups may log in before approval. The token is stored only as its hash.
func TestSignupHappyPath(t *testing.T) {
	f := newFixture(t)
	f.env.Set("ci_signup_login_before_approval", "1")
	b := f.browser("198.51.100.1")
	b.Get("/signup").Expect(t, 200, "Sign up", "I agree: Marketing", "News by e-mail", `name="website"`, `name="csrf"`)
	submit(b, f.form("jana@example.net", "jana.n")).Expect(t, 200, "Check your e-mail")
	msgs := f.deliver(t)
	path := link(t, mailTo(t, msgs, "jana@example.net"))
	tok := tokenOf(path)
	if n := f.env.Count(`SELECT count(*) FROM signups WHERE token_hash = ?`, tok); n != 0 {
		t.Fatal("the token is stored in clear")
	}
	if n := f.env.Count(`SELECT count(*) FROM clients WHERE username = 'jana.n'`); n != 0 {
		t.Fatal("the account exists before the link was used")
	}
	confirm(t, b, path).Expect(t, 200, "Your account is created", "jana.n", "You can log in now")
	c := f.clientByUsername(t, "jana.n")
	if !c.Active || c.Name != "Jana Nováková" || c.Email != "jana@example.net" || c.Country != "CZ" || c.InvoiceGroupID == 0 {
		t.Fatalf("client %+v", c)
	}
	if n := f.env.Count(`SELECT count(*) FROM services WHERE client_id = ? AND name = 'Internet Home 100' AND external_id IS NULL
		AND ip_address = ''`, c.ID); n != 1 {
		t.Fatalf("%d copied services", n)
	}
	if n := f.env.Count(`SELECT count(*) FROM service_params p JOIN services s ON s.id = p.service_id WHERE s.client_id = ?`, c.ID); n != 1 {
		t.Fatalf("%d copied parameters", n)
	}
	if n := f.env.Count(`SELECT count(*) FROM consent_history WHERE client_id = ? AND document_id = ? AND action = 'given'
		AND purposes = '["E-mail"]' AND ip = '198.51.100.1'`, c.ID, f.consent); n != 1 {
		t.Fatalf("%d consents recorded", n)
	}
	if n := f.env.Count(`SELECT count(*) FROM payments WHERE client_id = ? AND amount = 500 AND currency = 'EUR'`, c.ID); n != 1 {
		t.Fatalf("%d starting credits", n)
	}
	if n := f.env.Count(`SELECT count(*) FROM signups WHERE client_id = ? AND state = 'pending' AND password_hash = ''`, c.ID); n != 1 {
		t.Fatal("the sign-up is not pending or still holds the password hash")
	}
	staff := mailTo(t, f.deliver(t), "sales@isp.example")
	if !strings.Contains(staff.Text, c.Number) || !strings.Contains(staff.Text, "/admin/signups") {
		t.Fatalf("staff mail:\n%s", staff.Text)
	}
	if f.env.AuditCount("signups.verify", "client:"+c.Number) != 1 || f.env.AuditCount("signups.submit", "visitor") != 1 {
		t.Fatal("sign-up not audited")
	}
	if strings.Contains(f.env.Logs.String(), tok) {
		t.Fatal("the token reached the log")
	}
	exported := false
	for _, ex := range f.env.Deps.Declared.Exporters() {
		secs, err := ex(context.Background(), f.env.Deps.DB.R, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, sec := range secs {
			if sec.Module == "signup" && len(sec.Rows) == 1 && strings.Contains(strings.Join(sec.Rows[0], " "), "198.51.100.1") {
				exported = true
			}
		}
	}
	if !exported {
		t.Fatal("the own-data export lacks the sign-up")
	}
	nb := f.browser("198.51.100.2")
	login(nb, "jana.n", goodPW)
	if !loggedIn(nb) {
		t.Fatal("the new account cannot log in")
	}
}

// TestSignupExistingEmail: an address that belongs to a client gets the very same
// page as a new one, its owner a mail about the attempt, and nothing is stored.
func TestSignupExistingEmail(t *testing.T) {
	f := newFixture(t)
	owner := f.env.AddClient("5001", 0) // e-mail c5001@example.net
	fresh := mask(submit(f.browser("198.51.100.3"), f.form("new@example.net", "newbie")).Expect(t, 200).Body)
	known := mask(submit(f.browser("198.51.100.4"), f.form("C5001@example.net", "other")).Expect(t, 200).Body)
	if fresh != known {
		t.Fatal("the answer for a known address differs from a new one's")
	}
	if n := f.env.Count(`SELECT count(*) FROM signups WHERE lower(email) LIKE 'c5001%'`); n != 0 {
		t.Fatal("a sign-up was stored for a known address")
	}
	m := mailTo(t, f.deliver(t), "C5001@example.net")
	if !strings.Contains(m.Text, "5001") || !strings.Contains(m.Text, "https://portal.isp.example/password/forgot") || linkRE.MatchString(m.Text) {
		t.Fatalf("mail to the owner:\n%s", m.Text)
	}
	if f.env.AuditCount("signups.existing", "visitor") != 1 {
		t.Fatal("attempt not audited")
	}
	_ = owner
}

// TestSignupHoneypot: a filled trap field answers as usual and stores and sends nothing.
func TestSignupHoneypot(t *testing.T) {
	f := newFixture(t)
	form := f.form("bot@example.net", "botty")
	form.Set("website", "http://spam.example")
	submit(f.browser("198.51.100.5"), form).Expect(t, 200, "Check your e-mail")
	if n := f.env.Count(`SELECT count(*) FROM signups`); n != 0 {
		t.Fatal("a trapped sign-up was stored")
	}
	if msgs := f.deliver(t); len(msgs) != 0 {
		t.Fatalf("%d mails sent for a trapped sign-up", len(msgs))
	}
	if f.env.AuditCount("signups.trap", "visitor") != 1 {
		t.Fatal("trap not audited")
	}
}

// TestSignupPerAddressLimit: the sixth form from one address within ten minutes is
// refused (429, nothing stored); another address still gets through.
func TestSignupPerAddressLimit(t *testing.T) {
	f := newFixture(t)
	b := f.browser("198.51.100.6")
	bad := f.form("x@example.net", "x") // a login name too short: refused cheaply
	for i := 0; i < 5; i++ {
		submit(b, bad).Expect(t, 422)
	}
	submit(b, f.form("late@example.net", "late.one")).Expect(t, 429)
	if n := f.env.Count(`SELECT count(*) FROM signups`); n != 0 {
		t.Fatal("a sign-up beyond the limit was stored")
	}
	submit(f.browser("198.51.100.7"), f.form("other@example.net", "other.one")).Expect(t, 200, "Check your e-mail")
}

// TestSignupFieldErrors: a weak password, differing passwords, a missing consent, a
// currency not offered and a bad address re-render the form with each field's message
// in the visitor's language, keep what was typed (not the passwords) and store nothing.
func TestSignupFieldErrors(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"en", []string{"too easy to guess", "This consent is required", "Choose one of the currencies offered", "Enter one valid e-mail address"}},
		{"cs", []string{"příliš snadné uhodnout", "Bez tohoto souhlasu účet založit nelze", "Vyberte jednu z nabízených měn", "Zadejte jednu platnou e-mailovou adresu"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			b := f.browser("198.51.100.8")
			b.Header.Set("Accept-Language", tc.lang)
			form := f.form("not an address", "jana."+tc.lang)
			form.Set("password", "password1234")
			form.Set("password2", "password1234")
			form.Del("consent")
			form.Set("currency", "USD")
			r := submit(b, form).Expect(t, 422, tc.want...)
			r.Expect(t, 422, `value="jana.`+tc.lang+`"`, `aria-invalid="true"`).Lacks(t, "password1234")
			form = f.form("jana@example.net", "jana."+tc.lang)
			form.Set("password2", goodPW+"x")
			submit(b, form).Expect(t, 422, map[string]string{"en": "The two passwords differ", "cs": "Hesla se neshodují"}[tc.lang])
		})
	}
	// Without the form's CSRF token nothing happens either.
	b := f.browser("198.51.100.11")
	b.Get("/signup")
	if r := b.PostRaw("/signup", f.form("csrf@example.net", "no.token")); r.StatusCode != 403 {
		t.Fatalf("a post without the CSRF token: %d", r.StatusCode)
	}
	if n := f.env.Count(`SELECT count(*) FROM signups`); n != 0 {
		t.Fatal("a refused form stored a sign-up")
	}
}

// TestSignupLinkReuseAndExpiry: a used link shows the "used or expired" page (410)
// and creates nothing again; a link past 24 hours does the same and creates nothing.
func TestSignupLinkReuseAndExpiry(t *testing.T) {
	f := newFixture(t)
	b := f.browser("198.51.100.9")
	submit(b, f.form("reuse@example.net", "reuse.me")).Expect(t, 200)
	submit(b, f.form("late@example.net", "late.me")).Expect(t, 200)
	msgs := f.deliver(t)
	first, late := link(t, mailTo(t, msgs, "reuse@example.net")), link(t, mailTo(t, msgs, "late@example.net"))
	confirm(t, b, first).Expect(t, 200, "Your account is created")
	clients := f.env.Count(`SELECT count(*) FROM clients`)
	b.Get(first).Expect(t, 410, "already been used or has expired")
	b.Post("/signup/verify", url.Values{"token": {tokenOf(first)}}).Expect(t, 410, "already been used or has expired")
	f.env.Clock.Advance(24*time.Hour + time.Minute)
	b.Get(late).Expect(t, 410, "already been used or has expired")
	b.Post("/signup/verify", url.Values{"token": {tokenOf(late)}}).Expect(t, 410)
	b.Post("/signup/verify", url.Values{"token": {"made-up"}}).Expect(t, 410)
	if n := f.env.Count(`SELECT count(*) FROM clients`); n != clients {
		t.Fatalf("%d clients after reusing links, want %d", n, clients)
	}
	if n := f.env.Count(`SELECT count(*) FROM payments`); n != 1 {
		t.Fatalf("%d credits, want 1", n)
	}
}

// TestSignupOffWhenDisabled: with the setting off the pages are 404 and the login
// page has no link to them.
func TestSignupOffWhenDisabled(t *testing.T) {
	f := newFixture(t)
	b := f.browser("198.51.100.10")
	b.Get("/login").Expect(t, 200, `href="/signup"`)
	f.env.Set("ci_signup_enable", "0")
	b.Get("/signup").Expect(t, 404)
	b.Get("/login").Expect(t, 200).Lacks(t, `href="/signup"`)
	b.Post("/signup", f.form("off@example.net", "off.user")).Expect(t, 404)
}
