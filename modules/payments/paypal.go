package payments

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ispportal/portal/settings"
)

// paypalProvider takes payments with PayPal Orders v2 (intent CAPTURE): the order is
// created for the server's amount, the subscriber approves it on PayPal's page, and
// the portal captures it on the return (or on the CHECKOUT.ORDER.APPROVED webhook).
// Plain net/http and encoding/json against PayPal's REST API.
type paypalProvider struct {
	base, clientID, secret, webhookID string
	hc                                *http.Client
	tokens                            *tokenCache
}

const (
	providerPayPal = "paypal"
	paypalLive     = "https://api-m.paypal.com"
)

// tokenCache keeps the OAuth2 access token between requests (PayPal's tokens live
// hours; asking for one per call is what PayPal asks integrations not to do).
type tokenCache struct {
	mu    sync.Mutex
	key   string // base + client id + secret the token is for
	token string
	until time.Time
}

// newPayPal builds the PayPal client from the settings; ErrNotConfigured without the
// client id, secret and webhook id.
func newPayPal(st *settings.Store, tokens *tokenCache) (*paypalProvider, error) {
	p := &paypalProvider{base: strings.TrimRight(settings.PayPalAPIURL.Get(st), "/"), clientID: settings.PayPalClientID.Get(st),
		secret: settings.PayPalSecret.Get(st), webhookID: settings.PayPalWebhookID.Get(st),
		hc:     &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		tokens: tokens}
	if p.base == "" || p.clientID == "" || p.secret == "" || p.webhookID == "" {
		return nil, ErrNotConfigured
	}
	return p, nil
}

func (p *paypalProvider) Name() string { return providerPayPal }

// FormAction: PayPal's checkout pages, live or sandbox by the API address.
func (p *paypalProvider) FormAction() string {
	if p.base == paypalLive {
		return "https://www.paypal.com"
	}
	return "https://www.sandbox.paypal.com"
}

// paypalError is PayPal's error body (name, details[].issue); Status is the HTTP one.
type paypalError struct {
	Status  int
	Name    string `json:"name"`
	Details []struct {
		Issue string `json:"issue"`
	} `json:"details"`
}

func (e *paypalError) Error() string {
	return fmt.Sprintf("paypal: %d %s %s", e.Status, e.Name, e.issue())
}

func (e *paypalError) issue() string {
	if len(e.Details) > 0 {
		return e.Details[0].Issue
	}
	return ""
}

