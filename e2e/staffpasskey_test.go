//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
)

// passkeySuite points the portal at localhost (WebAuthn refuses an IP address as
// relying-party id, and localhost is a secure context without TLS; ci_url, the RP
// id's source, names it too) and gives the browser a virtual authenticator (DevTools
// WebAuthn domain) with user verification, returning its id.
func passkeySuite(s *suite) webauthn.AuthenticatorID {
	s.t.Helper()
	s.base = strings.Replace(s.base, "127.0.0.1", "localhost", 1)
	s.cli("settings", "set", "ci_url", s.base+"/")
	ctx, cancel := context.WithTimeout(s.browser, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Call(ctx, webauthn.Enable, webauthn.EnableParams{}); err != nil {
		s.t.Fatalf("WebAuthn domain: %v", err)
	}
	auth, err := chromedp.Call(ctx, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
		Options: &webauthn.VirtualAuthenticatorOptions{Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21,
			Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true, HasUserVerification: true,
			IsUserVerified: true, AutomaticPresenceSimulation: true}})
	if err != nil {
		s.t.Fatalf("virtual authenticator: %v", err)
	}
	return auth.AuthenticatorID
}

// TestStaffPasskey drives a staff member's passkey in Chromium with a virtual
// authenticator: registered on /admin/security, then the console login with the
// password and the passkey as second factor (also after a wrong code, where the step
// must still offer it), and with the passkey alone from the login page. Every page
// passes axe and the 390 px check.
func TestStaffPasskey(t *testing.T) {
	s := start(t)
	auth := passkeySuite(s)
	staffPassword := func() {
		s.t.Helper()
		s.open("console login", "/admin/login")
		s.fill("#f-login", "admin", "#f-password", "admin1234")
		s.submit("main form button[type=submit]")
	}

	t.Run("register on the security page", func(t *testing.T) {
		s.t = t
		staffPassword()
		if p := s.path(); strings.HasPrefix(p, "/admin/login") {
			t.Fatalf("staff login failed at %s:\n%s", p, tail(s.text(), 800))
		}
		s.open("staff login security", "/admin/security")
		s.expectText("Passkeys", "No passkeys yet.")
		s.fill("#passkey-name", "Office laptop")
		s.submit(`form[action$="/admin/security/passkeys/new"] button`)
		s.check("staff adds a passkey")
		s.submit("#passkey-go")
		s.expectText("Your recovery codes")
		s.expectCount("#recovery-codes code", 10)
		s.check("staff recovery codes")
		s.open("staff login security with passkey", "/admin/security")
		s.expectText("Office laptop")
		creds, err := chromedp.Call(s.browser, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: auth})
		if err != nil || len(creds.Credentials) != 1 || !creds.Credentials[0].IsResidentCredential || creds.Credentials[0].RpID != "localhost" {
			t.Fatalf("virtual authenticator holds %v (%v)", creds, err)
		}
	})

	t.Run("password, wrong code, then passkey", func(t *testing.T) {
		s.t = t
		s.logout()
		staffPassword()
		if p := s.path(); !strings.HasPrefix(p, "/admin/login/factor") {
			t.Fatalf("staff password login landed at %s, want the second factor", p)
		}
		s.check("staff second factor step")
		s.expectText("Or use a passkey")
		s.fill("#code", "000000")
		s.submit(`form[action$="/admin/login/factor"] button[type=submit]`)
		s.expectText("The code is wrong", "Or use a passkey")
		s.check("staff step after a wrong code")
		s.submit("#passkey-go")
		if p := s.path(); p != "/admin" && !strings.HasPrefix(p, "/admin?") {
			t.Fatalf("staff passkey second factor landed at %s", p)
		}
		s.expectText("admin (admin)")
	})

	t.Run("passkey alone", func(t *testing.T) {
		s.t = t
		s.logout()
		s.open("console login with passkey button", "/admin/login")
		s.submit("#passkey-login")
		s.check("staff passkey login")
		s.submit("#passkey-go")
		if p := s.path(); p != "/admin" && !strings.HasPrefix(p, "/admin?") {
			t.Fatalf("staff passkey login landed at %s", p)
		}
		s.expectText("admin (admin)")
		creds, err := chromedp.Call(s.browser, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: auth})
		if err != nil || len(creds.Credentials) != 1 || creds.Credentials[0].SignCount < 2 {
			t.Fatalf("the passkey signed %v (%v), want two logins", creds, err)
		}
	})

	t.Run("a failing authenticator opens no console", func(t *testing.T) {
		s.t = t
		s.logout()
		bogus := true
		if _, err := chromedp.Call(s.browser, webauthn.SetResponseOverrideBits, webauthn.SetResponseOverrideBitsParams{
			AuthenticatorID: auth, IsBogusSignature: &bogus}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(s.browser, webauthn.SetResponseOverrideBits, webauthn.SetResponseOverrideBitsParams{AuthenticatorID: auth})
		s.open("console login", "/admin/login")
		s.submit("#passkey-login")
		s.submit("#passkey-go")
		if p := s.path(); !strings.HasPrefix(p, "/admin/login") {
			t.Fatalf("a bogus signature landed at %s", p)
		}
		s.expectText("The passkey was not accepted")
		s.check("staff passkey refused")
	})
}
