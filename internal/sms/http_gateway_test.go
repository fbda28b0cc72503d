package sms_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/sms"
	"github.com/ispportal/portal/internal/sms/gatewaytest"
)

// hostileText exercises every escaping context: query/form separators,
// JSON quotes and backslashes, a newline, non-GSM letters, an emoji and a
// literal placeholder that must not be expanded twice.
const hostileText = "Tom & Jerry \"quoted\" 'single' a=b+c%20 \\ ř😀\nline2 {number} <tag>"

const testNumber = "+420777123456"

func TestNewHTTPGatewayValidation(t *testing.T) {
	ok := sms.HTTPConfig{URL: "https://gw.example/send?to={number}&text={text}"}
	tests := []struct {
		name    string
		mutate  func(*sms.HTTPConfig)
		wantErr string
	}{
		{"valid GET", func(*sms.HTTPConfig) {}, ""},
		{"lower-case method", func(c *sms.HTTPConfig) { c.Method = "post"; c.Body = "x" }, ""},
		{"empty URL", func(c *sms.HTTPConfig) { c.URL = "" }, "URL is required"},
		{"ftp scheme", func(c *sms.HTTPConfig) { c.URL = "ftp://gw.example/{number}/{text}" }, "http or https"},
		{"javascript scheme", func(c *sms.HTTPConfig) { c.URL = "javascript:alert({number}{text})" }, "http or https"},
		{"no host", func(c *sms.HTTPConfig) { c.URL = "http:///send?{number}{text}" }, "no host"},
		{"credentials in URL", func(c *sms.HTTPConfig) { c.URL = "https://u:hunter2@gw.example/?{number}{text}" }, "must not contain credentials"},
		{"PUT", func(c *sms.HTTPConfig) { c.Method = "PUT" }, "GET or POST"},
		{"GET with body", func(c *sms.HTTPConfig) { c.Method = "GET"; c.Body = "x" }, "needs method POST"},
		{"missing text", func(c *sms.HTTPConfig) { c.URL = "https://gw.example/?to={number}" }, "{number} and {text}"},
		{"user and token", func(c *sms.HTTPConfig) { c.User, c.Token = "u", "t" }, "not both"},
		{"id pattern without group", func(c *sms.HTTPConfig) { c.IDPattern = "id" }, "capture group"},
		{"broken id pattern", func(c *sms.HTTPConfig) { c.IDPattern = "(" }, "capture group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.mutate(&cfg)
			_, err := sms.NewHTTPGateway(cfg, nil)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want it to mention %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("error leaks the password: %v", err)
			}
		})
	}
}