// token returns a cached access token or asks for one (client credentials).
func (p *paypalProvider) token(ctx context.Context) (string, error) {
	key := p.base + "\x00" + p.clientID + "\x00" + p.secret
	p.tokens.mu.Lock()
	defer p.tokens.mu.Unlock()
	if p.tokens.key == key && time.Now().Before(p.tokens.until) {
		return p.tokens.token, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.base+"/v1/oauth2/token",
		strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	if err != nil {
		return "", err
	}
	req.SetBasicAuth(p.clientID, p.secret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := p.send(req, &out); err != nil {
		return "", err
	}
	if out.AccessToken == "" {
		return "", errors.New("paypal: no access token")
	}
	// Renewed five minutes before PayPal's expiry.
	p.tokens.key, p.tokens.token = key, out.AccessToken
	p.tokens.until = time.Now().Add(time.Duration(out.ExpiresIn)*time.Second - 5*time.Minute)
	return out.AccessToken, nil
}

// call sends one JSON request with the access token; idem is PayPal-Request-Id.
func (p *paypalProvider) call(ctx context.Context, method, path string, body any, idem string, out any) error {
	tok, err := p.token(ctx)
	if err != nil {
		return err
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if idem != "" {
		req.Header.Set("PayPal-Request-Id", idem)
	}
	return p.send(req, out)
}

func (p *paypalProvider) send(req *http.Request, out any) error {
	resp, err := p.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		e := &paypalError{Status: resp.StatusCode}
		json.Unmarshal(b, e) // the status alone says enough when the body is not PayPal's
		return e
	}
	return json.Unmarshal(b, out)
}

type ppMoney struct {
	CurrencyCode string `json:"currency_code"`
	Value        string `json:"value"`
}

type ppCapture struct {
	ID                string  `json:"id"`
	Status            string  `json:"status"`
	Amount            ppMoney `json:"amount"`
	SupplementaryData struct {
		RelatedIDs struct {
			OrderID string `json:"order_id"`
		} `json:"related_ids"`
	} `json:"supplementary_data"`
}

type ppOrder struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	PurchaseUnits []struct {
		Amount   ppMoney `json:"amount"`
		Payments struct {
			Captures []ppCapture `json:"captures"`
		} `json:"payments"`
	} `json:"purchase_units"`
	Links []struct {
		Href string `json:"href"`
		Rel  string `json:"rel"`
	} `json:"links"`
}

func (p *paypalProvider) Start(ctx context.Context, co Checkout) (string, string, error) {
	value, err := toPayPal(co.Currency, co.Amount)
	if err != nil {
		return "", "", err
	}
	ref := attemptRef(co.AttemptID)
	body := map[string]any{
		"intent": "CAPTURE",
		"purchase_units": []any{map[string]any{"reference_id": ref, "custom_id": ref, "description": co.Description,
			"amount": ppMoney{CurrencyCode: upper(co.Currency), Value: value}}},
		"payment_source": map[string]any{"paypal": map[string]any{"experience_context": map[string]any{
			"return_url": co.SuccessURL, "cancel_url": co.CancelURL, "user_action": "PAY_NOW", "shipping_preference": "NO_SHIPPING"}}},
	}
	var o ppOrder
	// The attempt id makes a retried request one order, never two.
	if err := p.call(ctx, http.MethodPost, "/v2/checkout/orders", body, "portal-attempt-"+ref, &o); err != nil {
		return "", "", err
	}
	for _, l := range o.Links {
		if (l.Rel == "payer-action" || l.Rel == "approve") && strings.HasPrefix(l.Href, p.FormAction()+"/") {
			return o.ID, l.Href, nil
		}
	}
	return "", "", fmt.Errorf("paypal: order %s without an approve link on %s", o.ID, p.FormAction())
}

// Status reads the order and captures it when the buyer has approved it (the return
// from PayPal): the outcome is the capture's. A capture PayPal already made (the
// webhook came first) is read, not made again.
func (p *paypalProvider) Status(ctx context.Context, ref string) (Outcome, error) {
	var o ppOrder
	if err := p.call(ctx, http.MethodGet, "/v2/checkout/orders/"+url.PathEscape(ref), nil, "", &o); err != nil {
		return Outcome{}, err
	}
	if o.Status == "APPROVED" {
		return p.capture(ctx, ref)
	}
	return orderOutcome(o), nil
}

// capture captures an approved order. A declined instrument is a failed payment.
func (p *paypalProvider) capture(ctx context.Context, ref string) (Outcome, error) {
	var o ppOrder
	err := p.call(ctx, http.MethodPost, "/v2/checkout/orders/"+url.PathEscape(ref)+"/capture", map[string]any{}, "portal-capture-"+ref, &o)
	var pe *paypalError
	switch {
	case errors.As(err, &pe) && pe.issue() == "ORDER_ALREADY_CAPTURED":
		if err := p.call(ctx, http.MethodGet, "/v2/checkout/orders/"+url.PathEscape(ref), nil, "", &o); err != nil {
			return Outcome{}, err
		}
	case errors.As(err, &pe) && pe.issue() == "INSTRUMENT_DECLINED":
		return Outcome{Ref: ref, State: StateFailed}, nil
	case errors.As(err, &pe) && pe.issue() == "ORDER_NOT_APPROVED":
		return Outcome{Ref: ref, State: StatePending}, nil
	case err != nil:
		return Outcome{}, err
	}
	return orderOutcome(o), nil
}

// orderOutcome maps an order (with its capture, if any) to an outcome.
func orderOutcome(o ppOrder) Outcome {
	out := Outcome{Ref: o.ID, State: StatePending}
	if o.Status == "VOIDED" {
		out.State = StateCancelled
	}
	for _, pu := range o.PurchaseUnits {
		if len(pu.Payments.Captures) > 0 {
			return captureOutcome(o.ID, pu.Payments.Captures[0])
		}
	}
	return out
}

// captureOutcome maps a capture: COMPLETED is paid (with the captured amount, which
// Apply checks), PENDING processing, DECLINED or FAILED failed.
func captureOutcome(orderID string, c ppCapture) Outcome {
	out := Outcome{Ref: orderID, State: StatePending, Currency: upper(c.Amount.CurrencyCode), Amount: -1}
	if v, err := fromPayPal(c.Amount.CurrencyCode, c.Amount.Value); err == nil {
		out.Amount = v
	}
	switch c.Status {
	case "COMPLETED":
		out.State = StatePaid
	case "PENDING":
		out.State = StateProcessing
	case "DECLINED", "FAILED":
		out.State = StateFailed
	}
	return out
}

// verify asks PayPal whether a webhook's transmission is genuine for the configured
// webhook id (POST /v1/notifications/verify-webhook-signature). The event is passed
// as received.
func (p *paypalProvider) verify(ctx context.Context, h func(string) string, body []byte) (bool, error) {
	req := map[string]any{"auth_algo": h("Paypal-Auth-Algo"), "cert_url": h("Paypal-Cert-Url"), "transmission_id": h("Paypal-Transmission-Id"),
		"transmission_sig": h("Paypal-Transmission-Sig"), "transmission_time": h("Paypal-Transmission-Time"), "webhook_id": p.webhookID,
		"webhook_event": json.RawMessage(body)}
	for _, k := range []string{"auth_algo", "cert_url", "transmission_id", "transmission_sig", "transmission_time"} {
		if req[k] == "" {
			return false, nil
		}
	}
	var out struct {
		Status string `json:"verification_status"`
	}
	if err := p.call(ctx, http.MethodPost, "/v1/notifications/verify-webhook-signature", req, "", &out); err != nil {
		return false, err
	}
	return out.Status == "SUCCESS", nil
}
