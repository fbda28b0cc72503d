package auth

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/testkit"
)

// goodPW is a password that passes the policy.
const goodPW = "violet tram under the bridge"

// goodHash is computed once: argon2id takes ~0.4 s under -race on a small machine,
// so tests spend their hashing on the logins they test.
var goodHash = sync.OnceValue(func() string {
	h, err := password.Hash(goodPW)
	if err != nil {
		panic(err)
	}
	return h
})

func newEnv(t testing.TB) *testkit.Env {
	t.Helper()
	env := testkit.New(t, New)
	env.Set("system_mail", "portal@isp.example")
	env.Set("system_mail_name", "ISP portal")
	env.Set("ci_url", "https://portal.isp.example/")
	return env
}

// addClient creates a client with a password (and a username when given).
func addClient(t testing.TB, env *testkit.Env, number, username, pw string) int64 {
	t.Helper()
	id := env.AddClient(number, 0)
	env.Tx(func(tx *sql.Tx) error {
		if username != "" {
			if _, err := tx.Exec(`UPDATE clients SET username = ? WHERE id = ?`, username, id); err != nil {
				return err
			}
		}
		if pw == "" {
			return nil
		}
		h := goodHash()
		if pw != goodPW {
			var err error
			if h, err = password.Hash(pw); err != nil {
				return err
			}
		}
		return SavePassword(context.Background(), tx, id, h, false, time.Time{}, env.Clock.Now())
	})
	return id
}

func login(b *testkit.Browser, name, pw string) *testkit.Response {
	b.Get("/login")
	return b.Post("/login", url.Values{"login": {name}, "password": {pw}})
}

// loggedIn reports whether the browser holds a live client session.
func loggedIn(t *testing.T, b *testkit.Browser) bool {
	t.Helper()
	r := b.Get("/password")
	return r.StatusCode == http.StatusOK
}

func lockState(t *testing.T, env *testkit.Env, clientID int64) lockout.State {
	t.Helper()
	s, err := lockout.Get(context.Background(), env.Deps.DB.R, lockout.KindClient, lockout.Account(clientID), env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// mailer delivers the outbox to a real SMTP server in the test.
type mailer struct {
	srv *mailtest.Server
	env *testkit.Env
}

func newMailer(t *testing.T, env *testkit.Env) *mailer {
	return &mailer{srv: mailtest.Start(t), env: env}
}

// deliver sends what is queued and returns every message received so far.
func (m *mailer) deliver(t *testing.T) []mailtest.Message {
	t.Helper()
	// The portal's clock: a link mail expires with its link, by that clock.
	w := mail.NewWorker(m.env.Deps.DB, m.srv.Config, m.env.Deps.Log, m.env.Clock.Now)
	if _, _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m.srv.Messages()
}

var linkRE = regexp.MustCompile(`https://portal\.isp\.example/password/reset\?token=[A-Za-z0-9_-]+`)

// link returns the password link of a received mail, as a local path.
func link(t *testing.T, msg mailtest.Message) string {
	t.Helper()
	l := linkRE.FindString(msg.Text)
	if l == "" {
		t.Fatalf("no password link in mail:\n%s", msg.Text)
	}
	u, _ := url.Parse(l)
	return u.RequestURI()
}

func tokenOf(path string) string {
	_, tok, _ := strings.Cut(path, "token=")
	return tok
}

// mask removes what legitimately differs between two answers (CSRF token, the typed
// login name) so the rest can be compared byte for byte.
func mask(body string, names ...string) string {
	body = regexp.MustCompile(`name="csrf" value="[^"]+"`).ReplaceAllString(body, `name="csrf" value="X"`)
	for _, n := range names {
		body = strings.ReplaceAll(body, n, "NAME")
	}
	return body
}

func cookieNames(r *testkit.Response) string {
	var names []string
	for _, c := range r.Cookies() {
		names = append(names, c.Name)
	}
	return strings.Join(names, ",")
}
