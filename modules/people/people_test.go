package people

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The holder invites, the person accepts through the mailed link (once), logs in with
// their own name and sees only their role's sections; the audit log names them.
func TestInviteAcceptLogin(t *testing.T) {
	f := newFixture(t)
	link := f.inviteLink(t, "jana@example.cz", "billing")
	if n := f.env.Count(`SELECT count(*) FROM people WHERE invite_hash IS NOT NULL AND invite_hash <> ''`); n != 1 {
		t.Fatalf("want one pending invitation, got %d", n)
	}
	_, tok, _ := strings.Cut(link, "token=")
	if f.env.Count(`SELECT count(*) FROM people WHERE invite_hash = ?`, tok) != 0 {
		t.Fatal("the raw token is stored")
	}
	b := f.env.Browser()
	open(b, link).Expect(t, 200, "jana@example.cz").Lacks(t, tok)
	// Bad input: nothing changes, the form comes back with the field's error.
	accept(b, link, "jana", "short", "short").Expect(t, 422, "too short")
	accept(b, link, "jana", goodPW, goodPW+"x").Expect(t, 422, "differ")
	accept(b, link, "12345", goodPW, goodPW).Expect(t, 422, "not digits only")
	accept(b, link, "7002", goodPW, goodPW).Expect(t, 422)
	accept(b, link, "a b", goodPW, goodPW).Expect(t, 422)
	accept(b, link, "jana", "passwordpassword", "passwordpassword").Expect(t, 422, "too easy")
	if f.env.Count(`SELECT count(*) FROM people WHERE login IS NOT NULL`) != 0 {
		t.Fatal("a refused form set a login")
	}
	accept(b, link, "jana", goodPW, goodPW).Expect(t, 200, "jana")
	// Single use.
	r := accept(f.env.Browser(), link, "jana2", goodPW, goodPW).Expect(t, 410, "does not work")
	if r.Header.Get("Cache-Control") != "no-store" {
		t.Error("the spent invitation's page may be cached")
	}
	open(f.env.Browser(), link).Expect(t, 410)

	p := logIn(t, f.env, "JANA") // the login name without regard to case
	p.Get("/invoices").Expect(t, 200)
	p.Get("/services").Expect(t, 403)
	menu := p.Get("/info").Expect(t, 200, `href="/invoices"`, `href="/people/me"`).Body
	for _, absent := range []string{`href="/services"`, `href="/people"`, `href="/gdpr"`, `href="/password"`} {
		if strings.Contains(menu, absent+`>`) || strings.Contains(menu, absent+` `) {
			t.Errorf("the billing person's menu has %s", absent)
		}
	}
	if f.env.AuditCount("login.ok", "client:7001/jana") != 1 {
		t.Error("the login is not audited with the person")
	}
	if n := f.env.Count(`SELECT count(*) FROM people WHERE login = 'jana' AND last_login IS NOT NULL`); n != 1 {
		t.Error("last login not recorded")
	}
	// Another module's audit entry names the person too (core.Audit).
	p.Post("/logout", nil)
	if f.env.AuditCount("logout", "client:7001/jana") != 1 {
		t.Error("the logout is not audited with the person")
	}
}

func TestInvitationExpires(t *testing.T) {
	f := newFixture(t)
	link := f.inviteLink(t, "petr@example.cz", "technical")
	f.env.Clock.Advance(InviteTTL - time.Second)
	open(f.env.Browser(), link).Expect(t, 200)
	f.env.Clock.Advance(time.Second)
	open(f.env.Browser(), link).Expect(t, 410)
	accept(f.env.Browser(), link, "petr", goodPW, goodPW).Expect(t, 410)
	open(f.env.Browser(), "/people/accept?token=nonsense").Expect(t, 410)
	// Without the link's cookie the form is refused.
	b := f.env.Browser()
	b.Get("/login")
	b.Post("/people/accept", url.Values{"login": {"petr"}, "password": {goodPW}, "password2": {goodPW}}).Expect(t, 410)
}

