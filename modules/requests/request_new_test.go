package requests_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/requests"
	"github.com/ispportal/portal/settings"
)

type world struct {
	env  *testkit.Env
	a, b int64
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := testkit.New(t, requests.New)
	g := env.AddGroup("Residential")
	w := &world{env: env, a: env.AddClient("2001", g), b: env.AddClient("2002", g)}
	env.Set("ci_auth_requests_enable", "1")
	return w
}

func (w *world) count(t *testing.T, q string) int {
	t.Helper()
	var n int
	if err := w.env.Deps.DB.R.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func run(t *testing.T, env *testkit.Env, name string, args ...string) (string, error) {
	t.Helper()
	for _, c := range env.Commands() {
		if c.Name == name {
			var out, errOut bytes.Buffer
			err := c.Run(context.Background(), env.Deps, app.IO{In: strings.NewReader(""), Out: &out, Err: &errOut}, args)
			return out.String(), err
		}
	}
	t.Fatalf("no command %q", name)
	return "", nil
}

func form(subject, category, text string) url.Values {
	return url.Values{"subject": {subject}, "category": {category}, "text": {text}}
}

func TestRequestsGate(t *testing.T) {
	w := newWorld(t)
	b := w.env.Browser().LoginAs(w.a)
	for _, lang := range []string{"en", "cs"} {
		b.Header.Set("Accept-Language", lang)
		label := map[string]string{"en": ">Requests</a>", "cs": ">Požadavky</a>"}[lang]
		w.env.Set("ci_auth_requests_enable", "0")
		b.Get("/no-such-page").Expect(t, 404).Lacks(t, label)
		for _, p := range []string{"/requests", "/requests/new", "/requests/1"} {
			b.Get(p).Expect(t, 404)
		}
		b.Post("/requests", form("S", "other", "T")).Expect(t, 404)
		w.env.Set("ci_auth_requests_enable", "1")
		b.Get("/requests").Expect(t, 200, label)
		b.Get("/requests/new").Expect(t, 200, `name="subject"`, `name="csrf"`)
	}
	if n := w.count(t, `SELECT COUNT(*) FROM support_requests`); n != 0 {
		t.Fatalf("a post while off stored %d requests", n)
	}
}

func TestRequestSavedAndMailed(t *testing.T) {
	w := newWorld(t)
	srv := mailtest.Start(t)
	ctx := context.Background()
	w.env.Set("ci_auth_requests_forwarding_email", "desk@isp.example; noc@isp.example,Boss@isp.example")
	w.env.Tx(func(tx *sql.Tx) error {
		for _, s := range []core.Staff{
			{Login: "both", Email: "both@isp.example", Role: core.RoleSupport, SendTasksEmail: true, SendPortalRequests: true, Active: true},
			{Login: "dup", Email: "boss@isp.example", Role: core.RoleAdmin, SendTasksEmail: true, SendPortalRequests: true, Active: true},
			{Login: "tasksonly", Email: "tasks@isp.example", Role: core.RoleSupport, SendTasksEmail: true, Active: true},
			{Login: "reqonly", Email: "req@isp.example", Role: core.RoleSupport, SendPortalRequests: true, Active: true},
			{Login: "gone", Email: "gone@isp.example", Role: core.RoleSupport, SendTasksEmail: true, SendPortalRequests: true},
		} {
			if _, err := core.SaveStaff(ctx, tx, s, core.Now(time.Now())); err != nil {
				return err
			}
		}
		return nil
	})

	b := w.env.Browser().LoginAs(w.a)
	r := b.Post("/requests", form("Internet is down", "technical", "Since 8:00 no connection.\nRouter LEDs blink <b>red</b>."))
	if r.StatusCode != 303 || r.Header.Get("Location") != "/requests/1" {
		t.Fatalf("post: %d %s\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	b.Get("/requests/1").Expect(t, 200, "Your request has been sent.", "Internet is down", "Technical problem", "New",
		"Router LEDs blink &lt;b&gt;red&lt;/b&gt;.").Lacks(t, "<b>red</b>")
	b.Get("/requests").Expect(t, 200, `href="/requests/1"`, "Internet is down")
	b.Header.Set("Accept-Language", "cs")
	b.Get("/requests").Expect(t, 200, "Technický problém", "Nový")

	worker := mail.NewWorker(w.env.Deps.DB, srv.Config, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if _, _, err := worker.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := srv.WaitFor(t, 4, 5*time.Second)
	var got []string
	for _, m := range msgs {
		got = append(got, strings.ToLower(strings.Join(m.To, ",")))
		if !strings.Contains(m.Subject, "Internet is down") || !strings.Contains(m.Subject, "2001") ||
			!strings.Contains(m.Text, "Since 8:00 no connection.") || !strings.Contains(m.Text, "Technical problem") {
			t.Fatalf("mail: %q\n%s", m.Subject, m.Text)
		}
	}
	sort.Strings(got)
	if want := "boss@isp.example both@isp.example desk@isp.example noc@isp.example"; strings.Join(got, " ") != want {
		t.Fatalf("recipients %v, want %s", got, want)
	}

	// Another client sees none of it.
	o := w.env.Browser().LoginAs(w.b)
	o.Get("/requests").Expect(t, 200, "You have not sent any requests yet.").Lacks(t, "Internet is down")
	for _, p := range []string{"1", "2", "0", "-1", "abc", "1.0", "99999999999999999999"} {
		o.Get("/requests/"+p).Expect(t, 404)
	}
}

func TestRequestRefusesBadInput(t *testing.T) {
	w := newWorld(t)
	w.env.Set("ci_auth_requests_forwarding_email", "desk@isp.example")
	cases := []struct {
		name, lang  string
		f           url.Values
		field, want string
	}{
		{"no subject", "en", form("", "other", "text"), "subject", "This field is required."},
		{"no text", "cs", form("Subject", "other", "   "), "text", "Toto pole je povinné."},
		{"no category", "en", form("Subject", "", "text"), "category", "This field is required."},
		{"bad category", "en", form("Subject", "hacking", "text"), "category", "Choose a category from the list."},
		{"long text", "en", form("Subject", "other", strings.Repeat("x", 10001)), "text", "This text is too long."},
		{"long subject", "cs", form(strings.Repeat("ř", 201), "other", "t"), "subject", "Text je příliš dlouhý."},
		{"spaces-only subject", "en", form(" \r\n\t ", "other", "t"), "subject", "This field is required."},
		{"escape in subject", "en", form("Hi\x1b[2J", "other", "t"), "subject", "Remove control characters"},
		{"bidi in subject", "cs", form("Hi\u202e", "other", "t"), "subject", "Odstraňte řídicí"},
		{"control in text", "en", form("Hi", "other", "a\x00b"), "text", "Remove control characters"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := w.env.Browser().LoginAs(w.a)
			b.Header.Set("Accept-Language", tc.lang)
			b.Post("/requests", tc.f).Expect(t, 422, tc.want, `aria-describedby="e-`+tc.field+`"`)
		})
	}
	w.env.Browser().LoginAs(w.a).PostRaw("/requests", form("S", "other", "T")).Expect(t, 403)
	if n := w.count(t, `SELECT COUNT(*) FROM support_requests`) + w.count(t, `SELECT COUNT(*) FROM mail_outbox`); n != 0 {
		t.Fatalf("refused input left %d rows", n)
	}
}

func TestRequestRateLimit(t *testing.T) {
	w := newWorld(t)
	b := w.env.Browser().LoginAs(w.a)
	b.RemoteAddr = "198.51.100.7:1234"
	for i := 0; i < 10; i++ {
		b.Post("/requests", form("", "", "")).Expect(t, 422)
	}
	b.Post("/requests", form("S", "other", "T")).Expect(t, 429)
	// Another address is not affected.
	o := w.env.Browser().LoginAs(w.b)
	o.RemoteAddr = "198.51.100.8:1234"
	o.Post("/requests", form("S", "other", "T")).Expect(t, 303)
}

func TestForwardingListValidated(t *testing.T) {
	w := newWorld(t)
	err := w.env.Deps.Settings.Set(context.Background(), "ci_auth_requests_forwarding_email", 0, "desk@isp.example; not-an-address, noc@isp.example", "test")
	if err == nil || !strings.Contains(err.Error(), `"not-an-address"`) || !strings.Contains(err.Error(), "ci_auth_requests_forwarding_email") {
		t.Fatalf("invalid forwarding list: %v", err)
	}
	// The stored value is unchanged (still empty).
	if v, stored := w.env.Deps.Settings.Value(settings.AuthRequestsForward.Def, 0); stored || v != "" {
		t.Fatalf("refused list stored: %q", v)
	}
}

func TestRequestCommands(t *testing.T) {
	w := newWorld(t)
	b := w.env.Browser().LoginAs(w.a)
	b.Post("/requests", form("First", "invoicing", "One")).Expect(t, 303)
	b.Post("/requests", form("Second", "other", "Two")).Expect(t, 303)

	if _, err := run(t, w.env, "request state", "1", "done"); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"1", "closed"}, {"99", "done"}, {"x", "done"}, {"1"}} {
		if _, err := run(t, w.env, "request state", args...); err == nil {
			t.Fatalf("request state %v accepted", args)
		}
	}
	out, err := run(t, w.env, "request list", "--state", "done")
	if err != nil || !strings.Contains(out, "First") || strings.Contains(out, "Second") || !strings.Contains(out, "2001") {
		t.Fatalf("list --state done: %v\n%s", err, out)
	}
	if _, err := run(t, w.env, "request list", "--state", "bogus"); err == nil {
		t.Fatal("bad state accepted")
	}
	b.Get("/requests/1").Expect(t, 200, "Done", `class="badge ok"`)
	b.Header.Set("Accept-Language", "cs")
	b.Get("/requests/1").Expect(t, 200, "Vyřízeno", "Fakturace")
	audit, _ := core.AuditList(context.Background(), w.env.Deps.DB.R, core.AuditFilter{Action: "request.state"})
	if len(audit) != 1 || audit[0].ClientID != w.a {
		t.Fatalf("audit: %+v", audit)
	}
}

// A line break in the subject is made a space (the subject is also the staff mail's
// subject), not refused; the text keeps its lines.
func TestRequestSubjectMadeOneLine(t *testing.T) {
	w := newWorld(t)
	w.env.Set("ci_auth_requests_forwarding_email", "desk@isp.example")
	w.env.Browser().LoginAs(w.a).Post("/requests", form("Hi\r\nBcc: x@evil.example", "other", "one\r\ntwo")).Expect(t, 303)
	var subject, body, mailSubject string
	w.env.Deps.DB.R.QueryRow(`SELECT subject, body FROM support_requests`).Scan(&subject, &body)
	w.env.Deps.DB.R.QueryRow(`SELECT subject FROM mail_outbox`).Scan(&mailSubject)
	if subject != "Hi Bcc: x@evil.example" || body != "one\ntwo" || !strings.HasSuffix(mailSubject, ": Hi Bcc: x@evil.example") {
		t.Fatalf("stored %q / %q, mailed %q", subject, body, mailSubject)
	}
}
