package payments

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
	"github.com/stripe/stripe-go/v82"
)

// Checkout is what the portal asks a provider to collect: always the server's amount.
type Checkout struct {
	AttemptID   int64
	Amount      int64 // minor units
	Currency    string
	Description string
	Email       string
	SuccessURL  string
	CancelURL   string
}

// Outcome is what a provider says of a payment it took.
type Outcome struct {
	Ref      string
	State    string // one of the attempt states
	Amount   int64
	Currency string
}

// Provider is an online payment gateway: it starts a hosted payment and answers the
// state of one it started. Webhooks are provider-specific (see webhook.go).
type Provider interface {
	Name() string
	// FormAction is the CSP source of the provider's hosted page, which the pay forms'
	// redirect goes to (Chromium checks that redirect against form-action).
	FormAction() string
	// Start creates the hosted payment and returns its reference and the address the
	// subscriber is sent to.
	Start(ctx context.Context, co Checkout) (ref, url string, err error)
	// Status asks the provider for the state of a payment it started.
	Status(ctx context.Context, ref string) (Outcome, error)
}

// ErrNotConfigured: the provider has no keys, or the portal no public address.
var ErrNotConfigured = errors.New("payments: provider not configured")

// providers are the configured providers, card (Stripe) first: the subscriber
// chooses among them when there are several.
func (m *Module) providers() []Provider {
	var list []Provider
	if p, err := newStripe(m.d.Settings); err == nil {
		list = append(list, p)
	}
	if p, err := newPayPal(m.d.Settings, &m.tokens); err == nil {
		list = append(list, p)
	}
	return list
}

// provider is the configured provider of that name, or the first one for "" (a form
// offering one provider sends none); ErrNotConfigured otherwise.
func (m *Module) provider(name string) (Provider, error) {
	for _, p := range m.providers() {
		if name == "" || p.Name() == name {
			return p, nil
		}
	}
	return nil, ErrNotConfigured
}

// offer admits every configured provider's hosted page in the page's form-action
// (only the pay pages call it) and returns their names for the forms' buttons.
func (m *Module) offer(c *fiber.Ctx) []string {
	var names []string
	for _, p := range m.providers() {
		web.AllowFormAction(c, p.FormAction())
		names = append(names, p.Name())
	}
	return names
}

// stripeProvider takes payments with Stripe Checkout (card, SEPA debit, wallets: the
// payment methods switched on in the Stripe dashboard).
type stripeProvider struct{ sc *stripe.Client }

// newStripe builds the Stripe client from the settings; ErrNotConfigured without a key.
func newStripe(st *settings.Store) (*stripeProvider, error) {
	key := settings.StripeSecretKey.Get(st)
	if key == "" || settings.StripeWebhookSecret.Get(st) == "" {
		return nil, ErrNotConfigured
	}
	cfg := &stripe.BackendConfig{HTTPClient: &http.Client{Timeout: 30 * time.Second}, MaxNetworkRetries: stripe.Int64(2),
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull}} // errors are logged by the caller
	if u := settings.StripeAPIURL.Get(st); u != "" {
		cfg.URL = stripe.String(u)
	}
	backends := stripe.NewBackendsWithConfig(cfg)
	return &stripeProvider{sc: stripe.NewClient(key, stripe.WithBackends(backends))}, nil
}

func (p *stripeProvider) Name() string { return providerStripe }

// FormAction: Stripe Checkout's pages, whatever API address is configured (stripe-mock
// answers with checkout.stripe.com addresses too).
func (p *stripeProvider) FormAction() string { return "https://checkout.stripe.com" }

func (p *stripeProvider) Start(ctx context.Context, co Checkout) (string, string, error) {
	amount, err := toStripe(co.Currency, co.Amount)
	if err != nil {
		return "", "", err
	}
	params := &stripe.CheckoutSessionCreateParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModePayment)),
		SuccessURL:        stripe.String(co.SuccessURL),
		CancelURL:         stripe.String(co.CancelURL),
		ClientReferenceID: stripe.String(attemptRef(co.AttemptID)),
		LineItems: []*stripe.CheckoutSessionCreateLineItemParams{{
			Quantity: stripe.Int64(1),
			PriceData: &stripe.CheckoutSessionCreateLineItemPriceDataParams{
				Currency:    stripe.String(lower(co.Currency)),
				UnitAmount:  stripe.Int64(amount),
				ProductData: &stripe.CheckoutSessionCreateLineItemPriceDataProductDataParams{Name: stripe.String(co.Description)},
			},
		}},
	}
	if co.Email != "" {
		params.CustomerEmail = stripe.String(co.Email)
	}
	params.AddMetadata("attempt", attemptRef(co.AttemptID))
	// The attempt id makes a retried request one session, never two.
	params.SetIdempotencyKey("portal-attempt-" + attemptRef(co.AttemptID))
	s, err := p.sc.V1CheckoutSessions.Create(ctx, params)
	if err != nil {
		return "", "", err
	}
	return s.ID, s.URL, nil
}