func TestInviteBadInput(t *testing.T) {
	f := newFixture(t)
	f.holder.Get("/people")
	for _, c := range []struct{ email, role, want string }{
		{"not-an-address", "billing", "valid e-mail"},
		{"a@example.cz, b@example.cz", "billing", "valid e-mail"},
		{"Jan <jan@example.cz>", "billing", "valid e-mail"},
		{"", "billing", "valid e-mail"},
		{"jan@example.cz", "owner", "offered roles"},
		{"jan@example.cz", "admin", "offered roles"},
		{"jan@example.cz", "", "offered roles"},
	} {
		f.holder.Post("/people/invite", url.Values{"email": {c.email}, "role": {c.role}}).Expect(t, 422, c.want)
	}
	f.holder.Post("/people/invite", url.Values{"email": {"jan@example.cz"}, "role": {"billing"}}).Expect(t, 303)
	f.holder.Post("/people/invite", url.Values{"email": {"JAN@example.cz"}, "role": {"technical"}}).Expect(t, 422, "already invited")
	if n := f.env.Count(`SELECT count(*) FROM people`); n != 1 {
		t.Fatalf("want 1 person, got %d", n)
	}
	// Czech.
	f.holder.Header.Set("Accept-Language", "cs")
	f.env.Deps.DB.W.Exec(`UPDATE clients SET language = 'cs' WHERE id = ?`, f.a)
	f.holder.Post("/people/invite", url.Values{"email": {"x"}, "role": {"billing"}}).Expect(t, 422, "platnou e-mailovou adresu")
}

// An invited person may not do the holder's things: manage people, change the
// contact data, the GDPR pages (erasure), the holder's password.
func TestPersonRefusedHolderActions(t *testing.T) {
	f := newFixture(t)
	p := f.person(t, "jana", "billing")
	f.holder.Get("/people")
	f.holder.Post("/people/invite", url.Values{"email": {"x@example.cz"}, "role": {"readonly"}}).Expect(t, 303)
	other := personID(t, f.env, "jana") + 1
	p.Get("/people").Expect(t, 403)
	p.Get("/info")
	for _, path := range []string{"/people/invite", "/people/" + itoa(other) + "/remove", "/people/" + itoa(other) + "/role",
		"/info/edit", "/gdpr/requests", "/password"} {
		p.Post(path, url.Values{"email": {"y@example.cz"}, "role": {"billing"}, "kind": {"erasure"}}).Expect(t, 403)
	}
	p.Get("/gdpr").Expect(t, 403)
	p.Get("/password").Expect(t, 403)
	p.Get("/security").Expect(t, 403)
	p.Get("/account/sessions").Expect(t, 403)
	if n := f.env.Count(`SELECT count(*) FROM people`); n != 2 {
		t.Fatalf("people changed: %d", n)
	}
}

// A read-only person reads everything a role reaches and changes nothing but their
// own password; POSTs get the 403 page in their language.
func TestReadOnlyPerson(t *testing.T) {
	f := newFixture(t)
	p := f.person(t, "oko", "readonly")
	p.Get("/invoices").Expect(t, 200)
	p.Get("/services").Expect(t, 200)
	p.Get("/info")
	p.Post("/invoices", nil).Expect(t, 403)
	p.Header.Set("Accept-Language", "cs")
	r := p.Post("/services", nil)
	if r.StatusCode != 403 {
		t.Fatalf("POST as read-only: %d", r.StatusCode)
	}
	// Own password.
	p.Get("/people/me").Expect(t, 200, "oko")
	p.Post("/people/me", url.Values{"current": {"wrong"}, "password": {goodPW + "!"}, "password2": {goodPW + "!"}}).Expect(t, 422)
	// A wrong current password counts towards the person's own lockout, as a login does.
	if n := f.env.Count(`SELECT failures FROM lockouts WHERE kind = 'client' AND principal = ?`,
		"person:"+strconv.FormatInt(personID(t, f.env, "oko"), 10)); n != 1 {
		t.Fatalf("wrong current password counted %d times, want 1", n)
	}
	p.Post("/people/me", url.Values{"current": {goodPW}, "password": {"weak"}, "password2": {"weak"}}).Expect(t, 422)
	p.Post("/people/me", url.Values{"current": {goodPW}, "password": {goodPW + "!"}, "password2": {goodPW + "!"}}).Expect(t, 303)
	p.Get("/people/me").Expect(t, 200)
	if f.env.Count(`SELECT count(*) FROM audit_log WHERE action = 'person.password' AND actor = 'client:7001/oko'`) != 1 {
		t.Error("the password change is not audited with the person")
	}
	// The holder has auth's password page, not a person's.
	f.holder.Get("/people/me").Expect(t, 303)
	f.holder.Get("/people")
	f.holder.Post("/people/me", url.Values{"current": {goodPW}, "password": {goodPW + "?"}, "password2": {goodPW + "?"}}).Expect(t, 403)
}

