package vouchers

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
)

// Named errors; the console, the subscriber page, the API and the CLI translate them.
var (
	ErrName     = errors.New("name: at most 100 characters on one line")
	ErrValue    = errors.New("value: a positive amount such as 500 or 500.50")
	ErrCurrency = errors.New("currency: three capital letters such as CZK or EUR")
	ErrExpires  = errors.New("expires: a date (YYYY-MM-DD) from today on")
	ErrCount    = errors.New("count: from 1 to 10000")
	// ErrInvalid is the one answer to a code that is wrong, used, expired or voided,
	// so that the answer tells nothing about which.
	ErrInvalid = errors.New("the code is not valid or was already used")
	// ErrLocked: too many wrong codes from this client or address; try later.
	ErrLocked = errors.New("too many wrong codes; try again later")
)

// MaxCount is the most vouchers one batch holds.
const MaxCount = 10000

// Lockout of wrong codes: per client like a password, and per address with more room
// (several clients behind one NAT).
var (
	clientPolicy = lockout.Policy{MaxFailures: 5, LockFor: 15 * time.Minute}
	ipPolicy     = lockout.Policy{MaxFailures: 20, LockFor: 15 * time.Minute}
)

const (
	kindClient = "voucher-client"
	kindIP     = "voucher-ip"
)

// NewBatch is what staff ask for, as typed.
type NewBatch struct {
	Name     string
	Value    string // "500" or "500.50"
	Currency string
	Expires  string // YYYY-MM-DD
	Count    int
}

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// check validates a batch request and returns the parsed batch.
func (p NewBatch) check(today time.Time) (Batch, error) {
	b := Batch{Name: p.Name, Currency: p.Currency, Count: p.Count}
	name, err := core.Line(p.Name)
	if err != nil || utf8.RuneCountInString(name) > 100 {
		return b, &core.FieldError{Field: "name", Err: ErrName}
	}
	b.Name = name
	v, ok := core.ParseAmount(p.Value)
	if !ok || v <= 0 || core.CheckAmount(v) != nil {
		return b, &core.FieldError{Field: "value", Err: ErrValue}
	}
	b.Value = v
	if !currencyRE.MatchString(p.Currency) {
		return b, &core.FieldError{Field: "currency", Err: ErrCurrency}
	}
	exp, err := time.Parse(dayLayout, p.Expires)
	if err != nil || exp.Format(dayLayout) < today.Format(dayLayout) {
		return b, &core.FieldError{Field: "expires", Err: ErrExpires}
	}
	b.Expires = exp
	if p.Count < 1 || p.Count > MaxCount {
		return b, &core.FieldError{Field: "count", Err: ErrCount}
	}
	return b, nil
}

// Generate validates the request and stores a batch of new codes in tx, returning the
// batch and its codes: the only time the codes exist in clear. The caller audits.
func Generate(ctx context.Context, tx *sql.Tx, p NewBatch, by string, now time.Time) (Batch, []string, error) {
	b, err := p.check(now)
	if err != nil {
		return b, nil, err
	}
	secret, err := secret(ctx, tx)
	if err != nil {
		return b, nil, err
	}
	b.CreatedAt, b.CreatedBy = now, by
	if err := tx.QueryRowContext(ctx, `INSERT INTO voucher_batches (name, value, currency, expires, count, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, b.Name, b.Value, b.Currency, b.Expires.Format(dayLayout), b.Count,
		core.Now(now), by).Scan(&b.ID); err != nil {
		return b, nil, err
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO vouchers (batch_id, code_hash) VALUES (?, ?) ON CONFLICT (code_hash) DO NOTHING`)
	if err != nil {
		return b, nil, err
	}
	defer ins.Close()
	codes := make([]string, 0, b.Count)
	for len(codes) < b.Count {
		code := newCode()
		res, err := ins.ExecContext(ctx, b.ID, hashCode(secret, code))
		if err != nil {
			return b, nil, err
		}
		if n, _ := res.RowsAffected(); n == 1 { // a collision (never seen at 79 bits) draws again
			codes = append(codes, code)
		}
	}
	return b, codes, nil
}