func (p *stripeProvider) Status(ctx context.Context, ref string) (Outcome, error) {
	s, err := p.sc.V1CheckoutSessions.Retrieve(ctx, ref, nil)
	if err != nil {
		return Outcome{}, err
	}
	return sessionOutcome(s, ""), nil
}

// sessionOutcome maps a Checkout session (from the API or an event) to an outcome.
// eventType refines it: an async failure or an expiry.
func sessionOutcome(s *stripe.CheckoutSession, eventType stripe.EventType) Outcome {
	o := Outcome{Ref: s.ID, Amount: stripeAmount(string(s.Currency), s.AmountTotal), Currency: upper(string(s.Currency)), State: StatePending}
	switch {
	case eventType == stripe.EventTypeCheckoutSessionAsyncPaymentFailed:
		o.State = StateFailed
	case eventType == stripe.EventTypeCheckoutSessionExpired || s.Status == stripe.CheckoutSessionStatusExpired:
		o.State = StateExpired
	case s.PaymentStatus == stripe.CheckoutSessionPaymentStatusPaid:
		o.State = StatePaid
	case s.Status == stripe.CheckoutSessionStatusComplete:
		o.State = StateProcessing // SEPA debit: accepted, money on its way
	}
	return o
}

// customer creates the provider's customer of a client (for saved payment methods).
func (p *stripeProvider) customer(ctx context.Context, clientNumber, email string) (string, error) {
	params := &stripe.CustomerCreateParams{}
	if email != "" {
		params.Email = stripe.String(email)
	}
	params.AddMetadata("client", clientNumber)
	c, err := p.sc.V1Customers.Create(ctx, params)
	if err != nil {
		return "", err
	}
	return c.ID, nil
}

// setup starts a Checkout session in setup mode: the subscriber saves a card or a
// SEPA mandate for later off-session charges.
func (p *stripeProvider) setup(ctx context.Context, customer, currency, success, cancel string) (string, error) {
	s, err := p.sc.V1CheckoutSessions.Create(ctx, &stripe.CheckoutSessionCreateParams{
		Mode: stripe.String(string(stripe.CheckoutSessionModeSetup)), Customer: stripe.String(customer),
		Currency: stripe.String(lower(currency)), SuccessURL: stripe.String(success), CancelURL: stripe.String(cancel)})
	if err != nil {
		return "", err
	}
	return s.URL, nil
}

// methodLabel describes a saved payment method: "visa •••• 4242", "SEPA •••• 3000".
func (p *stripeProvider) methodLabel(ctx context.Context, id string) (string, error) {
	pm, err := p.sc.V1PaymentMethods.Retrieve(ctx, id, nil)
	if err != nil {
		return "", err
	}
	switch {
	case pm.Card != nil:
		return string(pm.Card.Brand) + " •••• " + pm.Card.Last4, nil
	case pm.SEPADebit != nil:
		return "SEPA •••• " + pm.SEPADebit.Last4, nil
	}
	return string(pm.Type), nil
}

// detach removes a saved payment method at the provider.
func (p *stripeProvider) detach(ctx context.Context, id string) error {
	_, err := p.sc.V1PaymentMethods.Detach(ctx, id, nil)
	return err
}

// charge charges a saved payment method off-session; the outcome is the
// PaymentIntent's state: paid, processing, or failed with the provider's reason.
func (p *stripeProvider) charge(ctx context.Context, customer, method string, amount int64, currency, key string) (ref, state, reason string, err error) {
	minor, err := toStripe(currency, amount)
	if err != nil {
		return "", StateFailed, "amount_precision", nil
	}
	params := &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(minor), Currency: stripe.String(lower(currency)),
		Customer: stripe.String(customer), PaymentMethod: stripe.String(method), OffSession: stripe.Bool(true), Confirm: stripe.Bool(true)}
	params.SetIdempotencyKey(key)
	pi, err := p.sc.V1PaymentIntents.Create(ctx, params)
	if err != nil {
		var se *stripe.Error
		if errors.As(err, &se) && se.Type == stripe.ErrorTypeCard {
			return "", StateFailed, string(se.Code), nil // declined: a failed try, not an error of ours
		}
		return "", "", "", err
	}
	switch pi.Status {
	case stripe.PaymentIntentStatusSucceeded:
		return pi.ID, StatePaid, "", nil
	case stripe.PaymentIntentStatusProcessing:
		return pi.ID, StateProcessing, "", nil
	}
	return pi.ID, StateFailed, string(pi.Status), nil
}

// stripeAmount is a Stripe amount in the portal's hundredths; one the portal cannot
// hold is -1, which matches no attempt (a mismatch, refused and audited).
func stripeAmount(currency string, v int64) int64 {
	a, err := fromStripe(currency, v)
	if err != nil {
		return -1
	}
	return a
}
