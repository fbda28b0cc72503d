package people

import (
	"bytes"
	"context"
	"database/sql"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/auth"
	"github.com/ispportal/portal/modules/dashboard"
	"github.com/ispportal/portal/modules/gdpr"
	"github.com/ispportal/portal/modules/info"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/services"
)

// goodPW passes the password policy.
const goodPW = "violet-harbour-lantern-42"

// fixture: two clients with passwords (the holders of accounts A and B) and the real
// SMTP test server.
type fixture struct {
	env    *testkit.Env
	srv    *mailtest.Server
	a, b   int64
	sent   int
	holder *testkit.Browser // client A's own session
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := testkit.New(t, info.New, services.New, invoices.New, dashboard.New, gdpr.New, auth.New, New, admin.New, api.New)
	env.Set("system_mail", "portal@isp.example")
	env.Set("system_mail_name", "ISP portal")
	env.Set("ci_url", "https://portal.isp.example/")
	f := &fixture{env: env, srv: mailtest.Start(t)}
	f.a, f.b = env.AddClient("7001", 0), env.AddClient("7002", 0)
	h, err := password.Hash(goodPW)
	if err != nil {
		t.Fatal(err)
	}
	env.Tx(func(tx *sql.Tx) error {
		for _, id := range []int64{f.a, f.b} {
			if err := auth.SavePassword(context.Background(), tx, id, h, false, env.Clock.Now().AddDate(0, 0, -1), env.Clock.Now()); err != nil {
				return err
			}
		}
		return nil
	})
	f.holder = env.Browser().LoginAs(f.a)
	return f
}

// deliver sends the outbox to the SMTP test server and returns the new messages.
func (f *fixture) deliver(t *testing.T) []mailtest.Message {
	t.Helper()
	w := mail.NewWorker(f.env.Deps.DB, f.srv.Config, f.env.Deps.Log, f.env.Clock.Now)
	if _, _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	all := f.srv.Messages()
	out := all[f.sent:]
	f.sent = len(all)
	return out
}

var linkRE = regexp.MustCompile(`https://portal\.isp\.example/people/accept\?token=[A-Za-z0-9_-]+`)

// inviteLink invites email with role as client A's holder and returns the link of
// the mail the person received, as a local path.
func (f *fixture) inviteLink(t *testing.T, email, role string) string {
	t.Helper()
	f.holder.Get("/people")
	f.holder.Post("/people/invite", url.Values{"email": {email}, "role": {role}}).Expect(t, 303)
	msgs := f.deliver(t)
	if len(msgs) != 1 || !strings.Contains(strings.Join(msgs[0].To, ","), email) {
		t.Fatalf("want one invitation to %s, got %+v", email, msgs)
	}
	l := linkRE.FindString(msgs[0].Text)
	if l == "" {
		t.Fatalf("no link in the invitation:\n%s", msgs[0].Text)
	}
	u, _ := url.Parse(l)
	return u.RequestURI()
}

// open follows an invitation link as a browser does: the link answers 303 to the
// token-less address, which shows the form.
func open(b *testkit.Browser, link string) *testkit.Response {
	r := b.Get(link)
	if r.StatusCode != 303 || r.Header.Get("Location") != "/people/accept" {
		panic("the invitation link did not redirect to the token-less address: " + r.Status)
	}
	return b.Get("/people/accept")
}

// accept fills the invitation form of link.
func accept(b *testkit.Browser, link, login, pw, pw2 string) *testkit.Response {
	open(b, link)
	return b.Post("/people/accept", url.Values{"login": {login}, "password": {pw}, "password2": {pw2}})
}

// person invites, accepts and logs in a person of client A with role; it returns
// their browser.
func (f *fixture) person(t *testing.T, login, role string) *testkit.Browser {
	t.Helper()
	link := f.inviteLink(t, login+"@example.cz", role)
	b := f.env.Browser()
	accept(b, link, login, goodPW, goodPW).Expect(t, 200, login)
	return logIn(t, f.env, login)
}

// logIn logs a person in through the real login form.
func logIn(t *testing.T, env *testkit.Env, login string) *testkit.Browser {
	t.Helper()
	b := env.Browser()
	b.Get("/login")
	r := b.Post("/login", url.Values{"login": {login}, "password": {goodPW}})
	if r.StatusCode != 303 || strings.Contains(r.Header.Get("Location"), "login") {
		t.Fatalf("login of %s: %d %s\n%s", login, r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	return b
}

func personID(t *testing.T, env *testkit.Env, login string) int64 {
	t.Helper()
	var id int64
	if err := env.Deps.DB.R.QueryRow(`SELECT id FROM people WHERE login = ?`, login).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func run(t *testing.T, env *testkit.Env, name string, args ...string) (string, error) {
	t.Helper()
	for _, m := range env.Modules {
		for _, c := range m.Info().Commands {
			if c.Name == name {
				var out bytes.Buffer
				err := c.Run(context.Background(), env.Deps, app.IO{In: strings.NewReader(""), Out: &out, Err: &out}, args)
				return out.String(), err
			}
		}
	}
	t.Fatalf("no command %q", name)
	return "", nil
}
