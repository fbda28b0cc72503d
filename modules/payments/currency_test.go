package payments

import (
	"errors"
	"testing"
)

// TestProviderMinorUnits: the portal's hundredths to each provider's units and back,
// for two-, zero- and three-decimal currencies and Stripe's special cases.
func TestProviderMinorUnits(t *testing.T) {
	for _, c := range []struct {
		cur    string
		portal int64
		stripe int64 // -1: ErrPrecision
		paypal string
	}{
		{"CZK", 121000, 121000, "1210.00"},
		{"EUR", 5, 5, "0.05"},
		{"usd", 1999, 1999, "19.99"},
		{"JPY", 50000, 500, "500"},
		{"JPY", 50050, -1, ""},
		{"KRW", 1000000, 10000, "10000.00"},
		{"HUF", 150000, 150000, "1500"}, // two-decimal at Stripe, none at PayPal
		{"HUF", 150050, 150050, ""},
		{"TWD", 30000, 30000, "300"},
		{"ISK", 50000, 50000, "500.00"}, // zero-decimal sent as two decimals
		{"ISK", 50001, -1, "500.01"},
		{"UGX", 70000, 70000, "700.00"},
		{"KWD", 512, 5120, "5.12"},
	} {
		got, err := toStripe(c.cur, c.portal)
		if c.stripe == -1 {
			if !errors.Is(err, ErrPrecision) {
				t.Errorf("%s %d: stripe %d, %v; want ErrPrecision", c.cur, c.portal, got, err)
			}
		} else if err != nil || got != c.stripe {
			t.Errorf("%s %d: stripe %d, %v; want %d", c.cur, c.portal, got, err, c.stripe)
		} else if back, err := fromStripe(c.cur, got); err != nil || back != c.portal {
			t.Errorf("%s: stripe %d back to %d, %v; want %d", c.cur, got, back, err, c.portal)
		}
		pv, err := toPayPal(c.cur, c.portal)
		if c.paypal == "" {
			if !errors.Is(err, ErrPrecision) {
				t.Errorf("%s %d: paypal %q, %v; want ErrPrecision", c.cur, c.portal, pv, err)
			}
			continue
		}
		if err != nil || pv != c.paypal {
			t.Errorf("%s %d: paypal %q, %v; want %q", c.cur, c.portal, pv, err, c.paypal)
		} else if back, err := fromPayPal(c.cur, pv); err != nil || back != c.portal {
			t.Errorf("%s: paypal %q back to %d, %v; want %d", c.cur, pv, back, err, c.portal)
		}
	}
	if _, err := fromStripe("KWD", 5121); !errors.Is(err, ErrPrecision) {
		t.Error("a thousandth of a dinar was accepted")
	}
	for _, bad := range []string{"", "1.", ".5", "1.234", "-1.00", "1e3", "12,50", "999999999999999999.00"} {
		if v, err := fromPayPal("EUR", bad); err == nil {
			t.Errorf("paypal value %q parsed as %d", bad, v)
		}
	}
	if v, err := fromPayPal("EUR", "7.5"); err != nil || v != 750 {
		t.Errorf("7.5 EUR: %d, %v", v, err)
	}
	if _, err := fromPayPal("JPY", "500.00"); err == nil {
		t.Error("a decimal yen value was accepted")
	}
}
