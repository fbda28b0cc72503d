package rates

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// List is a price list.
type List struct {
	ID               int64
	ExternalID       string
	Name             string
	TariffExternalID string
	Currency         string
}

// Rate is one destination's rate. Prices are in millionths of the currency unit.
type Rate struct {
	ID             int64
	Prefix         string
	Destination    string
	Price          int64
	ConnectionFee  int64
	FirstIncrement int
	NextIncrement  int
	EffectiveFrom  string // 2006-01-02
}

// ErrPrice is a price that is not a decimal of at most 6 places within bounds.
var ErrPrice = errors.New("must be a decimal such as 0.49, at most 6 decimals and below 1,000,000")

// ParsePrice reads "0.49" as 490000 millionths.
func ParsePrice(s string) (int64, error) {
	whole, frac, dot := strings.Cut(strings.TrimSpace(s), ".")
	if whole == "" || len(whole) > 6 || len(frac) > 6 || (dot && frac == "") {
		return 0, ErrPrice
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, ErrPrice
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt((frac + "000000")[:6], 10, 64)
	return w*1_000_000 + f, nil
}

// FormatPrice writes millionths with at least two and at most six decimals, using
// the decimal separator given.
func FormatPrice(micro int64, dec string) string {
	frac := strconv.FormatInt(1_000_000+micro%1_000_000, 10)[1:]
	frac = strings.TrimRight(frac, "0")
	for len(frac) < 2 {
		frac += "0"
	}
	return strconv.FormatInt(micro/1_000_000, 10) + dec + frac
}

// SaveList creates or updates a list by external id and returns its id.
func SaveList(ctx context.Context, tx *sql.Tx, l List, now time.Time) (id int64, created bool, err error) {
	err = tx.QueryRowContext(ctx, `SELECT id FROM rate_lists WHERE external_id = ?`, l.ExternalID).Scan(&id)
	created = errors.Is(err, sql.ErrNoRows)
	if err != nil && !created {
		return 0, false, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO rate_lists (external_id, name, tariff_external_id, currency, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (external_id) DO UPDATE SET name = excluded.name, tariff_external_id = excluded.tariff_external_id,
		currency = excluded.currency, updated_at = excluded.updated_at RETURNING id`,
		l.ExternalID, l.Name, l.TariffExternalID, l.Currency, now.UTC().Format(time.RFC3339)).Scan(&id)
	return id, created, err
}

// RateWriter upserts rates of one list with a prepared statement.
type RateWriter struct{ stmt *sql.Stmt }

// NewRateWriter prepares the upsert in tx; Close it before the transaction ends.
func NewRateWriter(ctx context.Context, tx *sql.Tx) (*RateWriter, error) {
	st, err := tx.PrepareContext(ctx, `INSERT INTO rates (list_id, prefix, destination, price, connection_fee, first_increment, next_increment, effective_from)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (list_id, prefix, effective_from) DO UPDATE SET destination = excluded.destination,
		price = excluded.price, connection_fee = excluded.connection_fee, first_increment = excluded.first_increment,
		next_increment = excluded.next_increment`)
	return &RateWriter{st}, err
}

// Put stores one rate of a list (by prefix and effective day).
func (w *RateWriter) Put(ctx context.Context, listID int64, r Rate) error {
	_, err := w.stmt.ExecContext(ctx, listID, r.Prefix, r.Destination, r.Price, r.ConnectionFee, r.FirstIncrement, r.NextIncrement, r.EffectiveFrom)
	return err
}

// Close releases the statement.
func (w *RateWriter) Close() error { return w.stmt.Close() }

// DeleteList removes a list with its rates; false when there was none.
func DeleteList(ctx context.Context, tx *sql.Tx, ext string) (bool, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM rate_lists WHERE external_id = ?`, ext)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// ListsFor returns the lists that apply to holders of these tariffs (by external
// id) and the general lists, by name.
func ListsFor(ctx context.Context, q core.Querier, tariffs []string) ([]List, error) {
	args := []any{""}
	marks := "?"
	for _, t := range tariffs {
		if t != "" {
			args = append(args, t)
			marks += ", ?"
		}
	}
	return lists(ctx, q, ` WHERE tariff_external_id IN (`+marks+`)`, args...)
}

// AllLists returns every list, by name.
func AllLists(ctx context.Context, q core.Querier) ([]List, error) { return lists(ctx, q, "") }

func lists(ctx context.Context, q core.Querier, where string, args ...any) ([]List, error) {
	return core.List(ctx, q, func(row core.Row) (List, error) {
		var l List
		err := row.Scan(&l.ID, &l.ExternalID, &l.Name, &l.TariffExternalID, &l.Currency)
		return l, err
	}, `SELECT id, external_id, name, tariff_external_id, currency FROM rate_lists`+where+` ORDER BY name, id`, args...)
}

// Query selects and orders a list's rates for one page.
type Query struct {
	Search        string // a prefix of the dialled prefix, or a part of the destination's name
	Sort          string // prefix, destination or price
	Desc          bool
	Limit, Offset int
}

func (q Query) where(listID int64) (string, []any) {
	w, args := ` WHERE list_id = ?`, []any{listID}
	if s := strings.TrimSpace(q.Search); s != "" {
		esc := core.LikeEscape(s)
		w += ` AND (prefix LIKE ? ESCAPE '\' OR destination LIKE ? ESCAPE '\')`
		args = append(args, strings.TrimPrefix(esc, "+")+"%", "%"+esc+"%")
	}
	return w, args
}

// Count counts a list's rates matching the search.
func Count(ctx context.Context, db core.Querier, listID int64, q Query) (int, error) {
	w, args := q.where(listID)
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM rates`+w, args...).Scan(&n)
	return n, err
}

// Rates returns one page of a list's rates.
func Rates(ctx context.Context, db core.Querier, listID int64, q Query) ([]Rate, error) {
	w, args := q.where(listID)
	col := map[string]string{"destination": "destination", "price": "price"}[q.Sort]
	if col == "" {
		col = "prefix"
	}
	dir := " ASC"
	if q.Desc {
		dir = " DESC"
	}
	args = append(args, q.Limit, q.Offset)
	return core.List(ctx, db, func(row core.Row) (Rate, error) {
		var r Rate
		err := row.Scan(&r.ID, &r.Prefix, &r.Destination, &r.Price, &r.ConnectionFee, &r.FirstIncrement, &r.NextIncrement, &r.EffectiveFrom)
		return r, err
	}, `SELECT id, prefix, destination, price, connection_fee, first_increment, next_increment, effective_from
		FROM rates`+w+` ORDER BY `+col+dir+`, prefix, effective_from LIMIT ? OFFSET ?`, args...)
}