func TestHTTPGatewaySend(t *testing.T) {
	gw := gatewaytest.Start(t)
	tests := []struct {
		name  string
		cfg   sms.HTTPConfig
		check func(t *testing.T, r gatewaytest.Request)
	}{
		{
			name: "GET with query placeholders",
			cfg:  sms.HTTPConfig{URL: gw.URL + "/send?to={number}&msg={text}&from={sender}", Sender: "ISP & Co"},
			check: func(t *testing.T, r gatewaytest.Request) {
				if r.Method != http.MethodGet || r.Path != "/send" {
					t.Errorf("got %s %s", r.Method, r.Path)
				}
				want := url.Values{"to": {testNumber}, "msg": {hostileText}, "from": {"ISP & Co"}}
				for k := range want {
					if r.Query.Get(k) != want.Get(k) {
						t.Errorf("query %s = %q, want %q", k, r.Query.Get(k), want.Get(k))
					}
				}
			},
		},
		{
			name: "POST JSON with bearer token",
			cfg: sms.HTTPConfig{
				URL: gw.URL + "/api", Token: "tok-123", ContentType: "application/json; charset=utf-8",
				Body: `{"to":"{number}","text":"{text}","from":"{sender}"}`, Sender: `"Q"`,
			},
			check: func(t *testing.T, r gatewaytest.Request) {
				var got map[string]string
				if err := json.Unmarshal([]byte(r.Body), &got); err != nil {
					t.Fatalf("body is not JSON: %v\n%s", err, r.Body)
				}
				if got["to"] != testNumber || got["text"] != hostileText || got["from"] != `"Q"` {
					t.Errorf("decoded body %q", got)
				}
				if h := r.Header.Get("Authorization"); h != "Bearer tok-123" {
					t.Errorf("Authorization = %q", h)
				}
				if h := r.Header.Get("Content-Type"); h != "application/json; charset=utf-8" {
					t.Errorf("Content-Type = %q", h)
				}
			},
		},
		{
			name: "POST form with basic auth",
			cfg: sms.HTTPConfig{
				URL: gw.URL + "/form", User: "isp", Password: "pw", Method: "POST",
				ContentType: "application/x-www-form-urlencoded", Body: "to={number}&text={text}",
			},
			check: func(t *testing.T, r gatewaytest.Request) {
				got, err := url.ParseQuery(r.Body)
				if err != nil {
					t.Fatal(err)
				}
				if got.Get("to") != testNumber || got.Get("text") != hostileText || len(got) != 2 {
					t.Errorf("decoded form %q", got)
				}
				req := http.Request{Header: r.Header}
				if u, p, ok := req.BasicAuth(); !ok || u != "isp" || p != "pw" {
					t.Errorf("basic auth = %q %q %v", u, p, ok)
				}
			},
		},
		{
			name: "POST raw text",
			cfg:  sms.HTTPConfig{URL: gw.URL + "/raw?to={number}", ContentType: "text/plain", Body: "{text}"},
			check: func(t *testing.T, r gatewaytest.Request) {
				if r.Body != hostileText || r.Query.Get("to") != testNumber {
					t.Errorf("body %q to %q", r.Body, r.Query.Get("to"))
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.IDPattern = `"id":"([^"]+)"`
			g, err := sms.NewHTTPGateway(tt.cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			before := len(gw.Requests())
			id, err := g.Send(context.Background(), sms.Message{To: testNumber, Text: hostileText})
			if err != nil {
				t.Fatal(err)
			}
			reqs := gw.Requests()
			if len(reqs) != before+1 {
				t.Fatalf("gateway saw %d requests, want 1", len(reqs)-before)
			}
			if !strings.HasPrefix(id, "gw-") {
				t.Errorf("id = %q, want gw-N", id)
			}
			tt.check(t, reqs[len(reqs)-1])
		})
	}
}

func TestHTTPGatewayFailures(t *testing.T) {
	gw := gatewaytest.Start(t)
	const password, token = "pa55-w0rd", "t0ken-xyz"
	tests := []struct {
		name      string
		mode      gatewaytest.Mode
		timeout   time.Duration
		temporary bool
		code      int
		mention   string
	}{
		{"500 is temporary", gatewaytest.Mode500, time.Second, true, 500, "upstream SMSC unavailable"},
		{"400 is permanent", gatewaytest.Mode400, time.Second, false, 400, "invalid destination number"},
		{"hang times out as temporary", gatewaytest.ModeHang, 150 * time.Millisecond, true, 0, "deadline exceeded"},
	}
	for _, auth := range []string{"basic", "bearer"} {
		for _, tt := range tests {
			t.Run(auth+"/"+tt.name, func(t *testing.T) {
				cfg := sms.HTTPConfig{URL: gw.URL + "/send?key=" + token + "&to={number}&text={text}"}
				if auth == "basic" {
					cfg.User, cfg.Password = "isp", password
				} else {
					cfg.Token = token
				}
				g, err := sms.NewHTTPGateway(cfg, nil)
				if err != nil {
					t.Fatal(err)
				}
				gw.SetMode(tt.mode)
				defer gw.SetMode(gatewaytest.ModeOK)
				ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
				defer cancel()
				_, err = g.Send(ctx, sms.Message{To: testNumber, Text: "secret text"})
				if err == nil {
					t.Fatal("Send succeeded")
				}
				if sms.IsTemporary(err) != tt.temporary {
					t.Errorf("IsTemporary = %v, want %v (%v)", sms.IsTemporary(err), tt.temporary, err)
				}
				var se *sms.Error
				if !errors.As(err, &se) || se.Code != tt.code {
					t.Errorf("error %v: want *sms.Error with code %d", err, tt.code)
				}
				msg := err.Error()
				if !strings.Contains(msg, tt.mention) {
					t.Errorf("error %q should mention %q", msg, tt.mention)
				}
				for _, leak := range []string{password, token, "secret text", "777123456"} {
					if strings.Contains(msg, leak) {
						t.Errorf("error %q leaks %q", msg, leak)
					}
				}
			})
		}
	}
}

func TestHTTPGatewayErrorBodyTruncated(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(strings.Repeat("x", 1000)))
	}))
	defer srv.Close()
	g, err := sms.NewHTTPGateway(sms.HTTPConfig{URL: srv.URL + "/?{number}{text}"}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	_, err = g.Send(context.Background(), sms.Message{To: testNumber, Text: "hi"})
	if !sms.IsTemporary(err) {
		t.Fatalf("502 should be temporary: %v", err)
	}
	if n := strings.Count(err.Error(), "x"); n != sms.ErrBodyLimit {
		t.Fatalf("error quotes %d bytes of body, want %d", n, sms.ErrBodyLimit)
	}
}

func TestHTTPGatewayConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there now
	g, err := sms.NewHTTPGateway(sms.HTTPConfig{URL: "http://" + addr + "/?to={number}&t={text}"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = g.Send(context.Background(), sms.Message{To: testNumber, Text: "hi"})
	if err == nil || !sms.IsTemporary(err) {
		t.Fatalf("connection refused should be temporary, got %v", err)
	}
}

func TestHTTPGatewayTooLong(t *testing.T) {
	gw := gatewaytest.Start(t)
	g, err := sms.NewHTTPGateway(sms.HTTPConfig{URL: gw.URL + "/?{number}{text}"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = g.Send(context.Background(), sms.Message{To: testNumber, Text: strings.Repeat("a", 1531)})
	if !errors.Is(err, sms.ErrTooLong) || sms.IsTemporary(err) {
		t.Fatalf("got %v, want permanent sms.ErrTooLong", err)
	}
	if n := len(gw.Requests()); n != 0 {
		t.Fatalf("gateway got %d requests for a too-long text", n)
	}
}
