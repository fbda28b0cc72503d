package core

import (
	"errors"
	"math"
)

// MaxAmount bounds every money amount the portal stores (invoices, their lines,
// payments, prices), in minor units: 10,000,000,000.00 either way. Far above any bill
// of an ISP, and far enough below int64 that millions of a client's amounts still sum
// without overflow (a sum beyond int64 is an error in SQLite and wraps in Go).
const MaxAmount int64 = 1_000_000_000_000

// MaxQuantity bounds an invoice line's quantity, in thousandths: a million pieces
// either way.
const MaxQuantity int64 = 1_000_000_000

// MaxAmountText is MaxAmount as people write it, for messages.
const MaxAmountText = "10,000,000,000.00"

// ErrAmountRange says an amount is beyond MaxAmount.
var ErrAmountRange = errors.New("must be between -" + MaxAmountText + " and " + MaxAmountText)

// CheckAmount returns ErrAmountRange when minor is beyond ±MaxAmount.
func CheckAmount(minor int64) error {
	if minor < -MaxAmount || minor > MaxAmount {
		return ErrAmountRange
	}
	return nil
}

// AddAmounts adds a and b; ok is false when the sum does not fit in an int64.
func AddAmounts(a, b int64) (sum int64, ok bool) {
	if (b > 0 && a > math.MaxInt64-b) || (b < 0 && a < math.MinInt64-b) {
		return 0, false
	}
	return a + b, true
}

// MoneyText is an SQL expression writing the minor-unit amount in col as decimal text
// with two places ("-0.50", "1234.05"), in SQL that SQLite and PostgreSQL both answer
// (SQLite's printf is its own): integer arithmetic, so no float rounding either.
func MoneyText(col string) string {
	return `(CASE WHEN ` + col + ` < 0 THEN '-' ELSE '' END || CAST(abs(` + col + `) / 100 AS TEXT) || '.' || ` +
		`substr(CAST(100 + abs(` + col + `) % 100 AS TEXT), 2))`
}
