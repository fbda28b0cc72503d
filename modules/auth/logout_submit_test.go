package auth

import (
	"net/http"
	"net/url"
	"testing"
)

func TestLogout(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	addClient(t, env, "5001", "", goodPW)
	b := env.Browser()
	login(b, "5001", goodPW).Expect(t, http.StatusSeeOther)
	sid := *b.Cookie("sid")
	// GET /logout changes nothing.
	b.Get("/logout")
	if !loggedIn(t, b) {
		t.Fatal("GET /logout ended the session")
	}
	r := b.Post("/logout", nil)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("logout: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	if loggedIn(t, b) {
		t.Fatal("still logged in after logout")
	}
	// Replaying the old cookie gets nothing: the session is gone from the server.
	replay := env.Browser()
	replay.SetCookie(&sid)
	if loggedIn(t, replay) {
		t.Fatal("replayed session cookie still works")
	}
	replay.Post("/password", url.Values{"current": {goodPW}}).Expect(t, http.StatusUnauthorized)

	env.Set("ci_forward_url_after_logout", "https://www.isp.example/bye")
	login(b, "5001", goodPW)
	b.Get("/password")
	r = b.Post("/logout", nil)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "https://www.isp.example/bye" {
		t.Fatalf("logout with forward URL: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
}

func TestAbsoluteHTTP(t *testing.T) {
	for s, want := range map[string]bool{
		"https://www.isp.example/bye": true, "http://isp.example": true,
		"": false, "//evil.example": false, "https:evil.example": false, `\\evil.example`: false,
		"javascript:alert(1)": false, "/local": false, "https://user@evil.example": false,
		"https://isp.example/\r\nSet-Cookie: x": false, `https://isp.example\@evil.example`: false,
	} {
		if got := absoluteHTTP(s); got != want {
			t.Errorf("absoluteHTTP(%q) = %v, want %v", s, got, want)
		}
	}
}
