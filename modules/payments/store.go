package payments

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// Attempt states.
const (
	StatePending    = "pending"
	StateProcessing = "processing"
	StatePaid       = "paid"
	StateFailed     = "failed"
	StateCancelled  = "cancelled"
	StateExpired    = "expired"
)

// States lists every attempt state (the translation test checks each has its text).
var States = []string{StatePending, StateProcessing, StatePaid, StateFailed, StateCancelled, StateExpired}

const providerStripe = "stripe"

// Providers are the providers' names (the translation test checks each has its
// button and label text).
var Providers = []string{providerStripe, providerPayPal}

// ChargeStates are the states of an automatic charge.
var ChargeStates = []string{"retrying", "charging", "processing", "paid", "failed"}

// Attempt is one online payment a client started.
type Attempt struct {
	ID          int64
	ClientID    int64
	Provider    string
	InvoiceID   int64 // 0: a balance refill
	Amount      int64
	Currency    string
	ProviderRef string
	State       string
	PaymentID   int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Final reports whether nothing more will happen to the attempt by itself.
func (a Attempt) Final() bool {
	return a.State == StatePaid || a.State == StateFailed || a.State == StateCancelled || a.State == StateExpired
}

const attemptCols = `id, client_id, provider, COALESCE(invoice_id, 0), amount, currency, COALESCE(provider_ref, ''), state,
	COALESCE(payment_id, 0), created_at, updated_at`

func scanAttempt(row core.Row) (Attempt, error) {
	var a Attempt
	var created, updated string
	err := row.Scan(&a.ID, &a.ClientID, &a.Provider, &a.InvoiceID, &a.Amount, &a.Currency, &a.ProviderRef, &a.State,
		&a.PaymentID, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		err = core.ErrNotFound
	}
	a.CreatedAt, a.UpdatedAt = core.ParseTime(created), core.ParseTime(updated)
	return a, err
}

// AttemptForClient loads one attempt of the client; another client's is ErrNotFound.
func AttemptForClient(ctx context.Context, q core.Querier, clientID, id int64) (Attempt, error) {
	return scanAttempt(q.QueryRowContext(ctx, `SELECT `+attemptCols+` FROM payment_attempts WHERE id = ? AND client_id = ?`, id, clientID))
}

func attemptByRef(ctx context.Context, q core.Querier, provider, ref string) (Attempt, error) {
	return scanAttempt(q.QueryRowContext(ctx, `SELECT `+attemptCols+` FROM payment_attempts WHERE provider = ? AND provider_ref = ?`, provider, ref))
}

// ListAttempts lists a client's attempts, newest first.
func ListAttempts(ctx context.Context, q core.Querier, clientID int64, limit int) ([]Attempt, error) {
	return core.List(ctx, q, scanAttempt, `SELECT `+attemptCols+` FROM payment_attempts WHERE client_id = ? ORDER BY id DESC LIMIT ?`,
		clientID, limit)
}

func insertAttempt(ctx context.Context, tx *sql.Tx, a Attempt, now time.Time) (int64, error) {
	var inv any
	if a.InvoiceID != 0 {
		inv = a.InvoiceID
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO payment_attempts (client_id, provider, invoice_id, amount, currency, state, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, a.ClientID, a.Provider, inv, a.Amount, a.Currency, a.State,
		core.Now(now), core.Now(now)).Scan(&id)
	return id, err
}

func setAttempt(ctx context.Context, q core.Querier, id int64, state, ref string, paymentID int64, now time.Time) error {
	var pay any
	if paymentID != 0 {
		pay = paymentID
	}
	_, err := q.ExecContext(ctx, `UPDATE payment_attempts SET state = ?, provider_ref = COALESCE(NULLIF(?, ''), provider_ref),
		payment_id = COALESCE(?, payment_id), updated_at = ? WHERE id = ?`, state, ref, pay, core.Now(now), id)
	return err
}

// seenEvent records a provider event id; false when it was handled before (a replay).
func seenEvent(ctx context.Context, tx *sql.Tx, provider, id string, now time.Time) (bool, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO payment_events (provider, event_id, received_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, provider, id, core.Now(now))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// attemptRef is how an attempt is named to the provider (client_reference_id).
func attemptRef(id int64) string { return "attempt-" + strconv.FormatInt(id, 10) }

func lower(s string) string { return strings.ToLower(s) }
func upper(s string) string { return strings.ToUpper(s) }
