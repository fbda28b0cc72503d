package settings

import (
	"fmt"
	"regexp"
	"strings"
)

// Payments: online payments (modules/payments) and vouchers (modules/vouchers).
var (
	PaymentsEnable = boolean(Def{Key: "ci_payments_enable", Default: "0", Section: SecPayments, Gates: "payments",
		Label: "Online payments",
		Help:  "Shows the Pay online page: paying an unpaid invoice or refilling the balance through the configured providers (Stripe: stripe_secret_key and stripe_webhook_secret; PayPal: paypal_client_id, paypal_secret and paypal_webhook_id). With both, the subscriber chooses card or PayPal."})
	StripeSecretKey = text(Def{Key: "stripe_secret_key", Type: String, Section: SecPayments, Secret: true, Max: 255,
		Label: "Stripe secret key", Help: "The secret API key (sk_live_... or sk_test_...) of the Stripe account that takes the payments."})
	StripeWebhookSecret = text(Def{Key: "stripe_webhook_secret", Type: String, Section: SecPayments, Secret: true, Max: 255,
		Label: "Stripe webhook signing secret",
		Help:  "The signing secret (whsec_...) of the webhook endpoint set up in Stripe for <portal address>/pay/webhook/stripe with the events checkout.session.completed, checkout.session.async_payment_succeeded, checkout.session.async_payment_failed, checkout.session.expired, and for automatic payments setup_intent.succeeded, payment_intent.succeeded and payment_intent.payment_failed. Events without a valid signature are refused."})
	StripeAPIURL = text(Def{Key: "stripe_api_url", Type: URL, Section: SecPayments,
		Label: "Stripe API address", Help: "Empty: Stripe itself. Another address (such as a local stripe-mock) is for testing only."})
	RefillMin = integer(Def{Key: "ci_refill_min", Default: "100", Min: 1, Max: 1000000, Section: SecPayments,
		Label: "Smallest balance refill", Help: "The least a client may add to the balance online, in whole units of the currency (100 = 100 CZK)."})
	RefillMax = integer(Def{Key: "ci_refill_max", Default: "10000", Min: 1, Max: 1000000, Section: SecPayments,
		Label: "Largest balance refill", Help: "The most a client may add to the balance online in one payment, in whole units of the currency."})
	RefillCurrency = text(Def{Key: "ci_refill_currency", Type: String, Default: "CZK", Section: SecPayments, Check: currencyCode,
		Label: "Refill currency", Help: "Currency of balance refills (three capital letters, such as CZK or EUR)."})
	VouchersEnable = boolean(Def{Key: "ci_vouchers_enable", Default: "0", Section: SecPayments, Gates: "vouchers",
		Label: "Vouchers", Help: "Shows the Redeem voucher page, where a client adds a prepaid voucher's value to the balance."})
)

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

func currencyCode(v string) error {
	if !currencyRE.MatchString(v) {
		return fmt.Errorf("must be three capital letters such as CZK or EUR")
	}
	return nil
}

// PortalBase returns the base address of portal links in e-mails and for payment
// gateways' return addresses: ci_url, else server_url with /clientinterface/
// appended, else "" (no links). Never the request's Host header.
func PortalBase(st *Store) string {
	if u := strings.TrimSpace(PortalURL.Get(st)); u != "" {
		return strings.TrimRight(u, "/") + "/"
	}
	if u := strings.TrimSpace(ServerURL.Get(st)); u != "" {
		return strings.TrimRight(u, "/") + "/clientinterface/"
	}
	return ""
}

// PayLinkDays is how long a pay-without-login link stays valid.
var PayLinkDays = integer(Def{Key: "ci_pay_link_days", Default: "30", Min: 1, Max: 365, Section: SecPayments,
	Label: "Pay link validity (days)",
	Help:  "How long a signed link that pays one invoice without logging in (payments.link in the API, for the invoice e-mail) stays valid."})

// The outbound payment webhook: each payment recorded in the portal is posted to the
// billing system.
var (
	PaymentsWebhookURL = text(Def{Key: "payments_webhook_url", Type: URL, Section: SecPayments,
		Label: "Payment webhook address",
		Help:  "When set, every payment recorded in the portal (online, voucher, or pushed) is posted there as JSON, signed with the webhook secret, and retried until it is answered 2xx (10 tries over about 3 hours). Empty: no webhook; the billing system can read payments.since instead."})
	PaymentsWebhookSecret = text(Def{Key: "payments_webhook_secret", Type: String, Section: SecPayments, Secret: true, Max: 255,
		Label: "Payment webhook secret",
		Help:  "Key of the X-Portal-Signature header: t=<unix time>,v1=<hex HMAC-SHA256 of \"<unix time>.<body>\">."})
)

// PayPal (Orders v2), the second provider: with both configured the subscriber
// chooses card (Stripe) or PayPal.
var (
	PayPalClientID = text(Def{Key: "paypal_client_id", Type: String, Section: SecPayments, Max: 255,
		Label: "PayPal client ID", Help: "Client ID of the PayPal REST app (developer.paypal.com, Apps & Credentials) that takes the payments."})
	PayPalSecret = text(Def{Key: "paypal_secret", Type: String, Section: SecPayments, Secret: true, Max: 255,
		Label: "PayPal secret", Help: "Secret of the PayPal REST app."})
	PayPalWebhookID = text(Def{Key: "paypal_webhook_id", Type: String, Section: SecPayments, Max: 64,
		Label: "PayPal webhook ID",
		Help:  "ID of the webhook set up in the PayPal app for <portal address>/pay/webhook/paypal with the events CHECKOUT.ORDER.APPROVED, PAYMENT.CAPTURE.COMPLETED and PAYMENT.CAPTURE.DENIED; each event is verified with PayPal against it. PayPal is offered only when the client ID, the secret and this are set."})
	PayPalAPIURL = text(Def{Key: "paypal_api_url", Type: URL, Section: SecPayments, Default: "https://api-m.paypal.com",
		Label: "PayPal API address", Help: "https://api-m.paypal.com for live payments, https://api-m.sandbox.paypal.com for the sandbox (its test accounts)."})
)
