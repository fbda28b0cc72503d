package app_test

import (
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/testkit"
)

// The pages of a logged-in client admit exactly the configured logout target in
// form-action (Chromium checks the redirect after the logout form against it); no
// other page, and nothing else, is admitted.
func TestLogoutTargetInFormAction(t *testing.T) {
	env := testkit.New(t, newGated)
	id := env.AddClient("5011", 0)
	client := env.Browser().LoginAs(id)
	anon := env.Browser()
	cspOf := func(r *testkit.Response) string { return r.Header.Get("Content-Security-Policy") }

	if p := cspOf(client.Get("/gated").Expect(t, 200)); !strings.Contains(p, "form-action 'self';") {
		t.Fatalf("no target set: %s", p)
	}
	env.Set("ci_forward_url_after_logout", "https://www.isp.example/goodbye?from=portal")
	p := cspOf(client.Get("/gated").Expect(t, 200))
	if !strings.Contains(p, "form-action 'self' https://www.isp.example/goodbye;") {
		t.Fatalf("client page: %s", p)
	}
	if strings.Contains(p, "from=portal") || strings.Count(p, "https://") != 1 {
		t.Fatalf("more than the target admitted: %s", p)
	}
	if p := cspOf(client.Get("/no/such/page").Expect(t, 404)); !strings.Contains(p, "https://www.isp.example/goodbye") {
		t.Fatalf("error page of a logged-in client: %s", p)
	}
	if p := cspOf(anon.Get("/login")); !strings.Contains(p, "form-action 'self';") || strings.Contains(p, "isp.example") {
		t.Fatalf("anonymous page: %s", p)
	}
}
