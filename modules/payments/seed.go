package payments

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// seed gives demo client 1001 an online history: a balance refill of 500 CZK paid
// through Stripe (recorded as a payment through the Money hook) and a cancelled
// attempt. Idempotent: the demo sessions' references are fixed.
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	clientID, ok := env.ClientIDs["1001"]
	if !ok || m.d.Hooks.Money.Record == nil {
		return nil
	}
	if err := m.seedPayPalAutopay(ctx, tx, env, clientID); err != nil {
		return err
	}
	if _, err := attemptByRef(ctx, tx, providerStripe, "cs_demo_1001_refill"); !errors.Is(err, core.ErrNotFound) {
		return err
	}
	return m.seedAttempts(ctx, tx, clientID, providerStripe, env.Now.AddDate(0, 0, -12), []Attempt{
		{ProviderRef: "cs_demo_1001_cancelled", Amount: 30000, State: StateCancelled},
		{ProviderRef: "cs_demo_1001_refill", Amount: 50000, State: StatePaid},
	})
}

// seedAttempts stores demo balance refills in CZK of one provider; a paid one is
// recorded as a payment through the Money hook.
func (m *Module) seedAttempts(ctx context.Context, tx *sql.Tx, clientID int64, provider string, at time.Time, list []Attempt) error {
	for _, a := range list {
		a.ClientID, a.Provider, a.Currency = clientID, provider, "CZK"
		id, err := insertAttempt(ctx, tx, a, at)
		if err != nil {
			return err
		}
		var pid int64
		if a.State == StatePaid {
			if pid, err = m.d.Hooks.Money.Record(ctx, tx, app.MoneyIn{ClientID: clientID, ExternalID: provider + ":" + a.ProviderRef,
				PaidOn: at, Amount: a.Amount, Currency: a.Currency, Method: "online", Note: providerLabel(provider), CreatedAt: at}); err != nil {
				return err
			}
		}
		if err := setAttempt(ctx, tx, id, a.State, a.ProviderRef, pid, at); err != nil {
			return err
		}
	}
	return nil
}

// seedPayPalAutopay adds a refill paid with PayPal, a PayPal payment the buyer's bank
// declined, a saved card with autopay on, and, when the client has an unpaid invoice, an
// automatic charge of it that was declined once and waits for its retry: what the
// console's Online payments page shows. Idempotent by the PayPal order's reference.
func (m *Module) seedPayPalAutopay(ctx context.Context, tx *sql.Tx, env app.SeedEnv, clientID int64) error {
	if _, err := attemptByRef(ctx, tx, providerPayPal, "5O000000001001T"); !errors.Is(err, core.ErrNotFound) {
		return err
	}
	at := env.Now.AddDate(0, 0, -5)
	if err := m.seedAttempts(ctx, tx, clientID, providerPayPal, at, []Attempt{
		{ProviderRef: "5O000000001001T", Amount: 25000, State: StatePaid},
		{ProviderRef: "5O000000001002T", Amount: 10000, State: StateFailed},
	}); err != nil {
		return err
	}
	now := core.Now(at)
	if _, err := tx.ExecContext(ctx, `INSERT INTO autopay_mandates (client_id, provider, customer_ref, method_ref, label, state, created_at, updated_at)
		VALUES (?, ?, 'cus_demo_1001', 'pm_demo_1001', 'visa •••• 4242', ?, ?, ?) ON CONFLICT (client_id) DO NOTHING`,
		clientID, providerStripe, mandateActive, now, now); err != nil {
		return err
	}
	if m.d.Hooks.Money.OpenInvoices == nil {
		return nil
	}
	open, err := m.d.Hooks.Money.OpenInvoices(ctx, tx, clientID)
	if err != nil || len(open) == 0 {
		return err
	}
	inv := open[0]
	_, err = tx.ExecContext(ctx, `INSERT INTO autopay_charges (client_id, invoice_id, amount, currency, tries, next_try, state, last_ref, last_error, created_at, updated_at)
		VALUES (?, ?, ?, ?, 1, ?, 'retrying', 'pi_demo_1001', 'card_declined', ?, ?) ON CONFLICT (client_id, invoice_id) DO NOTHING`,
		clientID, inv.ID, inv.Open, inv.Currency, core.Now(env.Now.Add(retrySchedule[0])), now, now)
	return err
}