// Void stops every unredeemed code of a batch; voiding twice is no change.
func Void(ctx context.Context, tx *sql.Tx, id int64, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE voucher_batches SET voided_at = COALESCE(voided_at, ?) WHERE id = ?`, core.Now(now), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrNotFound
	}
	return nil
}

// secret is the server secret the codes are hashed with, read (or made, the first
// time) in the caller's write transaction, like core.Secret's but without a second
// transaction: the seed and every writer here already hold the one writer.
func secret(ctx context.Context, tx *sql.Tx) ([]byte, error) {
	b := make([]byte, 32)
	rand.Read(b)
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('secret:vouchers', ?) ON CONFLICT (key) DO NOTHING`,
		base64.StdEncoding.EncodeToString(b)); err != nil {
		return nil, err
	}
	var v string
	if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'secret:vouchers'`).Scan(&v); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(v)
}

// Redeem credits a voucher's value to the client's balance (a payment with method
// "voucher", through app.Hooks.Money) and returns its batch. The code works once under
// any race: it is claimed by one UPDATE ... WHERE redeemed_at IS NULL in a write
// transaction. A wrong, used, expired or voided code is ErrInvalid and counts as a
// failure for the client and for the address; too many lock both out (ErrLocked),
// and while locked even a right code is refused and nothing is counted.
func (m *Module) Redeem(ctx context.Context, clientID int64, code, actor, ip string) (Batch, error) {
	if m.d.Hooks.Money.Record == nil {
		return Batch{}, errors.New("vouchers: no module records payments")
	}
	now := m.d.Now()
	cp, ipp := lockout.Account(clientID), "ip:"+ip
	var b Batch
	var outcome error
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		secret, err := secret(ctx, tx)
		if err != nil {
			return err
		}
		cs, err := lockout.Get(ctx, tx, kindClient, cp, now)
		if err != nil {
			return err
		}
		is, err := lockout.Get(ctx, tx, kindIP, ipp, now)
		if err != nil {
			return err
		}
		if cs.Locked(now) || is.Locked(now) {
			outcome = ErrLocked
			return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "voucher.locked", ClientID: clientID, IP: ip})
		}
		var vid int64
		err = tx.QueryRowContext(ctx, `UPDATE vouchers SET redeemed_at = ?, client_id = ?
			WHERE code_hash = ? AND redeemed_at IS NULL
			AND batch_id IN (SELECT id FROM voucher_batches WHERE voided_at IS NULL AND expires >= ?)
			RETURNING id, batch_id`, core.Now(now), clientID, hashCode(secret, code), now.Format(dayLayout)).Scan(&vid, &b.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return m.fail(ctx, tx, clientID, cp, ipp, actor, ip, now, &outcome)
		}
		if err != nil {
			return err
		}
		if b, err = BatchByID(ctx, tx, b.ID); err != nil {
			return err
		}
		pid, err := m.d.Hooks.Money.Record(ctx, tx, app.MoneyIn{ClientID: clientID, ExternalID: "voucher:" + strconv.FormatInt(vid, 10),
			PaidOn: now, Amount: b.Value, Currency: b.Currency, Method: "voucher", Note: "Voucher " + strconv.FormatInt(vid, 10), CreatedAt: now})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE vouchers SET payment_id = ? WHERE id = ?`, pid, vid); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "voucher.redeem", ClientID: clientID, IP: ip,
			Detail: fmt.Sprintf("voucher %d of batch %d, %d %s, payment %d", vid, b.ID, b.Value, b.Currency, pid)})
	})
	if err != nil {
		return Batch{}, err
	}
	return b, outcome
}

// fail counts a wrong code for the client and the address, in the transaction that
// looked it up, and sets the outcome: ErrLocked when this failure locked either.
func (m *Module) fail(ctx context.Context, tx *sql.Tx, clientID int64, cp, ipp, actor, ip string, now time.Time, outcome *error) error {
	cs, err := lockout.Fail(ctx, tx, kindClient, cp, now, clientPolicy)
	if err != nil {
		return err
	}
	is, err := lockout.Fail(ctx, tx, kindIP, ipp, now, ipPolicy)
	if err != nil {
		return err
	}
	*outcome = ErrInvalid
	action := "voucher.fail"
	if cs.Locked(now) || is.Locked(now) {
		*outcome, action = ErrLocked, "voucher.lock"
	}
	return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: action, ClientID: clientID, IP: ip})
}
