//go:build e2e

package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

var signupLinkRE = regexp.MustCompile(`https?://[^\s]+/signup/verify\?token=[A-Za-z0-9_-]+`)

// TestSignup: a visitor signs up in English (the form, its field errors, "check your
// e-mail", the confirmation and its result, the used link's page) and in Czech (the
// form with its errors and the page of a dead link), each page checked with axe and at
// 390 and 1440 px. The demo has sign-up on with the template customer T100.
func TestSignup(t *testing.T) {
	s := start(t)
	s.cli("settings", "set", "ci_signup_login_before_approval", "1")

	t.Run("English sign-up to login", func(t *testing.T) {
		s.t = t
		s.open("login with sign-up link", "/login")
		s.submit(`main a[href$="/signup"]`)
		s.check("sign-up form")
		s.expectText("Sign up", "Processing of usage data", "Currency")
		s.fill("#f-name", "Eva Svobodová", "#f-email", "eva@example.net", "#f-username", "eva.s",
			"#f-password", "password1234", "#f-password2", "password1234")
		s.submit("main form button[type=submit]")
		s.check("sign-up form with errors")
		s.expectText("too easy to guess", "This consent is required")
		s.fill("#f-password", "quiet heron above the mill", "#f-password2", "quiet heron above the mill")
		s.choose("#f-currency", "EUR")
		s.run(clickLabel("I agree"))
		s.submit("main form button[type=submit]")
		s.check("sign-up sent")
		s.expectText("Check your e-mail")
		link := s.smtp.WaitMatch(t, signupLinkRE, 30*time.Second)
		path := strings.TrimPrefix(link, s.base)
		s.open("sign-up confirm", path)
		s.submit("main form button[type=submit]")
		s.check("sign-up done")
		s.expectText("Your account is created", "eva.s")
		s.open("sign-up link used", path)
		s.expectText("already been used or has expired")
		s.login("eva.s", "quiet heron above the mill")
		if p := s.path(); strings.HasPrefix(p, "/login") {
			t.Fatalf("the new account cannot log in (at %s)", p)
		}
		s.logout()
	})

	t.Run("Czech form and dead link", func(t *testing.T) {
		s.t = t
		s.clearCookies()
		s.open("sign-up form before switching", "/signup")
		s.submit(`footer button[value="cs"]`)
		s.check("registrace")
		s.expectText("Registrace", "Přihlašovací jméno", "Souhlasím")
		s.fill("#f-name", "Petr Dvořák", "#f-email", "neni-adresa", "#f-username", "p",
			"#f-password", "kratke", "#f-password2", "kratke")
		s.submit("main form button[type=submit]")
		s.check("registrace s chybami")
		s.expectText("Zadejte jednu platnou e-mailovou adresu", "Přihlašovací jméno musí mít", "Heslo je příliš krátké",
			"Bez tohoto souhlasu účet založit nelze")
		s.open("neplatný odkaz", "/signup/verify?token=neexistuje")
		s.expectText("Tento odkaz nefunguje", "už byl použit nebo vypršel")
	})

	t.Run("console approves and rejects", func(t *testing.T) {
		s.t = t
		s.clearCookies()
		s.open("console login", "/admin")
		s.fill("#f-login", "admin", "#f-password", "admin1234")
		s.submit("main form button[type=submit]")
		if strings.HasPrefix(s.path(), "/admin/login") {
			t.Fatalf("staff login failed:\n%s", tail(s.text(), 800))
		}
		s.open("console sign-ups", "/admin/signups")
		s.expectText("Sign-ups", "Jana Nováková", "Eva Svobodová", "Awaiting approval")
		s.submit(`main form[action$="/approve"] button`)
		s.check("console sign-up approved")
		s.expectText("The sign-up is approved")
		s.fill(`main form[action$="/reject"] input[name=reason]`, "Outside our network")
		s.submit(`main form[action$="/reject"] button`)
		s.check("console sign-up rejected")
		s.expectText("The sign-up is rejected", "Outside our network")
	})
}
