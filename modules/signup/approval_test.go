package signup_test

import (
	"bytes"
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/modules/signup"
)

// signedUp runs a whole sign-up for the address and login name and returns the
// account's client.
func (f *fixture) signedUp(t *testing.T, addr, email, username string) core.Client {
	t.Helper()
	b := f.browser(addr)
	submit(b, f.form(email, username)).Expect(t, 200, "Check your e-mail")
	confirm(t, b, link(t, mailTo(t, f.deliver(t), email))).Expect(t, 200, "Your account is created")
	return f.clientByUsername(t, username)
}

// signupID is the sign-up of a client.
func (f *fixture) signupID(t *testing.T, clientID int64) int64 {
	t.Helper()
	var id int64
	if err := f.env.Deps.DB.R.QueryRow(`SELECT id FROM signups WHERE client_id = ?`, clientID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestLoginBlockedBeforeApproval: with ci_signup_login_before_approval off (the
// default) the confirmed account cannot log in until staff approve it on the
// console; the person is told by mail; a rejection then disables the login again.
func TestLoginBlockedBeforeApproval(t *testing.T) {
	f := newFixture(t)
	b := f.browser("198.51.100.20")
	submit(b, f.form("wait@example.net", "wait.user")).Expect(t, 200)
	confirm(t, b, link(t, mailTo(t, f.deliver(t), "wait@example.net"))).
		Expect(t, 200, "let you know by e-mail").Lacks(t, "You can log in now")
	c := f.clientByUsername(t, "wait.user")
	if c.Active {
		t.Fatal("an unapproved account is active")
	}
	lb := f.browser("198.51.100.21")
	login(lb, "wait.user", goodPW)
	if loggedIn(lb) {
		t.Fatal("an unapproved sign-up logged in")
	}

	staff := f.env.StaffBrowserAs("chief", core.RoleAdmin)
	staff.Get("/admin/signups").Expect(t, 200, "wait@example.net", "Awaiting approval", "Approve")
	id := strconv.FormatInt(f.signupID(t, c.ID), 10)
	staff.Post("/admin/signups/"+id+"/reject", url.Values{"reason": {" "}}).Expect(t, 422, "Give a reason")
	staff.Post("/admin/signups/"+id+"/approve", nil).Expect(t, 303)
	staff.Get("/admin/signups").Expect(t, 200, "The sign-up is approved")
	if f.env.AuditCount("signups.approve", "staff:chief") != 1 {
		t.Fatal("approval not audited")
	}
	if n := f.env.Count(`SELECT count(*) FROM audit_log WHERE action = 'signups.approve' AND ip <> ''`); n != 1 {
		t.Fatal("approval audited without the address")
	}
	if m := mailTo(t, f.deliver(t), "wait@example.net"); !strings.Contains(m.Subject, "approved") {
		t.Fatalf("approval mail %q", m.Subject)
	}
	login(lb, "wait.user", goodPW)
	if !loggedIn(lb) {
		t.Fatal("an approved sign-up cannot log in")
	}

	staff.Post("/admin/signups/"+id+"/reject", url.Values{"reason": {"Outside our network"}}).Expect(t, 303)
	staff.Get("/admin/signups").Expect(t, 200, "The sign-up is rejected", "Outside our network")
	if loggedIn(lb) {
		t.Fatal("the session of a rejected sign-up lives on")
	}
	login(lb, "wait.user", goodPW)
	if loggedIn(lb) {
		t.Fatal("a rejected sign-up logged in")
	}
	var rejected []string
	for _, m := range f.deliver(t) {
		if strings.Contains(m.Text, "Outside our network") {
			rejected = append(rejected, m.Subject)
		}
	}
	if len(rejected) != 1 {
		t.Fatalf("rejection mails: %q", rejected)
	}
	staff.Post("/admin/signups/"+id+"/approve", nil).Expect(t, 422, "not awaiting a decision")
	staff.Post("/admin/signups/999/approve", nil).Expect(t, 404)
}

// TestSignupAPI: signup.list follows a cursor in the order of confirmation with a
// page size; a bad cursor and limit name their field; approve and reject work once
// and name the field of an unknown id, a missing reason or a decided sign-up; the
// support role decides, the read-only role cannot.
func TestSignupAPI(t *testing.T) {
	f := newFixture(t)
	a := f.env.API()
	sid := a.Admin()
	first := f.signedUp(t, "198.51.100.30", "one@example.net", "one.user")
	second := f.signedUp(t, "198.51.100.31", "two@example.net", "two.user")
	// An unconfirmed one is not listed.
	submit(f.browser("198.51.100.32"), f.form("three@example.net", "three.user")).Expect(t, 200)

	var page signup.ListOut
	a.Call(sid, "signup.list", map[string]any{"since": 0, "limit": 1}).OK(t, &page)
	if len(page.Signups) != 1 || page.Signups[0].ClientID != first.ID || page.Signups[0].State != "pending" ||
		page.Signups[0].Currency != "EUR" || page.Next != page.Signups[0].Cursor {
		t.Fatalf("first page %+v", page)
	}
	a.Call(sid, "signup.list", map[string]any{"since": page.Next}).OK(t, &page)
	if len(page.Signups) != 1 || page.Signups[0].ClientID != second.ID || page.Signups[0].Username != "two.user" {
		t.Fatalf("second page %+v", page)
	}
	last := page.Next
	a.Call(sid, "signup.list", map[string]any{"since": last}).OK(t, &page)
	if len(page.Signups) != 0 || page.Next != last {
		t.Fatalf("past the end %+v", page)
	}
	a.Call(sid, "signup.list", map[string]any{"since": -1}).Fails(t, -32602, "since")
	a.Call(sid, "signup.list", map[string]any{"since": "abc"}).Fails(t, -32602, "since")
	a.Call(sid, "signup.list", map[string]any{"limit": 501}).Fails(t, -32602, "limit")

	id := f.signupID(t, first.ID)
	var out signup.SignupOut
	a.Call(sid, "signup.approve", map[string]any{"id": id}).OK(t, &out)
	if out.State != "approved" || out.DecidedBy != "api:boss" {
		t.Fatalf("approved %+v", out)
	}
	if c, _ := core.ClientByID(context.Background(), f.env.Deps.DB.R, first.ID); !c.Active {
		t.Fatal("approval did not activate the client")
	}
	r := a.Call(sid, "signup.approve", map[string]any{"id": 99999})
	r.Refused(t, "not_found", "99999")
	if r.Result.Errors[0].Field != "id" {
		t.Fatalf("unknown id names %q", r.Result.Errors[0].Field)
	}
	a.Call(sid, "signup.approve", map[string]any{"id": 0}).Fails(t, -32602, "id")
	a.Call(sid, "signup.reject", map[string]any{"id": id}).Refused(t, "invalid", "reason")
	a.Call(sid, "signup.reject", map[string]any{"id": id, "reason": "Duplicate account"}).OK(t, &out)
	if out.State != "rejected" || out.Reason != "Duplicate account" {
		t.Fatalf("rejected %+v", out)
	}
	a.Call(sid, "signup.approve", map[string]any{"id": id}).Refused(t, "invalid", "id")
	if c, _ := core.ClientByID(context.Background(), f.env.Deps.DB.R, first.ID); c.Active {
		t.Fatal("rejection left the client active")
	}
	if n := f.env.Count(`SELECT count(*) FROM audit_log WHERE action = 'api.signup.reject' AND ip <> ''`); n != 1 {
		t.Fatal("API rejection not audited with the address")
	}

	ro := a.LoginRole("viewer", core.RoleReadOnly)
	a.Call(ro, "signup.list", map[string]any{}).OK(t, &page)
	a.Call(ro, "signup.approve", map[string]any{"id": f.signupID(t, second.ID)}).Fails(t, -32003)
	sup := a.LoginRole("helper", core.RoleSupport)
	a.Call(sup, "signup.approve", map[string]any{"id": f.signupID(t, second.ID)}).OK(t, &out)
}

// TestSignupCLI: the commands list, approve and reject like the console, audited as
// "cli"; bad arguments are errors naming what is wrong.
func TestSignupCLI(t *testing.T) {
	f := newFixture(t)
	c := f.signedUp(t, "198.51.100.40", "cli@example.net", "cli.user")
	id := strconv.FormatInt(f.signupID(t, c.ID), 10)
	run := func(name string, args ...string) (string, error) {
		var out, errOut bytes.Buffer
		for _, cmd := range f.mod.Info().Commands {
			if cmd.Name == name {
				err := cmd.Run(context.Background(), f.env.Deps, app.IO{Out: &out, Err: &errOut}, args)
				return out.String(), err
			}
		}
		t.Fatalf("no command %s", name)
		return "", nil
	}
	if out, err := run("signup list", "--state", "pending"); err != nil || !strings.Contains(out, "cli@example.net") {
		t.Fatalf("list: %v\n%s", err, out)
	}
	if _, err := run("signup list", "--state", "odd"); err == nil {
		t.Fatal("a bad state was accepted")
	}
	if _, err := run("signup reject", id); err == nil || !strings.Contains(err.Error(), "reason") {
		t.Fatalf("reject without reason: %v", err)
	}
	if _, err := run("signup approve", "424242"); err == nil || !strings.Contains(err.Error(), "no sign-up") {
		t.Fatalf("unknown id: %v", err)
	}
	if out, err := run("signup approve", id); err != nil || !strings.Contains(out, "approved") {
		t.Fatalf("approve: %v %s", err, out)
	}
	if out, err := run("signup reject", id, "--reason", "Test account"); err != nil || !strings.Contains(out, "rejected") {
		t.Fatalf("reject: %v %s", err, out)
	}
	if f.env.AuditCount("signups.approve", "cli") != 1 || f.env.AuditCount("signups.reject", "cli") != 1 {
		t.Fatal("CLI decisions not audited")
	}
}
