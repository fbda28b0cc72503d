// Package paypaltest is a local PayPal REST server for tests (PayPal ships no mock).
// It follows PayPal's published request and response shapes for what the portal
// uses: the OAuth2 client-credentials token (/v1/oauth2/token), Orders v2 create,
// show and capture (/v2/checkout/orders, /v2/checkout/orders/{id},
// /v2/checkout/orders/{id}/capture, PayPal-Request-Id idempotency, 422 issues such as
// ORDER_NOT_APPROVED and ORDER_ALREADY_CAPTURED, DECIMAL_PRECISION for a decimal
// amount in HUF, JPY or TWD) and webhook signature verification
// (/v1/notifications/verify-webhook-signature). What a buyer does on PayPal's pages is
// done by Approve, Deny and PayAmount; Event builds a webhook as PayPal posts it,
// with transmission headers only this server verifies as SUCCESS. Only tests import it.
package paypaltest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Credentials tests configure.
const (
	ClientID  = "portal-test-client"
	Secret    = "portal-test-secret"
	WebhookID = "1JE4291016473214C"
	// ApproveHost is where orders send the buyer (PayPal's sandbox checkout).
	ApproveHost = "https://www.sandbox.paypal.com"
)

// Server is a running test server.
type Server struct {
	URL string

	mu       sync.Mutex
	seq      int
	token    string
	orders   map[string]*order
	requests map[string]string // PayPal-Request-Id → order id
	key      []byte            // signs webhook transmissions
	// Captures counts capture calls that reached an approved order.
	Captures int
}

type money struct {
	CurrencyCode string `json:"currency_code"`
	Value        string `json:"value"`
}

type order struct {
	ID        string
	Status    string // PAYER_ACTION_REQUIRED, APPROVED, COMPLETED
	Amount    money
	CustomID  string
	RefID     string
	Deny      bool
	PaidValue string // what the buyer paid, when a test tampers with it
	CaptureID string
	CaptureSt string
	ReturnURL string
	CancelURL string
}

// Start runs the server until the test ends.
func Start(t testing.TB) *Server {
	s := &Server{orders: map[string]*order{}, requests: map[string]string{}, key: []byte("paypaltest-transmission-key"),
		token: "A21AAtest" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/oauth2/token", s.tokenHandler)
	mux.HandleFunc("POST /v2/checkout/orders", s.auth(s.create))
	mux.HandleFunc("GET /v2/checkout/orders/{id}", s.auth(s.show))
	mux.HandleFunc("POST /v2/checkout/orders/{id}/capture", s.auth(s.capture))
	mux.HandleFunc("POST /v1/notifications/verify-webhook-signature", s.auth(s.verify))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	s.URL = ts.URL
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Paypal-Debug-Id", "f1e2d3c4b5a69")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// problem is PayPal's error body: name, message, debug_id, details[].issue.
func problem(w http.ResponseWriter, status int, name, issue, desc string) {
	body := map[string]any{"name": name, "message": desc, "debug_id": "f1e2d3c4b5a69"}
	if issue != "" {
		body["details"] = []map[string]string{{"issue": issue, "description": desc}}
	}
	writeJSON(w, status, body)
}

func (s *Server) tokenHandler(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok || id != ClientID || secret != Secret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "Client Authentication failed"})
		return
	}
	if r.ParseForm() != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type", "error_description": "Grant Type is NULL"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"scope": "https://uri.paypal.com/services/payments/payment", "access_token": s.token,
		"token_type": "Bearer", "app_id": "APP-80W284485P519543T", "expires_in": 32400, "nonce": "2026-12-03T08:00:00Zabc"})
}

func (s *Server) auth(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+s.token {
			problem(w, http.StatusUnauthorized, "AUTHENTICATION_FAILURE", "", "Authentication failed due to invalid authentication credentials or a missing Authorization header.")
			return
		}
		h(w, r)
	}
}

