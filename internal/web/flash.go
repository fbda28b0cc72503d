package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

const flashCookie = "flash"

// AddFlash queues a message for the next page the browser shows (after a redirect).
// The cookie is signed, so nobody can make the portal show text of their choosing.
func (w *Web) AddFlash(c *fiber.Ctx, kind, key string, arg ...string) {
	st := w.state(c)
	f := Flash{Kind: kind, Key: key}
	if len(arg) > 0 {
		f.Arg = arg[0]
	}
	st.outFlash = append(st.outFlash, f)
	data, _ := json.Marshal(st.outFlash)
	v := base64.RawURLEncoding.EncodeToString(data)
	w.setCookie(c, flashCookie, v+"."+w.sign(v), time.Time{})
}

func (w *Web) sign(v string) string {
	m := hmac.New(sha256.New, w.flashKey)
	m.Write([]byte(v))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// takeFlashes reads and clears the pending messages.
func (w *Web) takeFlashes(c *fiber.Ctx) []Flash {
	raw := c.Cookies(flashCookie)
	if raw == "" {
		return nil
	}
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(1, 0), HTTPOnly: true,
		Secure: w.IsHTTPS(c), SameSite: fiber.CookieSameSiteLaxMode})
	v, sig, ok := strings.Cut(raw, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(w.sign(v))) {
		return nil
	}
	data, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return nil
	}
	var fs []Flash
	if json.Unmarshal(data, &fs) != nil || len(fs) > 10 {
		return nil
	}
	return fs
}