// Roles change at once: the person's sessions end; a disabled person cannot log in.
func TestRoleChangeDisableRemove(t *testing.T) {
	f := newFixture(t)
	p := f.person(t, "petr", "technical")
	id := personID(t, f.env, "petr")
	f.holder.Get("/people").Expect(t, 200, "petr")
	f.holder.Post("/people/"+itoa(id)+"/role", url.Values{"role": {"owner"}}).Expect(t, 422, "offered roles")
	f.holder.Post("/people/"+itoa(id)+"/role", url.Values{"role": {"billing"}}).Expect(t, 303)
	p.Get("/services").Expect(t, 303) // the session ended: to the login
	p = logIn(t, f.env, "petr")
	p.Get("/services").Expect(t, 403)
	f.holder.Post("/people/"+itoa(id)+"/active", url.Values{"active": {"0"}}).Expect(t, 303)
	b := f.env.Browser()
	b.Get("/login")
	b.Post("/login", url.Values{"login": {"petr"}, "password": {goodPW}}).Expect(t, 422)
	f.holder.Post("/people/"+itoa(id)+"/remove", nil).Expect(t, 303)
	if f.env.Count(`SELECT count(*) FROM people`) != 0 || f.env.Count(`SELECT count(*) FROM sessions WHERE person_id = ?`, id) != 0 {
		t.Fatal("the person or their sessions stayed")
	}
	f.holder.Post("/people/0/remove", nil).Expect(t, 404) // the holder is no person
}

// Another account's holder cannot see or touch A's people; an id of theirs is 404.
func TestOtherClientsPeople(t *testing.T) {
	f := newFixture(t)
	f.person(t, "jana", "billing")
	id := personID(t, f.env, "jana")
	other := f.env.Browser().LoginAs(f.b)
	other.Get("/people").Expect(t, 200).Lacks(t, "jana")
	for _, path := range []string{"/remove", "/role", "/active"} {
		other.Post("/people/"+itoa(id)+path, url.Values{"role": {"readonly"}, "active": {"0"}}).Expect(t, 404)
	}
	if f.env.Count(`SELECT count(*) FROM people WHERE id = ? AND role = 'billing' AND active = 1`, id) != 1 {
		t.Fatal("another client changed the person")
	}
}

// A person's failures lock the person only; the holder still logs in.
func TestPersonLockout(t *testing.T) {
	f := newFixture(t)
	f.person(t, "jana", "billing")
	b := f.env.Browser()
	b.Get("/login")
	for range 5 {
		b.Post("/login", url.Values{"login": {"jana"}, "password": {"wrong"}})
	}
	b.Post("/login", url.Values{"login": {"jana"}, "password": {goodPW}}).Expect(t, 422)
	h := f.env.Browser()
	h.Get("/login")
	h.Post("/login", url.Values{"login": {"7001"}, "password": {goodPW}}).Expect(t, 303)
	// Staff unlock on the card.
	admin := f.env.StaffBrowser("admin")
	admin.Get("/admin/clients/"+itoa(f.a)).Expect(t, 200, "jana", "Locked")
	admin.Post("/admin/clients/"+itoa(f.a)+"/people/"+itoa(personID(t, f.env, "jana"))+"/unlock", nil).Expect(t, 303)
	logIn(t, f.env, "jana")
}

func TestStaffCard(t *testing.T) {
	f := newFixture(t)
	f.person(t, "jana", "billing")
	id := personID(t, f.env, "jana")
	card := "/admin/clients/" + itoa(f.a)
	ro := f.env.StaffBrowser("readonly")
	ro.Get(card).Expect(t, 200, "jana").Lacks(t, "/people/invite")
	ro.Post(card+"/people/"+itoa(id)+"/remove", nil).Expect(t, 403)
	admin := f.env.StaffBrowser("admin")
	admin.Get(card).Expect(t, 200, "/people/invite")
	admin.Post(card+"/people/invite", url.Values{"email": {"bad"}, "role": {"billing"}}).Expect(t, 422, "valid e-mail")
	admin.Post(card+"/people/invite", url.Values{"email": {"tech@example.cz"}, "role": {"technical"}}).Expect(t, 303)
	admin.Post(card+"/people/"+itoa(id)+"/role", url.Values{"role": {"nope"}}).Expect(t, 422)
	admin.Post(card+"/people/"+itoa(id)+"/role", url.Values{"role": {"readonly"}}).Expect(t, 303)
	// A person of A through B's card is not found.
	admin.Post("/admin/clients/"+itoa(f.b)+"/people/"+itoa(id)+"/remove", nil).Expect(t, 404)
	admin.Post(card+"/people/"+itoa(id)+"/remove", nil).Expect(t, 303)
	if f.env.AuditCount("person.role", "staff:admin1") != 1 || f.env.AuditCount("person.invite", "staff:admin1") != 1 {
		t.Error("staff actions not audited")
	}
}

