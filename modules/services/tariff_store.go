package services

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// Service and tariff kinds.
const (
	KindInternet = "internet"
	KindTV       = "tv"
	KindVoIP     = "voip"
	KindOther    = "other"
)

// Kinds lists the valid kinds in display order.
var Kinds = []string{KindInternet, KindTV, KindVoIP, KindOther}

// FUP periods.
const (
	FUPDay   = "day"
	FUPWeek  = "week"
	FUPMonth = "month"
)

// Tariff is what a service is sold as: price, speeds and fair-usage limits.
type Tariff struct {
	ID         int64
	ExternalID string
	Name       string
	Kind       string
	Price      int64 // minor units per month
	Currency   string
	DownKbit   int64
	UpKbit     int64
	// HideTraffic is "do not show transferred data and FUP in the portal".
	HideTraffic bool
	// FUPLimit is the data (bytes, download plus upload) allowed per FUPPeriod
	// before the speed drops to FUPDownKbit/FUPUpKbit; 0 means no FUP.
	FUPLimit    int64
	FUPPeriod   string
	FUPDownKbit int64
	FUPUpKbit   int64
}

// HasFUP reports whether the tariff carries a fair-usage limit.
func (t Tariff) HasFUP() bool { return t.FUPLimit > 0 }

// Validate returns a message naming the first problem, or nil.
func (t Tariff) Validate() error {
	switch {
	case t.Name == "":
		return errors.New("tariff name is required")
	case !validKind(t.Kind):
		return fmt.Errorf("tariff kind %q: must be internet, tv, voip or other", t.Kind)
	case t.Price < 0:
		return errors.New("tariff price must not be negative")
	case core.CheckAmount(t.Price) != nil:
		return fmt.Errorf("tariff price %w", core.ErrAmountRange)
	case len(t.Currency) != 3:
		return fmt.Errorf("currency %q: must be a three-letter code such as CZK", t.Currency)
	case t.DownKbit < 0 || t.UpKbit < 0 || t.FUPDownKbit < 0 || t.FUPUpKbit < 0:
		return errors.New("speeds must not be negative")
	case t.FUPLimit < 0:
		return errors.New("FUP limit must not be negative")
	case t.FUPLimit > 0 && t.FUPPeriod != FUPDay && t.FUPPeriod != FUPWeek && t.FUPPeriod != FUPMonth:
		return fmt.Errorf("FUP period %q: must be day, week or month", t.FUPPeriod)
	}
	return nil
}

func validKind(k string) bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

const tariffCols = `id, COALESCE(external_id, ''), name, kind, price, currency, down_kbit, up_kbit, hide_traffic,
	fup_limit_bytes, fup_period, fup_down_kbit, fup_up_kbit`

func scanTariff(row interface{ Scan(...any) error }) (Tariff, error) {
	var t Tariff
	err := row.Scan(&t.ID, &t.ExternalID, &t.Name, &t.Kind, &t.Price, &t.Currency, &t.DownKbit, &t.UpKbit,
		&t.HideTraffic, &t.FUPLimit, &t.FUPPeriod, &t.FUPDownKbit, &t.FUPUpKbit)
	if errors.Is(err, sql.ErrNoRows) {
		return t, core.ErrNotFound
	}
	return t, err
}

// TariffByID returns a tariff.
func TariffByID(ctx context.Context, q core.Querier, id int64) (Tariff, error) {
	return scanTariff(q.QueryRowContext(ctx, `SELECT `+tariffCols+` FROM tariffs WHERE id = ?`, id))
}

// TariffByExternalID returns the tariff the billing system knows by ext.
func TariffByExternalID(ctx context.Context, q core.Querier, ext string) (Tariff, error) {
	return scanTariff(q.QueryRowContext(ctx, `SELECT `+tariffCols+` FROM tariffs WHERE external_id = ?`, ext))
}

// ListTariffs returns every tariff by name.
func ListTariffs(ctx context.Context, q core.Querier) ([]Tariff, error) {
	return core.List(ctx, q, scanTariff, `SELECT `+tariffCols+` FROM tariffs ORDER BY name, id`)
}

// SaveTariff inserts a tariff, or updates it when ID is set or when a tariff with the
// same ExternalID exists (so that the billing system can resync idempotently). It
// returns the tariff's id.
func SaveTariff(ctx context.Context, tx *sql.Tx, t Tariff, now time.Time) (int64, error) {
	if err := core.Lines(core.LineField{Name: "tariff name", Value: &t.Name}); err != nil {
		return 0, err
	}
	if t.Currency == "" {
		t.Currency = "CZK"
	}
	if t.FUPPeriod == "" {
		t.FUPPeriod = FUPMonth
	}
	if err := t.Validate(); err != nil {
		return 0, err
	}
	if t.ID == 0 && t.ExternalID != "" {
		if old, err := TariffByExternalID(ctx, tx, t.ExternalID); err == nil {
			t.ID = old.ID
		} else if !errors.Is(err, core.ErrNotFound) {
			return 0, err
		}
	}
	ts := core.Now(now)
	args := []any{core.Null(t.ExternalID), t.Name, t.Kind, t.Price, t.Currency, t.DownKbit, t.UpKbit, t.HideTraffic,
		t.FUPLimit, t.FUPPeriod, t.FUPDownKbit, t.FUPUpKbit, ts}
	if t.ID != 0 {
		res, err := tx.ExecContext(ctx, `UPDATE tariffs SET external_id = ?, name = ?, kind = ?, price = ?, currency = ?,
			down_kbit = ?, up_kbit = ?, hide_traffic = ?, fup_limit_bytes = ?, fup_period = ?, fup_down_kbit = ?,
			fup_up_kbit = ?, updated_at = ? WHERE id = ?`, append(args, t.ID)...)
		if err != nil {
			return 0, fmt.Errorf("services.SaveTariff: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return 0, core.ErrNotFound
		}
		return t.ID, nil
	}
	id, err := core.InsertID(ctx, tx, `INSERT INTO tariffs (external_id, name, kind, price, currency, down_kbit, up_kbit,
		hide_traffic, fup_limit_bytes, fup_period, fup_down_kbit, fup_up_kbit, updated_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, append(args, ts)...)
	if err != nil {
		return 0, fmt.Errorf("services.SaveTariff: %w", err)
	}
	return id, nil
}
