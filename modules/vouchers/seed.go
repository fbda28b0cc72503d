package vouchers

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// DemoCodes are the demo batch's codes (docs/modules/vouchers.md names them); the
// last one is already redeemed by client 1001.
var DemoCodes = []string{"DEMO-2026-VCHR-0001", "DEMO-2026-VCHR-0002", "DEMO-2026-VCHR-0003"}

// seed adds a batch of three 200 CZK vouchers with known codes, valid a year, and
// redeems the last for client 1001. Idempotent: it does nothing when a batch exists.
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM voucher_batches`).Scan(&n); err != nil || n > 0 {
		return err
	}
	key, err := secret(ctx, tx)
	if err != nil {
		return err
	}
	var batch int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO voucher_batches (name, value, currency, expires, count, created_at, created_by)
		VALUES ('Demo vouchers', 20000, 'CZK', ?, ?, ?, 'cli') RETURNING id`, env.Now.AddDate(1, 0, 0).Format(dayLayout), len(DemoCodes),
		core.Now(env.Now.AddDate(0, 0, -30))).Scan(&batch); err != nil {
		return err
	}
	for i, code := range DemoCodes {
		var vid int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO vouchers (batch_id, code_hash) VALUES (?, ?) RETURNING id`,
			batch, hashCode(key, code)).Scan(&vid); err != nil {
			return err
		}
		client, ok := env.ClientIDs["1001"]
		if i < len(DemoCodes)-1 || !ok || m.d.Hooks.Money.Record == nil {
			continue
		}
		at := env.Now.AddDate(0, 0, -20)
		pid, err := m.d.Hooks.Money.Record(ctx, tx, app.MoneyIn{ClientID: client, ExternalID: "voucher:" + strconv.FormatInt(vid, 10),
			PaidOn: at, Amount: 20000, Currency: "CZK", Method: "voucher", Note: "Voucher " + strconv.FormatInt(vid, 10), CreatedAt: at})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE vouchers SET redeemed_at = ?, client_id = ?, payment_id = ? WHERE id = ?`,
			core.Now(at), client, pid, vid); err != nil {
			return err
		}
	}
	return nil
}