func TestAPI(t *testing.T) {
	f := newFixture(t)
	api := f.env.API()
	sid := api.Admin()
	var saved struct {
		ID int64 `json:"id"`
	}
	api.Call(sid, "people.invite", map[string]any{"client_id": f.a, "email": "api@example.cz", "role": "technical"}).OK(t, &saved)
	api.Call(sid, "people.invite", map[string]any{"client_id": f.a, "email": "nope", "role": "technical"}).Refused(t, "invalid", "email")
	api.Call(sid, "people.invite", map[string]any{"client_id": f.a, "email": "x@example.cz", "role": "owner"}).Refused(t, "invalid", "role")
	var list PeopleList
	api.Call(sid, "people.list", map[string]any{"client_id": f.a}).OK(t, &list)
	if len(list.People) != 1 || !list.People[0].Pending || list.People[0].Role != "technical" {
		t.Fatalf("list: %+v", list)
	}
	api.Call(sid, "people.update", map[string]any{"client_id": f.a, "id": saved.ID, "role": "billing", "active": false}).OK(t, nil)
	api.Call(sid, "people.update", map[string]any{"client_id": f.a, "id": 0, "role": "billing"}).Refused(t, "invalid", "id")
	api.Call(sid, "people.update", map[string]any{"client_id": f.b, "id": saved.ID, "role": "billing"}).Refused(t, "not_found")
	api.Call(sid, "people.unlock", map[string]any{"client_id": f.a, "id": saved.ID}).OK(t, nil)
	api.Call(sid, "people.remove", map[string]any{"client_id": f.a, "id": 0}).Refused(t, "invalid", "id")
	api.Call(sid, "people.remove", map[string]any{"client_id": f.a, "id": saved.ID}).OK(t, nil)
	api.Call(sid, "people.remove", map[string]any{"client_id": f.a, "id": saved.ID}).Refused(t, "not_found")
	if f.env.Count(`SELECT count(*) FROM people`) != 0 {
		t.Fatal("not removed")
	}
}

func TestCLI(t *testing.T) {
	f := newFixture(t)
	out, err := run(t, f.env, "people invite", "7001", "cli@example.cz", "readonly")
	if err != nil || !strings.Contains(out, "cli@example.cz") {
		t.Fatalf("invite: %v %s", err, out)
	}
	if _, err := run(t, f.env, "people invite", "7001", "bad", "readonly"); err == nil {
		t.Fatal("a bad address was accepted")
	}
	id := f.env.Count(`SELECT id FROM people`)
	if _, err := run(t, f.env, "people role", "7001", itoa(int64(id)), "boss"); err == nil {
		t.Fatal("a bad role was accepted")
	}
	for _, c := range [][]string{{"people role", "7001", itoa(int64(id)), "billing"}, {"people disable", "7001", itoa(int64(id))},
		{"people enable", "7001", itoa(int64(id))}} {
		if _, err := run(t, f.env, c[0], c[1:]...); err != nil {
			t.Fatalf("%v: %v", c, err)
		}
	}
	out, _ = run(t, f.env, "people list", "7001")
	if !strings.Contains(out, "billing") || !strings.Contains(out, "(invited)") {
		t.Fatalf("list: %s", out)
	}
	if _, err := run(t, f.env, "people remove", "7002", itoa(int64(id))); err == nil {
		t.Fatal("removed through another client")
	}
	if _, err := run(t, f.env, "people remove", "7001", itoa(int64(id))); err != nil {
		t.Fatal(err)
	}
}

// The dashboard shows a person only the cards of their role's sections.
func TestDashboardFollowsRole(t *testing.T) {
	f := newFixture(t)
	f.env.Set("ci_display_dashboard", "1")
	f.holder.Get("/dashboard").Expect(t, 200, `id="dash-services"`, `id="dash-invoice"`)
	p := f.person(t, "jana", "billing")
	p.Get("/dashboard").Expect(t, 200, `id="dash-invoice"`).Lacks(t, `id="dash-services"`)
	tech := f.person(t, "petr", "technical")
	tech.Get("/dashboard").Expect(t, 200, `id="dash-services"`).Lacks(t, `id="dash-invoice"`)
}
