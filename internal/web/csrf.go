package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// anonCookie holds the random per-browser value that binds the CSRF token before
// login; it is __Host- prefixed over TLS like the session cookies (cookieName).
const anonCookie = "csrf_a"

// CSRFToken returns the form token of the request. It is an HMAC of the session id (or,
// before login, of a random per-browser cookie) under a server secret: a synchronizer
// token without server state, which changes when the session changes at login.
func (w *Web) CSRFToken(c *fiber.Ctx) string {
	return w.csrfFor(c, w.csrfBinding(c, true))
}

func (w *Web) csrfBinding(c *fiber.Ctx, create bool) string {
	if s := w.Session(c); s != nil {
		return "c:" + s.IDHash
	}
	if w.AreaOf(c) == Staff {
		if s := w.StaffSession(c); s != nil {
			return "s:" + s.IDHash
		}
	}
	st := w.state(c)
	if st.anon == "" {
		name := w.hostCookie(c, anonCookie)
		st.anon = c.Cookies(name)
		if len(st.anon) != 43 && create {
			st.anon = NewToken()
			w.setCookie(c, name, st.anon, time.Time{})
		}
	}
	return "a:" + st.anon
}

func (w *Web) csrfFor(c *fiber.Ctx, binding string) string {
	m := hmac.New(sha256.New, w.csrfKey)
	m.Write([]byte(binding))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// ExemptCSRF lets requests to an exact path skip the token check when cond says so.
// Only the cross-origin login form (/sign/) and the JSON-RPC API (no cookies) use it.
func (w *Web) ExemptCSRF(path string, cond func(c *fiber.Ctx) bool) {
	w.csrfExempt[path] = cond
}

// Webhook declares path (full, from the root) a provider's webhook: a machine posts
// it, authenticated by its own signature, so it has no CSRF token; and it stays
// open while the portal is suspended for maintenance, since what it reports (money
// already taken) should be recorded now rather than on the provider's retry.
func (w *Web) Webhook(path string) {
	w.csrfExempt[path] = func(*fiber.Ctx) bool { return true }
	w.webhooks[path] = true
}

// IsWebhook reports whether the request is for a path declared with Webhook.
func (w *Web) IsWebhook(c *fiber.Ctx) bool { return w.webhooks[c.Path()] }

// csrfProtect refuses a state-changing request without a valid token, or one whose
// Origin names another site, with 403.
func (w *Web) csrfProtect(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if cond, ok := w.csrfExempt[c.Path()]; ok && cond(c) {
		return c.Next()
	}
	if o := c.Get(fiber.HeaderOrigin); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || !strings.EqualFold(u.Host, w.Host(c)) {
			return fiber.NewError(fiber.StatusForbidden, "csrf: foreign origin")
		}
	}
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		return fiber.NewError(fiber.StatusForbidden, "csrf: cross-site request")
	}
	sent := c.FormValue("csrf")
	if sent == "" {
		sent = c.Get("X-CSRF-Token")
	}
	want := w.csrfFor(c, w.csrfBinding(c, false))
	if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(want)) != 1 {
		return fiber.NewError(fiber.StatusForbidden, "csrf: missing or stale token")
	}
	return c.Next()
}
