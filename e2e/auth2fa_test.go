//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
	"github.com/ispportal/portal/internal/factor"
)

// TestAuth2FA drives the second factors in Chromium with a virtual authenticator
// (DevTools WebAuthn domain): a subscriber sets up an authenticator app from the QR
// page, registers a passkey, logs in with the passkey alone and with password plus
// passkey; every page passes axe and the 390 px check.
func TestAuth2FA(t *testing.T) {
	s := start(t)
	auth := passkeySuite(s)

	t.Run("authenticator app", func(t *testing.T) {
		s.t = t
		s.asDemo()
		s.open("login security", "/security")
		s.expectText("Authenticator app", "Not set up.", "Passkeys")
		s.submit(`form[action$="/security/totp"] button`)
		s.imageLoaded(`img[src^="data:image/png"]`)
		s.check("authenticator app enrolment")
		secret := strings.TrimSpace(value(s, chromedp.Text(chromedp.CSS("#totp-secret"))))
		s.fill("#code", "000000x")
		s.submit(`main form button[type=submit]`)
		s.expectText("The code is wrong")
		s.fill("#code", factor.Code(secret, time.Now()))
		s.submit(`main form button[type=submit]`)
		s.expectText("Your recovery codes")
		s.expectCount("#recovery-codes code", 10)
		s.check("recovery codes")
	})

	t.Run("register a passkey", func(t *testing.T) {
		s.t = t
		s.asDemo()
		s.open("login security with app", "/security")
		s.fill("#passkey-name", "Laptop")
		s.submit(`form[action$="/security/passkeys/new"] button`)
		s.check("add a passkey")
		s.submit("#passkey-go")
		s.expectText("The passkey was added.", "Laptop")
		creds, err := chromedp.Call(s.browser, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: auth})
		if err != nil || len(creds.Credentials) != 1 || !creds.Credentials[0].IsResidentCredential {
			t.Fatalf("virtual authenticator holds %v (%v)", creds, err)
		}
	})

	t.Run("log in with the passkey alone", func(t *testing.T) {
		s.t = t
		s.logout()
		s.open("login with passkey button", "/login")
		s.submit("#passkey-login")
		s.check("passkey login")
		s.submit("#passkey-go")
		if p := s.path(); !strings.HasPrefix(p, "/info") {
			t.Fatalf("passkey login landed at %s", p)
		}
	})

	t.Run("password, then passkey as second factor", func(t *testing.T) {
		s.t = t
		s.logout()
		s.login("demo", demoPassword)
		if p := s.path(); !strings.HasPrefix(p, "/login/factor") {
			t.Fatalf("password login landed at %s, want the second factor", p)
		}
		s.check("second factor step")
		s.expectText("Enter the 6-digit code", "Or use a passkey")
		s.submit("#passkey-go")
		if p := s.path(); !strings.HasPrefix(p, "/info") {
			t.Fatalf("passkey second factor landed at %s", p)
		}
	})

	t.Run("a failing authenticator logs nobody in", func(t *testing.T) {
		s.t = t
		s.logout()
		bogus := true
		if _, err := chromedp.Call(s.browser, webauthn.SetResponseOverrideBits, webauthn.SetResponseOverrideBitsParams{
			AuthenticatorID: auth, IsBogusSignature: &bogus}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(s.browser, webauthn.SetResponseOverrideBits, webauthn.SetResponseOverrideBitsParams{AuthenticatorID: auth})
		s.open("login", "/login")
		s.submit("#passkey-login")
		s.submit("#passkey-go")
		if p := s.path(); !strings.HasPrefix(p, "/login") {
			t.Fatalf("a bogus signature landed at %s", p)
		}
		s.expectText("The passkey was not accepted")
		s.check("passkey refused")
	})
}
