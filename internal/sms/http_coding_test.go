package sms_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/sms"
	"github.com/ispportal/portal/internal/sms/gatewaytest"
)

// TestHTTPGatewayCodingAndCredentialPlaceholders: a Kannel-style template gets the
// login and password from their own (secret) settings and, per message, the coding
// of the same GSM-7/UCS-2 decision that counts the parts; with credentials in the
// template no Authorization header is sent besides.
func TestHTTPGatewayCodingAndCredentialPlaceholders(t *testing.T) {
	gw := gatewaytest.Start(t)
	g, err := sms.NewHTTPGateway(sms.HTTPConfig{
		URL: gw.URL + "/cgi-bin/sendsms?username={user}&password={password}&from={sender}&to={number}&text={text}" +
			"&coding={coding}&charset={charset}",
		User: "portal", Password: "p&ss w0rd", Sender: "NetWave",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ text, coding string }{
		{"Příliš žluťoučký kůň", "2"},
		{strings.Repeat("Hello world. ", 23), "0"},
		{"Price 5 € [ok]", "0"}, // GSM-7 extension characters
		{"Emoji 😀", "2"},
	}
	for _, tc := range cases {
		before := len(gw.Requests())
		if _, err := g.Send(context.Background(), sms.Message{To: testNumber, Text: tc.text}); err != nil {
			t.Fatal(err)
		}
		r := gw.Requests()[before]
		want := url.Values{"username": {"portal"}, "password": {"p&ss w0rd"}, "from": {"NetWave"}, "to": {testNumber},
			"text": {tc.text}, "coding": {tc.coding}, "charset": {"UTF-8"}}
		for k := range want {
			if r.Query.Get(k) != want.Get(k) {
				t.Errorf("%q: %s = %q, want %q", tc.text, k, r.Query.Get(k), want.Get(k))
			}
		}
		if enc, _, _ := sms.Parts(tc.text); (enc == sms.EncodingUCS2) != (tc.coding == "2") {
			t.Errorf("%q: coding %s disagrees with sms.Parts (%s)", tc.text, tc.coding, enc)
		}
		if h := r.Header.Get("Authorization"); h != "" {
			t.Errorf("credentials sent twice, Authorization %q", h)
		}
	}
	// A bearer token (password without user) fills {password} too.
	g, err = sms.NewHTTPGateway(sms.HTTPConfig{URL: gw.URL + "/send?key={password}&to={number}&text={text}", Token: "tok"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	before := len(gw.Requests())
	g.Send(context.Background(), sms.Message{To: testNumber, Text: "x"})
	if r := gw.Requests()[before]; r.Query.Get("key") != "tok" || r.Header.Get("Authorization") != "" {
		t.Errorf("token: key %q, Authorization %q", r.Query.Get("key"), r.Header.Get("Authorization"))
	}
}
