package requests_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/requests"
)

// addFlagged saves an active staff account with both e-mail flags as given.
func addFlagged(t *testing.T, env *testkit.Env, login, name string, tasks, portal bool) int64 {
	t.Helper()
	var id int64
	env.Tx(func(tx *sql.Tx) error {
		var err error
		id, err = core.SaveStaff(context.Background(), tx, core.Staff{Login: login, Name: name, Email: login + "@isp.example",
			Role: core.RoleSupport, SendTasksEmail: tasks, SendPortalRequests: portal, Active: true}, core.Now(env.Clock.Now()))
		return err
	})
	return id
}

// TestStaffRequestTasks: a new request is assigned to (and mailed to) the staff with
// both flags; staff see it in the console with its assignees and history, change the
// state, reassign and reply; the client sees the reply and the state but never the
// assignments; another client sees nothing; every change is audited with the IP.
func TestStaffRequestTasks(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, requests.New, admin.New, api.New)
	env.Set("ci_auth_requests_enable", "1")
	a, other := env.AddClient("3001", 0), env.AddClient("3002", 0)
	jana := addFlagged(t, env, "jana", "Jana Nováková", true, true)
	petr := addFlagged(t, env, "petr", "Petr Svoboda", true, false)
	srv := mailtest.Start(t)

	cl := env.Browser().LoginAs(a)
	cl.Post("/requests", form("Move my connection", "service_change", "Moving to Korunní 7.")).Expect(t, 303)
	worker := mail.NewWorker(env.Deps.DB, srv.Config, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if _, _, err := worker.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := srv.WaitFor(t, 1, 5*time.Second)
	if len(msgs) != 1 || msgs[0].To[0] != "jana@isp.example" || !strings.Contains(msgs[0].Subject, "Move my connection") {
		t.Fatalf("mailed %+v, want one mail to jana", msgs)
	}

	// Jana's list and "mine"; Petr (one flag only) has nothing assigned.
	jb := env.Browser().LoginStaff(jana)
	jb.Get("/admin/requests").Expect(t, 200, "Move my connection", "Jana Nováková", `href="/admin/requests/1"`, `href="/admin/clients/`)
	jb.Get("/admin/requests?mine=1").Expect(t, 200, "Move my connection")
	pb := env.Browser().LoginStaff(petr)
	pb.Get("/admin/requests?mine=1").Expect(t, 200, "No requests.").Lacks(t, "Move my connection")
	jb.Get("/admin/requests?state=done").Expect(t, 200, "No requests.")
	jb.Get("/admin/requests/1").Expect(t, 200, "Moving to Korunní 7.", "created", "assigned to", `name="reply"`, `name="assignee"`)
	jb.Get("/admin/requests/2").Expect(t, 404)

	// Bad input: the form comes back with the field's error and nothing changes.
	events := func() int { return env.Count(`SELECT COUNT(*) FROM support_request_events`) }
	before := events()
	keep := url.Values{"state": {"new"}, "assignee": {itoa(jana)}}
	bad := []struct {
		name, lang string
		f          url.Values
		want       string
	}{
		{"unknown state", "en", url.Values{"state": {"hacked"}, "assignee": {itoa(jana)}, "reply": {"x"}}, "Choose a state from the list."},
		{"control in reply", "cs", with(keep, "reply", "a\x1b[2Jb"), "bez řídicích znaků"},
		{"long reply", "en", with(keep, "reply", strings.Repeat("x", 10001)), "at most 10,000 characters"},
		{"assignee not a number", "en", with(keep, "assignee", "1; DROP TABLE staff"), "Choose active staff members"},
		{"unknown assignee", "cs", with(keep, "assignee", "99999"), "Vyberte aktivní pracovníky"},
		{"nothing changed", "en", keep, "Nothing changed"},
	}
	for _, tc := range bad {
		jb.Header.Set("Accept-Language", tc.lang)
		jb.Post("/admin/requests/1", tc.f).Expect(t, 422, tc.want)
	}
	jb.Header.Set("Accept-Language", "en")
	if events() != before {
		t.Fatalf("refused changes wrote %d history lines", events()-before)
	}

	// The change: in progress, Petr added, a reply with markup.
	ch := url.Values{"state": {"in_progress"}, "assignee": {itoa(jana), itoa(petr)}, "reply": {"We <b>plan</b> it for Monday.\nTechnician: 8-12."}}
	jb.Post("/admin/requests/1", ch).Expect(t, 303)
	jb.Get("/admin/requests/1").Expect(t, 200, "The request was saved.", "Petr Svoboda", "In progress", "We &lt;b&gt;plan&lt;/b&gt; it for Monday.")
	pb.Get("/admin/requests?mine=1").Expect(t, 200, "Move my connection")
	if n := env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'request.update' AND actor = 'staff:jana' AND ip <> '' AND detail LIKE '%assignees, state in_progress, reply'`); n != 1 {
		t.Fatalf("audit entries %d, want 1 with the IP", n)
	}
	cl.Get("/requests/1").Expect(t, 200, "We &lt;b&gt;plan&lt;/b&gt; it for Monday.", "Technician: 8-12.", "Jana Nováková", "In progress").
		Lacks(t, "Petr Svoboda", "assigned to", "<b>plan</b>")
	cl.Header.Set("Accept-Language", "cs")
	cl.Get("/requests/1").Expect(t, 200, "Odpovědi a změny", "změna stavu", "Řeší se")
	env.Browser().LoginAs(other).Get("/requests/1").Expect(t, 404).Lacks(t, "plan")

	// Read-only staff see the request but no form, and may not post.
	ro := env.StaffBrowser(core.RoleReadOnly)
	ro.Get("/admin/requests/1").Expect(t, 200, "Move my connection").Lacks(t, `name="reply"`)
	ro.Post("/admin/requests/1", url.Values{"state": {"done"}}).Expect(t, 403)

	// Czech console.
	jb.Header.Set("Accept-Language", "cs")
	jb.Get("/admin/requests").Expect(t, 200, "Požadavky klientů", "Přiřazeno", "Jen požadavky přiřazené mně")
	jb.Get("/admin/requests/1").Expect(t, 200, "Historie", "Odpověď klientovi", "Změnit požadavek")

	// The API does the same through requests.update.
	api := env.API()
	sid := api.Admin()
	var out requests.RequestOut
	api.Call(sid, "requests.update", map[string]any{"id": 1, "state": "done", "reply": "Done on Monday.", "assignees": []int64{}}).OK(t, &out)
	if out.State != "done" {
		t.Fatalf("state %q", out.State)
	}
	api.Call(sid, "requests.update", map[string]any{"id": 1, "state": "done"}).Refused(t, "invalid", "reply")
	api.Call(sid, "requests.update", map[string]any{"id": 1, "assignees": []int64{99999}}).Refused(t, "invalid", "assignees")
	api.Call(sid, "requests.update", map[string]any{"id": 77, "reply": "x"}).Refused(t, "not_found")
	jb.Get("/admin/requests/1").Expect(t, 200, "nikomu", "Done on Monday.")
	cl.Get("/requests/1").Expect(t, 200, "Done on Monday.", "Vyřízeno")
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func with(v url.Values, k, val string) url.Values {
	out := url.Values{}
	for key, vs := range v {
		out[key] = append([]string(nil), vs...)
	}
	out.Set(k, val)
	return out
}
