package signup_test

import (
	"context"
	"database/sql"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/auth"
	"github.com/ispportal/portal/modules/gdpr"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/services"
	"github.com/ispportal/portal/modules/signup"
)

// goodPW passes the password policy.
const goodPW = "violet tram under the bridge"

type fixture struct {
	env      *testkit.Env
	mod      *signup.Module
	smtp     *mailtest.Server
	template int64
	consent  int64 // the consent document the template customer gave
}

// newFixture boots the portal with the modules a sign-up touches, a template customer
// "T1" with one service and one consent (purpose "E-mail"), sign-up on with CZK and
// EUR and 5 units of starting credit, and a real SMTP server for the outbox.
func newFixture(t *testing.T, more ...app.Constructor) *fixture {
	t.Helper()
	env := testkit.New(t, append([]app.Constructor{services.New, invoices.New, gdpr.New, signup.New, auth.New, admin.New, api.New}, more...)...)
	f := &fixture{env: env, smtp: mailtest.Start(t)}
	for _, m := range env.Modules {
		if sm, ok := m.(*signup.Module); ok {
			f.mod = sm
		}
	}
	group := env.AddGroup("Residential")
	f.template = env.AddClient("T1", group)
	ctx, now := context.Background(), env.Clock.Now()
	env.Tx(func(tx *sql.Tx) error {
		if _, err := tx.Exec(`UPDATE clients SET name = 'Template', email = '', active = 0, country = 'CZ' WHERE id = ?`, f.template); err != nil {
			return err
		}
		tariff, err := services.SaveTariff(ctx, tx, services.Tariff{ExternalID: "t-home", Name: "Home 100", Kind: "internet", Price: 50000, Currency: "CZK"}, now)
		if err != nil {
			return err
		}
		if _, err := services.SaveService(ctx, tx, services.Service{ExternalID: "tpl-net", ClientID: f.template, TariffID: tariff,
			Kind: "internet", Name: "Internet Home 100", State: services.StateActive, IP: "10.0.0.9",
			Params: []services.Param{{Name: "DNS", Value: "1.1.1.1"}}}, now); err != nil {
			return err
		}
		if f.consent, err = gdpr.AddDocument(ctx, tx, "", "Marketing", "<p>News by e-mail.</p>", []string{"E-mail", "SMS"}, now); err != nil {
			return err
		}
		doc, err := gdpr.DocumentByID(ctx, tx, f.consent)
		if err != nil {
			return err
		}
		_, err = gdpr.RecordConsent(ctx, tx, gdpr.Action{ClientID: f.template, DocumentID: f.consent, Kind: "give", Version: doc.Version,
			PurposeIDs: []int64{doc.Purposes[0].ID}, Actor: "staff:test"}, now)
		return err
	})
	for k, v := range map[string]string{"system_mail": "portal@isp.example", "system_mail_name": "ISP portal",
		"ci_url": "https://portal.isp.example/", "ci_signup_enable": "1", "ci_signup_template_client": "T1",
		"ci_signup_currencies": "CZK, EUR", "ci_signup_credit": "5", "ci_signup_notify_email": "sales@isp.example"} {
		env.Set(k, v)
	}
	return f
}

// form is a valid sign-up form for the address and login name.
func (f *fixture) form(email, username string) url.Values {
	return url.Values{"name": {"Jana Nováková"}, "email": {email}, "username": {username}, "password": {goodPW},
		"password2": {goodPW}, "currency": {"EUR"}, "consent": {strconv.FormatInt(f.consent, 10)}}
}

// browser is a visitor from its own address (the limits are per address).
func (f *fixture) browser(addr string) *testkit.Browser {
	b := f.env.Browser()
	b.RemoteAddr = addr + ":40000"
	return b
}

// submit opens the form and sends it.
func submit(b *testkit.Browser, form url.Values) *testkit.Response {
	b.Get("/signup")
	return b.Post("/signup", form)
}

// deliver sends what the outbox holds and returns the messages received since the
// last deliver.
func (f *fixture) deliver(t *testing.T) []mailtest.Message {
	t.Helper()
	w := mail.NewWorker(f.env.Deps.DB, f.smtp.Config, f.env.Deps.Log, f.env.Clock.Now)
	if _, _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := f.smtp.Messages()
	f.smtp.Clear()
	return msgs
}

// mailTo returns the one message received for addr.
func mailTo(t *testing.T, msgs []mailtest.Message, addr string) mailtest.Message {
	t.Helper()
	var found []mailtest.Message
	for _, m := range msgs {
		for _, to := range m.To {
			if strings.Contains(to, addr) {
				found = append(found, m)
			}
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d mails to %s, want 1 (of %d)", len(found), addr, len(msgs))
	}
	return found[0]
}

var linkRE = regexp.MustCompile(`https://portal\.isp\.example/signup/verify\?token=[A-Za-z0-9_-]+`)

// link returns the confirmation link of a mail as a local path.
func link(t *testing.T, m mailtest.Message) string {
	t.Helper()
	l := linkRE.FindString(m.Text)
	if l == "" {
		t.Fatalf("no confirmation link in:\n%s", m.Text)
	}
	u, _ := url.Parse(l)
	return u.RequestURI()
}

func tokenOf(path string) string {
	_, tok, _ := strings.Cut(path, "token=")
	return tok
}

// confirm opens the link and presses the button.
func confirm(t *testing.T, b *testkit.Browser, path string) *testkit.Response {
	t.Helper()
	b.Get(path).Expect(t, 200, "Create my account")
	return b.Post("/signup/verify", url.Values{"token": {tokenOf(path)}})
}

// login posts the login form.
func login(b *testkit.Browser, name, pw string) *testkit.Response {
	b.Get("/login")
	return b.Post("/login", url.Values{"login": {name}, "password": {pw}})
}

// loggedIn reports whether the browser holds a live client session.
func loggedIn(b *testkit.Browser) bool { return b.Get("/password").StatusCode == 200 }

func (f *fixture) clientByUsername(t *testing.T, username string) core.Client {
	t.Helper()
	c, err := core.ClientByUsername(context.Background(), f.env.Deps.DB.R, username)
	if err != nil {
		t.Fatalf("client %s: %v", username, err)
	}
	return c
}

// mask hides the CSRF token, so two answers can be compared byte for byte.
func mask(body string) string {
	return regexp.MustCompile(`name="csrf" value="[^"]+"`).ReplaceAllString(body, `name="csrf" value="X"`)
}
