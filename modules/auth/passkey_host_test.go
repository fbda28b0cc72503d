package auth

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/ispportal/portal/internal/factor"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
)

// TestStepKeepsPasskeyAfterWrongCode: an account with an authenticator app and a
// passkey types a wrong code; the re-rendered step still offers the passkey (with a
// fresh ceremony), and the passkey from that page finishes the login.
func TestStepKeepsPasskeyAfterWrongCode(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := addClient(t, env, "5101", "", goodPW)
	secret, _ := enrolDirect(t, env, id)
	key := newSoftKey(t)
	addPasskey(t, env.Browser().LoginAs(id), key, "Phone").Expect(t, http.StatusSeeOther)

	b := env.Browser()
	loginToStep(t, b, "5101", goodPW)
	page := b.Post(pathFactor, url.Values{"code": {wrongCode(secret, env.Clock.Now())}}).
		Expect(t, http.StatusUnprocessableEntity, "The code is wrong", "Or use a passkey", `data-passkey="get"`)
	tok, resp := key.get(t, page.Body, rpOrigin)
	r := b.Post(pathFactor, url.Values{"ceremony": {tok}, "response": {resp}})
	if r.StatusCode != http.StatusSeeOther || !loggedIn(t, b) {
		t.Fatalf("passkey from the re-rendered step: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	// A refused passkey re-renders the step with the passkey again, too.
	c := env.Browser()
	loginToStep(t, c, "5101", goodPW)
	page = c.Get(pathFactor).Expect(t, 200)
	tok, resp = key.get(t, page.Body, "https://evil.example")
	c.Post(pathFactor, url.Values{"ceremony": {tok}, "response": {resp}}).
		Expect(t, http.StatusUnprocessableEntity, "Or use a passkey", `data-passkey="get"`)
}

// TestPasskeyHostChange: a passkey is stored with the host it was registered for. When
// ci_url gets another host, the console home and the settings page (next to ci_url)
// say how many passkeys of which host stop or stopped working, the owner's security
// page lists the passkey as registered for another address, the login step does not
// offer it, and it logs nobody in; setting ci_url back makes it work again.
func TestPasskeyHostChange(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, New, admin.New) // the console's home and settings page
	env.Set("ci_url", "https://portal.isp.example/")
	id := addClient(t, env, "5102", "", goodPW)
	secret, _ := enrolDirect(t, env, id)
	key := newSoftKey(t)
	owner := env.Browser().LoginAs(id)
	addPasskey(t, owner, key, "Phone").Expect(t, http.StatusSeeOther)
	if n := env.Count(`SELECT COUNT(*) FROM factor_passkeys WHERE rp_id = 'portal.isp.example'`); n != 1 {
		t.Fatalf("%d passkeys stored with their host", n)
	}
	staff := env.StaffBrowser("admin")
	staff.Get("/admin/settings?q=ci_url").Expect(t, 200, "1 passkey is registered for the host portal.isp.example")
	staff.Get("/admin").Lacks(t, "no longer work")
	owner.Get(pathSecurity).Lacks(t, "Registered for another address")

	env.Set("ci_url", "https://moved.isp.example/")
	staff.Get("/admin").Expect(t, 200, "no longer work: portal.isp.example (1)")
	staff.Get("/admin/settings?q=ci_url").Expect(t, 200, "1 passkey is registered for the host portal.isp.example, not this address")
	owner.Get(pathSecurity).Expect(t, 200, "Phone", "Registered for another address", "registered for portal.isp.example")
	b := env.Browser()
	loginToStep(t, b, "5102", goodPW)
	b.Get(pathFactor).Lacks(t, "Or use a passkey", `data-passkey`)
	// The passkey alone, signed for the new origin, is not accepted either.
	d := env.Browser()
	page := d.Post(pathFactor+"/passkey/start", nil).Expect(t, 200, `data-passkey="get"`)
	tok, resp := key.get(t, page.Body, "https://moved.isp.example")
	d.Post(pathFactor+"/passkey/login", url.Values{"ceremony": {tok}, "response": {resp}}).Expect(t, http.StatusSeeOther)
	if loggedIn(t, d) {
		t.Fatal("a passkey of another host logged in")
	}
	// The code still works.
	b.Post(pathFactor, url.Values{"code": {factor.Code(secret, env.Clock.Now())}}).Expect(t, http.StatusSeeOther)
	if !loggedIn(t, b) {
		t.Fatal("the authenticator app no longer logs in")
	}

	env.Set("ci_url", "https://portal.isp.example/")
	staff.Get("/admin").Lacks(t, "no longer work")
	owner.Get(pathSecurity).Lacks(t, "Registered for another address")
	e := env.Browser()
	page = e.Post(pathFactor+"/passkey/start", nil).Expect(t, 200)
	tok, resp = key.get(t, page.Body, rpOrigin)
	e.Post(pathFactor+"/passkey/login", url.Values{"ceremony": {tok}, "response": {resp}}).Expect(t, http.StatusSeeOther)
	if !loggedIn(t, e) {
		t.Fatal("the passkey does not work once ci_url is back")
	}
}
