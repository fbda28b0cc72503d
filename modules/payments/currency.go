package payments

import (
	"errors"
	"strconv"
	"strings"
)

// The portal keeps every amount in hundredths of the currency's unit (core.ParseAmount,
// the invoices, ci_refill_*). Providers want the currency's own minor unit: Stripe
// per its published list (docs.stripe.com/currencies), PayPal as a decimal string
// with the currency's decimals. These functions convert both ways; an amount that the
// provider cannot express (half a yen) is ErrPrecision, never rounded.

// ErrPrecision: the amount has a fraction the currency does not have at the provider.
var ErrPrecision = errors.New("the amount has a fraction the currency does not have")

// stripeZeroDecimal are Stripe's zero-decimal currencies: 500 JPY is amount 500.
var stripeZeroDecimal = set("BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "VND", "VUV", "XAF", "XOF", "XPF")

// stripeWholeTwoDecimal are Stripe's special cases that are zero-decimal currencies
// but sent as two-decimal amounts, which must be divisible by 100 (500 ISK is 50000).
// HUF and TWD are two-decimal for charges at Stripe (zero-decimal only for payouts),
// so they take the default.
var stripeWholeTwoDecimal = set("ISK", "UGX")

// stripeThreeDecimal are Stripe's three-decimal currencies: 5.124 KWD is 5124.
var stripeThreeDecimal = set("BHD", "JOD", "KWD", "OMR", "TND")

// paypalZeroDecimal are the currencies PayPal refuses decimals for.
var paypalZeroDecimal = set("HUF", "JPY", "TWD")

func set(codes ...string) map[string]bool {
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}

// toStripe converts a portal amount to Stripe's minor units of the currency.
func toStripe(currency string, amount int64) (int64, error) {
	switch c := upper(currency); {
	case stripeZeroDecimal[c]:
		if amount%100 != 0 {
			return 0, ErrPrecision
		}
		return amount / 100, nil
	case stripeWholeTwoDecimal[c]:
		if amount%100 != 0 {
			return 0, ErrPrecision
		}
	case stripeThreeDecimal[c]:
		return amount * 10, nil
	}
	return amount, nil
}

// fromStripe converts Stripe's minor units back to a portal amount (a three-decimal
// amount with a thousandth the portal cannot hold is ErrPrecision).
func fromStripe(currency string, v int64) (int64, error) {
	switch c := upper(currency); {
	case stripeZeroDecimal[c]:
		return v * 100, nil
	case stripeThreeDecimal[c]:
		if v%10 != 0 {
			return 0, ErrPrecision
		}
		return v / 10, nil
	}
	return v, nil
}

// toPayPal formats a portal amount as PayPal's amount value: "1210.00", or "1210" for
// a currency without decimals.
func toPayPal(currency string, amount int64) (string, error) {
	if amount < 0 {
		return "", ErrPrecision
	}
	if paypalZeroDecimal[upper(currency)] {
		if amount%100 != 0 {
			return "", ErrPrecision
		}
		return strconv.FormatInt(amount/100, 10), nil
	}
	frac := strconv.FormatInt(amount%100, 10)
	if len(frac) == 1 {
		frac = "0" + frac
	}
	return strconv.FormatInt(amount/100, 10) + "." + frac, nil
}

// fromPayPal parses PayPal's amount value into a portal amount: "1210.00", "1210.5",
// "1210" (at most two decimals; a currency without decimals takes none).
func fromPayPal(currency, v string) (int64, error) {
	whole, frac, dot := strings.Cut(v, ".")
	if whole == "" || len(whole) > 15 || len(frac) > 2 || (dot && frac == "") || (dot && paypalZeroDecimal[upper(currency)]) {
		return 0, ErrPrecision
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.ParseUint(whole, 10, 63)
	f, err2 := strconv.ParseUint(frac, 10, 63)
	if err1 != nil || err2 != nil {
		return 0, ErrPrecision
	}
	return int64(w)*100 + int64(f), nil
}