var (
	twoDecimals  = regexp.MustCompile(`^[0-9]{1,10}(\.[0-9]{1,2})?$`)
	noDecimals   = map[string]bool{"HUF": true, "JPY": true, "TWD": true}
	currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)
)

type createReq struct {
	Intent        string `json:"intent"`
	PurchaseUnits []struct {
		ReferenceID string `json:"reference_id"`
		CustomID    string `json:"custom_id"`
		Description string `json:"description"`
		Amount      money  `json:"amount"`
	} `json:"purchase_units"`
	PaymentSource struct {
		PayPal struct {
			ExperienceContext struct {
				ReturnURL string `json:"return_url"`
				CancelURL string `json:"cancel_url"`
			} `json:"experience_context"`
		} `json:"paypal"`
	} `json:"payment_source"`
}

func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	var req createReq
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		problem(w, http.StatusBadRequest, "INVALID_REQUEST", "MALFORMED_REQUEST_JSON", "The request JSON is not well formed.")
		return
	}
	if req.Intent != "CAPTURE" && req.Intent != "AUTHORIZE" {
		problem(w, http.StatusBadRequest, "INVALID_REQUEST", "INVALID_PARAMETER_VALUE", "intent")
		return
	}
	if len(req.PurchaseUnits) != 1 {
		problem(w, http.StatusBadRequest, "INVALID_REQUEST", "MISSING_REQUIRED_PARAMETER", "purchase_units")
		return
	}
	pu := req.PurchaseUnits[0]
	if !currencyCode.MatchString(pu.Amount.CurrencyCode) || !twoDecimals.MatchString(pu.Amount.Value) {
		problem(w, http.StatusBadRequest, "INVALID_REQUEST", "INVALID_PARAMETER_VALUE", "purchase_units[0].amount")
		return
	}
	if noDecimals[pu.Amount.CurrencyCode] && strings.Contains(pu.Amount.Value, ".") {
		problem(w, http.StatusUnprocessableEntity, "UNPROCESSABLE_ENTITY", "DECIMAL_PRECISION", "If the currency supports decimals, only two decimal place precision is supported.")
		return
	}
	ec := req.PaymentSource.PayPal.ExperienceContext
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, ok := s.requests[r.Header.Get("PayPal-Request-Id")]; ok && r.Header.Get("PayPal-Request-Id") != "" {
		writeJSON(w, http.StatusOK, s.orderJSON(s.orders[id]))
		return
	}
	s.seq++
	o := &order{ID: fmt.Sprintf("5O%014dT", s.seq), Status: "PAYER_ACTION_REQUIRED", Amount: pu.Amount, CustomID: pu.CustomID,
		RefID: pu.ReferenceID, ReturnURL: ec.ReturnURL, CancelURL: ec.CancelURL}
	s.orders[o.ID] = o
	if k := r.Header.Get("PayPal-Request-Id"); k != "" {
		s.requests[k] = o.ID
	}
	writeJSON(w, http.StatusCreated, s.orderJSON(o))
}

// orderJSON is an order as Orders v2 answers it (the parts a merchant reads).
func (s *Server) orderJSON(o *order) map[string]any {
	self := s.URL + "/v2/checkout/orders/" + o.ID
	links := []map[string]string{{"href": self, "rel": "self", "method": "GET"}}
	if o.Status == "PAYER_ACTION_REQUIRED" {
		links = append(links, map[string]string{"href": ApproveHost + "/checkoutnow?token=" + o.ID, "rel": "payer-action", "method": "GET"})
	}
	if o.Status == "APPROVED" {
		links = append(links, map[string]string{"href": self + "/capture", "rel": "capture", "method": "POST"})
	}
	pu := map[string]any{"reference_id": o.RefID, "custom_id": o.CustomID, "amount": o.Amount}
	if o.CaptureID != "" {
		pu["payments"] = map[string]any{"captures": []any{s.captureJSON(o)}}
	}
	return map[string]any{"id": o.ID, "intent": "CAPTURE", "status": o.Status, "payment_source": map[string]any{"paypal": map[string]any{}},
		"purchase_units": []any{pu}, "links": links}
}

