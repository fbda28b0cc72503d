package signup_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/brands"
)

// onHost sends a request to the portal as if to host (the brand's domain).
func onHost(b *testkit.Browser, host, method, path string, form url.Values) *testkit.Response {
	var body *strings.Reader
	if form != nil {
		form.Set("csrf", b.CSRF())
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, body)
	req.Host = host
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return b.Do(req)
}

// A sign-up on a brand's domain gets its confirmation link on that domain and an
// account of that brand, which logs in there (and only there).
func TestSignupOnBrandHost(t *testing.T) {
	f := newFixture(t, brands.New)
	f.env.Set("ci_signup_login_before_approval", "1")
	now := core.Now(f.env.Clock.Now())
	// The brand's own address first: the brand rows' triggers then move the settings
	// revision, so every process reads it.
	for _, kv := range [][2]string{{"ci_url", "https://b.example/"}, {"ci_signup_enable", "1"}, {"ci_signup_currencies", "USD"}} {
		if _, err := f.env.Deps.DB.W.Exec(`INSERT INTO settings_brand (key, brand_id, value, updated_at) VALUES (?, 2, ?, ?)`,
			kv[0], kv[1], now); err != nil {
			t.Fatal(err)
		}
	}
	f.env.Set("ci_signup_enable", "0") // off on the default brand, on for brand 2
	if _, err := f.env.Deps.DB.W.Exec(`INSERT INTO brands (id, name, created_at, updated_at) VALUES (2, 'FiberNet', ?, ?)`, now, now); err != nil {
		t.Fatal(err)
	}
	if _, err := f.env.Deps.DB.W.Exec(`INSERT INTO brand_domains (host, brand_id) VALUES ('b.example', 2)`); err != nil {
		t.Fatal(err)
	}
	b := f.browser("198.51.100.7")
	b.Get("/signup").Expect(t, 404)
	onHost(b, "b.example", http.MethodGet, "/signup", nil).Expect(t, 200, "Sign up", `value="USD"`).Lacks(t, `value="EUR"`)
	form := f.form("petr@example.net", "petr.b")
	form.Set("currency", "EUR") // the default brand's currency is not offered here
	onHost(b, "b.example", http.MethodPost, "/signup", form).Expect(t, http.StatusUnprocessableEntity, "Choose one of the currencies offered.")
	form = f.form("petr@example.net", "petr.b")
	form.Set("currency", "USD")
	onHost(b, "b.example", http.MethodPost, "/signup", form).Expect(t, 200, "Check your e-mail")
	m := mailTo(t, f.deliver(t), "petr@example.net")
	if !strings.Contains(m.Text, "https://b.example/signup/verify?token=") {
		t.Fatalf("the link is not on the brand's domain:\n%s", m.Text)
	}
	_, path, _ := strings.Cut(m.Text, "https://b.example")
	path, _, _ = strings.Cut(path, "\n")
	onHost(b, "b.example", http.MethodGet, path, nil).Expect(t, 200, "Create my account")
	onHost(b, "b.example", http.MethodPost, "/signup/verify", url.Values{"token": {tokenOf(path)}}).Expect(t, 200, "Your account is created")
	if n := f.env.Count(`SELECT COUNT(*) FROM clients WHERE username = 'petr.b' AND brand_id = 2`); n != 1 {
		t.Fatal("the account does not belong to the brand it signed up on")
	}
	if n := f.env.Count(`SELECT COUNT(*) FROM payments p JOIN clients c ON c.id = p.client_id WHERE c.username = 'petr.b' AND p.currency = 'USD'`); n != 1 {
		t.Fatal("the starting credit is not in the brand's currency")
	}
}
