package app_test

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/testkit"
)

// Without a session a request body may have 64 KiB; a logged-in user's form more.
func TestBodyLimitDependsOnSession(t *testing.T) {
	env := testkit.New(t, newGated)
	pad := strings.Repeat("x", 100<<10)
	anon := env.Browser()
	r := anon.Post("/lang", url.Values{"lang": {"en"}, "back": {"/"}, "pad": {pad}}).Expect(t, 413, "Too much data")
	r.Lacks(t, "Page not found")
	anon.Post("/lang", url.Values{"lang": {"en"}, "back": {"/"}, "pad": {pad[:30<<10]}}).Expect(t, 303)

	id := env.AddClient("5010", 0)
	client := env.Browser().LoginAs(id)
	client.Post("/lang", url.Values{"lang": {"en"}, "back": {"/"}, "pad": {pad}}).Expect(t, 303)
	client.Post("/lang", url.Values{"lang": {"en"}, "back": {"/"}, "pad": {strings.Repeat(pad, 21)}}).Expect(t, 413)

	// A compressed body would be inflated in memory without a limit: refused.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("lang=en&back=/&csrf=" + url.QueryEscape(client.CSRF()) + "&pad=" + strings.Repeat("x", 10<<20)))
	zw.Close()
	req := httptest.NewRequest(http.MethodPost, "/lang", bytes.NewReader(gz.Bytes()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Content-Encoding", "gzip")
	client.Do(req).Expect(t, 415)
}
