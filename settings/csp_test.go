package settings

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestFormActionSource(t *testing.T) {
	good := map[string]string{
		"https://www.isp.example/goodbye?from=portal#top": "https://www.isp.example/goodbye",
		"HTTPS://WWW.ISP.example":                         "https://www.isp.example/",
		"http://10.0.0.5:8080/a/b/":                       "http://10.0.0.5:8080/a/b/",
		"https://isp.example/a;b,c":                       "https://isp.example/a%3Bb%2Cc",
		"https://xn--pihlen-ssa9c.example/":               "https://xn--pihlen-ssa9c.example/",
		"https://isp.example/%C5%99":                      "https://isp.example/%C5%99",
	}
	for in, want := range good {
		if got, err := FormActionSource(in); err != nil || got != want {
			t.Errorf("FormActionSource(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "/goodbye", "javascript:alert(1)", "https://user:pw@isp.example/", "https://přihlášení.example/",
		"https://[::1]/", "https://isp.example/a b", "https://isp.example/\r\nX: y", "https://isp.example/'none'", "https://isp.example/\"",
		"ftp://isp.example/", "https://isp..example/", "https:isp.example"} {
		if got, err := FormActionSource(in); err == nil {
			t.Errorf("FormActionSource(%q) = %q, want a refusal", in, got)
		}
	}
	// The setting refuses an address its CSP source could not express.
	s, _ := newStore(t, filepath.Join(t.TempDir(), "s.db"))
	ctx := context.Background()
	if err := s.Set(ctx, "ci_forward_url_after_logout", 0, "https://přihlášení.example/", "test"); err == nil ||
		!strings.Contains(err.Error(), "xn--") {
		t.Errorf("non-ASCII host accepted: %v", err)
	}
	if err := s.Set(ctx, "ci_forward_url_after_logout", 0, "https://www.isp.example/goodbye", "test"); err != nil {
		t.Error(err)
	}
}
