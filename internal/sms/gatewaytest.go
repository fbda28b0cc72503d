package sms

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
)

// GatewayMode selects how the test gateway answers.
type GatewayMode int

// Test gateway behaviours.
const (
	GatewayOK   GatewayMode = iota // 200 with {"id":"gw-N"}
	Gateway500                     // 500: provider trouble, temporary
	Gateway400                     // 400: request refused, permanent
	GatewayHang                    // never answers until the client gives up
)

// GatewayRequest is one request the test gateway received.
type GatewayRequest struct {
	Method, Path string
	Query        url.Values
	Header       http.Header
	Body         string
}

// TestGateway is an httptest server that records requests and fails on
// command. It is closed by t.Cleanup.
type TestGateway struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:12345.
	URL string

	srv  *httptest.Server
	stop chan struct{} // releases hanging handlers so Close does not block

	mu     sync.Mutex
	mode   GatewayMode
	reqs   []GatewayRequest
	nextID int
}

// StartTestGateway starts a recording HTTP SMS gateway in GatewayOK mode.
func StartTestGateway(t testing.TB) *TestGateway {
	t.Helper()
	g := &TestGateway{stop: make(chan struct{})}
	g.srv = httptest.NewServer(http.HandlerFunc(g.handle))
	g.URL = g.srv.URL
	t.Cleanup(func() {
		close(g.stop)
		g.srv.Close()
	})
	return g
}

// SetMode switches how later requests are answered.
func (g *TestGateway) SetMode(m GatewayMode) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.mode = m
}

// Requests returns every request received so far.
func (g *TestGateway) Requests() []GatewayRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]GatewayRequest(nil), g.reqs...)
}

func (g *TestGateway) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	g.mu.Lock()
	g.reqs = append(g.reqs, GatewayRequest{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: string(body),
	})
	mode := g.mode
	g.nextID++
	id := g.nextID
	g.mu.Unlock()
	switch mode {
	case Gateway500:
		http.Error(w, "upstream SMSC unavailable", http.StatusInternalServerError)
	case Gateway400:
		http.Error(w, `{"error":"invalid destination number"}`, http.StatusBadRequest)
	case GatewayHang:
		select {
		case <-r.Context().Done():
		case <-g.stop:
		}
	default:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"gw-%d","status":"queued"}`, id)
	}
}
