package vouchers

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// Batch is a batch of vouchers.
type Batch struct {
	ID        int64
	Name      string
	Value     int64 // minor units
	Currency  string
	Expires   time.Time
	Count     int
	Redeemed  int
	CreatedAt time.Time
	CreatedBy string
	Voided    bool
}

// Expired reports whether the batch can no longer be redeemed on the day of now.
func (b Batch) Expired(now time.Time) bool {
	return now.Format(dayLayout) > b.Expires.Format(dayLayout)
}

// VoucherRow is one voucher as the batch CSV lists it (never its code).
type VoucherRow struct {
	ID           int64
	RedeemedAt   time.Time
	ClientNumber string
}

const dayLayout = "2006-01-02"

// codeAlphabet has no 0/O, 1/I/L: codes are typed from paper.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// codeGroups × 4 characters from 31: 16 characters, about 79 bits.
const codeGroups = 4

// newCode returns a random code such as 7KQ3-M9XA-2BZT-HC4P.
func newCode() string {
	var b strings.Builder
	buf := make([]byte, codeGroups*4)
	rand.Read(buf)
	for i, x := range buf {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		// 31 does not divide 256: draw again above the largest multiple.
		for int(x) >= 248 {
			var one [1]byte
			rand.Read(one[:])
			x = one[0]
		}
		b.WriteByte(codeAlphabet[int(x)%len(codeAlphabet)])
	}
	return b.String()
}

// normalise makes a typed code comparable: upper case, without spaces and dashes.
func normalise(code string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		if r != '-' && r != ' ' && r != '\t' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// hashCode is the stored form of a code: HMAC-SHA256 with the server secret.
func hashCode(secret []byte, code string) string {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(normalise(code)))
	return hex.EncodeToString(h.Sum(nil))
}

const batchCols = `b.id, b.name, b.value, b.currency, b.expires, b.count,
	(SELECT COUNT(*) FROM vouchers v WHERE v.batch_id = b.id AND v.redeemed_at IS NOT NULL), b.created_at, b.created_by, b.voided_at IS NOT NULL`

func scanBatch(row core.Row) (Batch, error) {
	var b Batch
	var exp, created string
	err := row.Scan(&b.ID, &b.Name, &b.Value, &b.Currency, &exp, &b.Count, &b.Redeemed, &created, &b.CreatedBy, &b.Voided)
	if errors.Is(err, sql.ErrNoRows) {
		err = core.ErrNotFound
	}
	b.Expires, _ = time.Parse(dayLayout, exp)
	b.CreatedAt = core.ParseTime(created)
	return b, err
}

// ListBatches lists the batches, newest first.
func ListBatches(ctx context.Context, q core.Querier) ([]Batch, error) {
	return core.List(ctx, q, scanBatch, `SELECT `+batchCols+` FROM voucher_batches b ORDER BY b.id DESC`)
}

// BatchByID loads one batch.
func BatchByID(ctx context.Context, q core.Querier, id int64) (Batch, error) {
	return scanBatch(q.QueryRowContext(ctx, `SELECT `+batchCols+` FROM voucher_batches b WHERE b.id = ?`, id))
}

// BatchVouchers lists a batch's vouchers with who redeemed each.
func BatchVouchers(ctx context.Context, q core.Querier, batchID int64) ([]VoucherRow, error) {
	return core.List(ctx, q, func(r core.Row) (VoucherRow, error) {
		var v VoucherRow
		var at string
		err := r.Scan(&v.ID, &at, &v.ClientNumber)
		if at != "" {
			v.RedeemedAt = core.ParseTime(at)
		}
		return v, err
	}, `SELECT v.id, COALESCE(v.redeemed_at, ''), COALESCE(c.number, '') FROM vouchers v LEFT JOIN clients c ON c.id = v.client_id
		WHERE v.batch_id = ? ORDER BY v.id`, batchID)
}