// captureJSON is a capture as PayPal answers it, and as the resource of
// PAYMENT.CAPTURE.* webhooks.
func (s *Server) captureJSON(o *order) map[string]any {
	amt := o.Amount
	if o.PaidValue != "" {
		amt.Value = o.PaidValue
	}
	c := map[string]any{"id": o.CaptureID, "status": o.CaptureSt, "amount": amt, "final_capture": true, "custom_id": o.CustomID,
		"seller_protection":  map[string]any{"status": "ELIGIBLE"},
		"supplementary_data": map[string]any{"related_ids": map[string]string{"order_id": o.ID}},
		"links":              []map[string]string{{"href": s.URL + "/v2/checkout/orders/" + o.ID, "rel": "up", "method": "GET"}},
		"create_time":        "2026-12-03T08:30:00Z", "update_time": "2026-12-03T08:30:00Z"}
	if o.CaptureSt == "DECLINED" {
		c["status_details"] = map[string]string{"reason": "DECLINED_BY_RISK_FRAUD_FILTERS"}
	}
	return c
}

func (s *Server) show(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[r.PathValue("id")]
	if !ok {
		problem(w, http.StatusNotFound, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID", "Specified resource ID does not exist.")
		return
	}
	writeJSON(w, http.StatusOK, s.orderJSON(o))
}

func (s *Server) capture(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[r.PathValue("id")]
	switch {
	case !ok:
		problem(w, http.StatusNotFound, "RESOURCE_NOT_FOUND", "INVALID_RESOURCE_ID", "Specified resource ID does not exist.")
		return
	case o.Status == "COMPLETED":
		problem(w, http.StatusUnprocessableEntity, "UNPROCESSABLE_ENTITY", "ORDER_ALREADY_CAPTURED", "Order already captured.")
		return
	case o.Status != "APPROVED":
		problem(w, http.StatusUnprocessableEntity, "UNPROCESSABLE_ENTITY", "ORDER_NOT_APPROVED", "Payer has not yet approved the Order for payment.")
		return
	}
	s.Captures++
	o.Status, o.CaptureID, o.CaptureSt = "COMPLETED", fmt.Sprintf("3C%014dF", s.seq*7+s.Captures), "COMPLETED"
	if o.Deny {
		o.CaptureSt = "DECLINED"
	}
	writeJSON(w, http.StatusCreated, s.orderJSON(o))
}

// Approve is the buyer approving the order on PayPal's page.
func (s *Server) Approve(id string) { s.set(id, func(o *order) { o.Status = "APPROVED" }) }

// Deny makes the order's capture come back DECLINED (the buyer's funding refused).
func (s *Server) Deny(id string) { s.set(id, func(o *order) { o.Deny = true }) }

// PayAmount makes the capture report another value than the order's (a tampered
// payment, for the portal to refuse).
func (s *Server) PayAmount(id, value string) { s.set(id, func(o *order) { o.PaidValue = value }) }

func (s *Server) set(id string, f func(*order)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.orders[id]; ok {
		f(o)
	}
}

// Order returns an order's status and the return address the portal gave.
func (s *Server) Order(id string) (status, returnURL, cancelURL string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.orders[id]; ok {
		return o.Status, o.ReturnURL, o.CancelURL
	}
	return "", "", ""
}

// Event builds a webhook event about an order as PayPal posts it: CHECKOUT.ORDER.*
// carry the order, PAYMENT.CAPTURE.* its capture (captured first if the test has
// not). It returns the body and the transmission headers, signed for WebhookID.
func (s *Server) Event(eventID, eventType, orderID string) ([]byte, http.Header) {
	s.mu.Lock()
	o := s.orders[orderID]
	if o == nil {
		o = &order{ID: orderID, Status: "APPROVED", Amount: money{"CZK", "1.00"}}
	}
	var resource any
	resourceType := "checkout-order"
	if strings.HasPrefix(eventType, "PAYMENT.CAPTURE.") {
		resourceType = "capture"
		if o.CaptureID == "" {
			o.CaptureID, o.Status = "3C"+orderID, "COMPLETED"
		}
		o.CaptureSt = "COMPLETED"
		if eventType == "PAYMENT.CAPTURE.DENIED" {
			o.CaptureSt = "DECLINED"
		}
		resource = s.captureJSON(o)
	} else {
		resource = s.orderJSON(o)
	}
	s.mu.Unlock()
	body, _ := json.Marshal(map[string]any{"id": eventID, "event_version": "1.0", "create_time": "2026-12-03T08:30:01.000Z",
		"resource_type": resourceType, "resource_version": "2.0", "event_type": eventType, "summary": "test event", "resource": resource})
	return body, s.Sign(body, WebhookID)
}

// Sign returns the transmission headers PayPal sends with a webhook body for a
// webhook id (this server's own key stands for PayPal's certificate).
func (s *Server) Sign(body []byte, webhookID string) http.Header {
	id, at := "69cd13f0-d67a-11e5-baa3-778b53f4ae55", time.Now().UTC().Format(time.RFC3339)
	h := http.Header{}
	h.Set("Paypal-Transmission-Id", id)
	h.Set("Paypal-Transmission-Time", at)
	h.Set("Paypal-Transmission-Sig", s.sig(id, at, webhookID, body))
	h.Set("Paypal-Auth-Algo", "SHA256withRSA")
	h.Set("Paypal-Cert-Url", "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270")
	return h
}

// sig stands for PayPal's SHA256withRSA signature of
// "<transmission id>|<time>|<webhook id>|<crc32 of the body>".
func (s *Server) sig(id, at, webhookID string, body []byte) string {
	var compact bytes.Buffer
	if json.Compact(&compact, body) != nil {
		return ""
	}
	m := hmac.New(sha256.New, s.key)
	fmt.Fprintf(m, "%s|%s|%s|%d", id, at, webhookID, crc32.ChecksumIEEE(compact.Bytes()))
	return base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(m.Sum(nil))))
}

