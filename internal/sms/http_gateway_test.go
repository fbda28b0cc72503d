package sms

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
)

// hostileText exercises every escaping context: query/form separators,
// JSON quotes and backslashes, a newline, non-GSM letters, an emoji and a
// literal placeholder that must not be expanded twice.
const hostileText = "Tom & Jerry \"quoted\" 'single' a=b+c%20 \\ ř😀\nline2 {number} <tag>"

const testNumber = "+420777123456"

func TestNewHTTPGatewayValidation(t *testing.T) {
	ok := HTTPConfig{URL: "https://gw.example/send?to={number}&text={text}"}
	tests := []struct {
		name    string
		mutate  func(*HTTPConfig)
		wantErr string
	}{
		{"valid GET", func(*HTTPConfig) {}, ""},
		{"lower-case method", func(c *HTTPConfig) { c.Method = "post"; c.Body = "x" }, ""},
		{"empty URL", func(c *HTTPConfig) { c.URL = "" }, "URL is required"},
		{"ftp scheme", func(c *HTTPConfig) { c.URL = "ftp://gw.example/{number}/{text}" }, "http or https"},
		{"javascript scheme", func(c *HTTPConfig) { c.URL = "javascript:alert({number}{text})" }, "http or https"},
		{"no host", func(c *HTTPConfig) { c.URL = "http:///send?{number}{text}" }, "no host"},
		{"credentials in URL", func(c *HTTPConfig) { c.URL = "https://u:hunter2@gw.example/?{number}{text}" }, "must not contain credentials"},
		{"PUT", func(c *HTTPConfig) { c.Method = "PUT" }, "GET or POST"},
		{"GET with body", func(c *HTTPConfig) { c.Method = "GET"; c.Body = "x" }, "needs method POST"},
		{"missing text", func(c *HTTPConfig) { c.URL = "https://gw.example/?to={number}" }, "{number} and {text}"},
		{"user and token", func(c *HTTPConfig) { c.User, c.Token = "u", "t" }, "not both"},
		{"id pattern without group", func(c *HTTPConfig) { c.IDPattern = "id" }, "capture group"},
		{"broken id pattern", func(c *HTTPConfig) { c.IDPattern = "(" }, "capture group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ok
			tt.mutate(&cfg)
			_, err := NewHTTPGateway(cfg, nil)
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
	gw := StartTestGateway(t)
	tests := []struct {
		name  string
		cfg   HTTPConfig
		check func(t *testing.T, r GatewayRequest)
	}{
		{
			name: "GET with query placeholders",
			cfg:  HTTPConfig{URL: gw.URL + "/send?to={number}&msg={text}&from={sender}", Sender: "ISP & Co"},
			check: func(t *testing.T, r GatewayRequest) {
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
			cfg: HTTPConfig{
				URL: gw.URL + "/api", Token: "tok-123", ContentType: "application/json; charset=utf-8",
				Body: `{"to":"{number}","text":"{text}","from":"{sender}"}`, Sender: `"Q"`,
			},
			check: func(t *testing.T, r GatewayRequest) {
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
			cfg: HTTPConfig{
				URL: gw.URL + "/form", User: "isp", Password: "pw", Method: "POST",
				ContentType: "application/x-www-form-urlencoded", Body: "to={number}&text={text}",
			},
			check: func(t *testing.T, r GatewayRequest) {
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
			cfg:  HTTPConfig{URL: gw.URL + "/raw?to={number}", ContentType: "text/plain", Body: "{text}"},
			check: func(t *testing.T, r GatewayRequest) {
				if r.Body != hostileText || r.Query.Get("to") != testNumber {
					t.Errorf("body %q to %q", r.Body, r.Query.Get("to"))
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.IDPattern = `"id":"([^"]+)"`
			g, err := NewHTTPGateway(tt.cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			before := len(gw.Requests())
			id, err := g.Send(context.Background(), Message{To: testNumber, Text: hostileText})
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
	gw := StartTestGateway(t)
	const password, token = "pa55-w0rd", "t0ken-xyz"
	tests := []struct {
		name      string
		mode      GatewayMode
		timeout   time.Duration
		temporary bool
		code      int
		mention   string
	}{
		{"500 is temporary", Gateway500, time.Second, true, 500, "upstream SMSC unavailable"},
		{"400 is permanent", Gateway400, time.Second, false, 400, "invalid destination number"},
		{"hang times out as temporary", GatewayHang, 150 * time.Millisecond, true, 0, "deadline exceeded"},
	}
	for _, auth := range []string{"basic", "bearer"} {
		for _, tt := range tests {
			t.Run(auth+"/"+tt.name, func(t *testing.T) {
				cfg := HTTPConfig{URL: gw.URL + "/send?key=" + token + "&to={number}&text={text}"}
				if auth == "basic" {
					cfg.User, cfg.Password = "isp", password
				} else {
					cfg.Token = token
				}
				g, err := NewHTTPGateway(cfg, nil)
				if err != nil {
					t.Fatal(err)
				}
				gw.SetMode(tt.mode)
				defer gw.SetMode(GatewayOK)
				ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
				defer cancel()
				_, err = g.Send(ctx, Message{To: testNumber, Text: "secret text"})
				if err == nil {
					t.Fatal("Send succeeded")
				}
				if IsTemporary(err) != tt.temporary {
					t.Errorf("IsTemporary = %v, want %v (%v)", IsTemporary(err), tt.temporary, err)
				}
				var se *Error
				if !errors.As(err, &se) || se.Code != tt.code {
					t.Errorf("error %v: want *Error with code %d", err, tt.code)
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
	g, err := NewHTTPGateway(HTTPConfig{URL: srv.URL + "/?{number}{text}"}, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	_, err = g.Send(context.Background(), Message{To: testNumber, Text: "hi"})
	if !IsTemporary(err) {
		t.Fatalf("502 should be temporary: %v", err)
	}
	if n := strings.Count(err.Error(), "x"); n != errBodyLimit {
		t.Fatalf("error quotes %d bytes of body, want %d", n, errBodyLimit)
	}
}

func TestHTTPGatewayConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // nothing listens there now
	g, err := NewHTTPGateway(HTTPConfig{URL: "http://" + addr + "/?to={number}&t={text}"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = g.Send(context.Background(), Message{To: testNumber, Text: "hi"})
	if err == nil || !IsTemporary(err) {
		t.Fatalf("connection refused should be temporary, got %v", err)
	}
}

func TestHTTPGatewayTooLong(t *testing.T) {
	gw := StartTestGateway(t)
	g, err := NewHTTPGateway(HTTPConfig{URL: gw.URL + "/?{number}{text}"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = g.Send(context.Background(), Message{To: testNumber, Text: strings.Repeat("a", 1531)})
	if !errors.Is(err, ErrTooLong) || IsTemporary(err) {
		t.Fatalf("got %v, want permanent ErrTooLong", err)
	}
	if n := len(gw.Requests()); n != 0 {
		t.Fatalf("gateway got %d requests for a too-long text", n)
	}
}
