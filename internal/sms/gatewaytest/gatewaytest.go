// Package gatewaytest runs a recording HTTP SMS gateway for tests of the HTTP
// gateway transport and of the modules that send SMS through it. It lives apart
// from package sms so that httptest and testing are not linked into the binary.
package gatewaytest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
)

// Mode selects how the test gateway answers.
type Mode int

// Test gateway behaviours.
const (
	ModeOK   Mode = iota // 200 with {"id":"gw-N"}
	Mode500              // 500: provider trouble, temporary
	Mode400              // 400: request refused, permanent
	ModeHang             // never answers until the client gives up
)

// Request is one request the test gateway received.
type Request struct {
	Method, Path string
	Query        url.Values
	Header       http.Header
	Body         string
}

// Gateway is an httptest server that records requests and fails on
// command. It is closed by t.Cleanup.
type Gateway struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:12345.
	URL string

	srv  *httptest.Server
	stop chan struct{} // releases hanging handlers so Close does not block

	mu     sync.Mutex
	mode   Mode
	reqs   []Request
	nextID int
}

// Start starts a recording HTTP SMS gateway that answers ModeOK.
func Start(t testing.TB) *Gateway {
	t.Helper()
	g := &Gateway{stop: make(chan struct{})}
	g.srv = httptest.NewServer(http.HandlerFunc(g.handle))
	g.URL = g.srv.URL
	t.Cleanup(func() {
		close(g.stop)
		g.srv.Close()
	})
	return g
}

// SetMode switches how later requests are answered.
func (g *Gateway) SetMode(m Mode) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.mode = m
}

// Requests returns every request received so far.
func (g *Gateway) Requests() []Request {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Request(nil), g.reqs...)
}

func (g *Gateway) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	g.mu.Lock()
	g.reqs = append(g.reqs, Request{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: string(body),
	})
	mode := g.mode
	g.nextID++
	id := g.nextID
	g.mu.Unlock()
	switch mode {
	case Mode500:
		http.Error(w, "upstream SMSC unavailable", http.StatusInternalServerError)
	case Mode400:
		http.Error(w, `{"error":"invalid destination number"}`, http.StatusBadRequest)
	case ModeHang:
		select {
		case <-r.Context().Done():
		case <-g.stop:
		}
	default:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"gw-%d","status":"queued"}`, id)
	}
}