type verifyReq struct {
	AuthAlgo         string          `json:"auth_algo"`
	CertURL          string          `json:"cert_url"`
	TransmissionID   string          `json:"transmission_id"`
	TransmissionSig  string          `json:"transmission_sig"`
	TransmissionTime string          `json:"transmission_time"`
	WebhookID        string          `json:"webhook_id"`
	WebhookEvent     json.RawMessage `json:"webhook_event"`
}

// verify answers verification_status SUCCESS only for an event and headers Sign
// made for the registered WebhookID; anything else FAILURE (as PayPal does).
func (s *Server) verify(w http.ResponseWriter, r *http.Request) {
	var req verifyReq
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		problem(w, http.StatusBadRequest, "INVALID_REQUEST", "MALFORMED_REQUEST_JSON", "The request JSON is not well formed.")
		return
	}
	for _, f := range []string{req.AuthAlgo, req.CertURL, req.TransmissionID, req.TransmissionSig, req.TransmissionTime, req.WebhookID} {
		if f == "" {
			problem(w, http.StatusBadRequest, "VALIDATION_ERROR", "MISSING_REQUIRED_PARAMETER", "Invalid request - see details")
			return
		}
	}
	status := "FAILURE"
	want := s.sig(req.TransmissionID, req.TransmissionTime, req.WebhookID, req.WebhookEvent)
	if req.WebhookID == WebhookID && want != "" && hmac.Equal([]byte(want), []byte(req.TransmissionSig)) {
		status = "SUCCESS"
	}
	writeJSON(w, http.StatusOK, map[string]string{"verification_status": status})
}
