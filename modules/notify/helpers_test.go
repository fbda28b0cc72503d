package notify

import (
	"bytes"
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/sms/gatewaytest"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/helpdesk"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/sms"
)

// fixture is a portal with the modules that raise events (invoices, helpdesk), the
// SMS outbox with a recording HTTP gateway, notify and the API; two clients with
// e-mail addresses and mobile numbers, logged in.
type fixture struct {
	env    *testkit.Env
	mod    *Module
	sms    *sms.Module
	gw     *gatewaytest.Gateway
	smtp   *mailtest.Server
	c1, c2 int64
	b1, b2 *testkit.Browser
}

func newFixture(t *testing.T, more ...app.Constructor) *fixture {
	t.Helper()
	env := testkit.New(t, append([]app.Constructor{invoices.New, sms.New, helpdesk.New, New, admin.New, api.New}, more...)...)
	f := &fixture{env: env, c1: env.AddClient("7001", 0), c2: env.AddClient("7002", 0), smtp: mailtest.Start(t), gw: gatewaytest.Start(t)}
	for _, m := range env.Modules {
		switch m := m.(type) {
		case *Module:
			f.mod = m
		case *sms.Module:
			f.sms = m
		}
	}
	env.Set("ci_display_notifications", "1")
	env.Set("system_mail", "portal@isp.example")
	env.Set("ci_url", "https://portal.isp.example/")
	env.Set("sms_notify", "gateway")
	env.Set("sms_gateway_url", f.gw.URL+"/send")
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET mobile = '+420777000' || substr(number, 2) WHERE id IN (?, ?)`, f.c1, f.c2)
		return err
	})
	f.b1 = env.Browser().LoginAs(f.c1)
	f.b2 = env.Browser().LoginAs(f.c2)
	return f
}

// deliverMail runs the mail outbox once into the test SMTP server and returns every
// message it received so far.
func (f *fixture) deliverMail(t *testing.T) []mailtest.Message {
	t.Helper()
	w := mail.NewWorker(f.env.Deps.DB, f.smtp.Config, f.env.Deps.Log, f.env.Clock.Now)
	if _, _, err := w.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	return f.smtp.Messages()
}

// deliverSMS runs the SMS outbox once into the test gateway and returns the texts it
// received so far.
func (f *fixture) deliverSMS(t *testing.T) []string {
	t.Helper()
	if _, _, err := f.sms.Worker().RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range f.gw.Requests() {
		body, _ := url.ParseQuery(r.Body) // the demo-style gateway posts a form
		out = append(out, r.Query.Get("text")+body.Get("text"))
	}
	return out
}

// setPrefs stores choices for a client ("topic.channel" pairs), quiet hours none.
func (f *fixture) setPrefs(t *testing.T, client int64, from, to string, pairs ...string) {
	t.Helper()
	p := Prefs{QuietFrom: from, QuietTo: to}
	for _, pair := range pairs {
		topic, ch, _ := strings.Cut(pair, ".")
		p.Set(topic, ch, true)
	}
	if err := SavePrefs(context.Background(), f.env.Deps.DB, client, p, "test", "", f.env.Clock.Now()); err != nil {
		t.Fatal(err)
	}
}

// run runs a CLI command of the env's modules.
func (f *fixture) run(t *testing.T, name string, args ...string) string {
	t.Helper()
	for _, m := range f.env.Modules {
		for _, c := range m.Info().Commands {
			if c.Name == name {
				var out, errOut bytes.Buffer
				if err := c.Run(context.Background(), f.env.Deps, app.IO{In: strings.NewReader(""), Out: &out, Err: &errOut}, args); err != nil {
					t.Fatalf("%s: %v %s", name, err, errOut.String())
				}
				return out.String()
			}
		}
	}
	t.Fatalf("no command %q", name)
	return ""
}

// importFile writes content to a file and imports it with the CLI command.
func (f *fixture) importFile(t *testing.T, command, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "import.jsonl")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return f.run(t, command, p)
}

// count counts rows.
func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	return f.env.Count(query, args...)
}
