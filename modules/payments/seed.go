package payments

import (
	"context"
	"database/sql"
	"errors"

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
	if _, err := attemptByRef(ctx, tx, providerStripe, "cs_demo_1001_refill"); !errors.Is(err, core.ErrNotFound) {
		return err
	}
	at := env.Now.AddDate(0, 0, -12)
	for _, a := range []Attempt{
		{ProviderRef: "cs_demo_1001_cancelled", Amount: 30000, State: StateCancelled},
		{ProviderRef: "cs_demo_1001_refill", Amount: 50000, State: StatePaid},
	} {
		a.ClientID, a.Provider, a.Currency = clientID, providerStripe, "CZK"
		id, err := insertAttempt(ctx, tx, a, at)
		if err != nil {
			return err
		}
		var pid int64
		if a.State == StatePaid {
			if pid, err = m.d.Hooks.Money.Record(ctx, tx, app.MoneyIn{ClientID: clientID, ExternalID: providerStripe + ":" + a.ProviderRef,
				PaidOn: at, Amount: a.Amount, Currency: a.Currency, Method: "online", Note: "Stripe", CreatedAt: at}); err != nil {
				return err
			}
		}
		if err := setAttempt(ctx, tx, id, a.State, a.ProviderRef, pid, at); err != nil {
			return err
		}
	}
	return nil
}
