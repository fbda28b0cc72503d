package usage

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// Record is one usage record.
type Record struct {
	ID          int64
	ExternalID  string
	ClientID    int64
	ServiceID   int64
	At          time.Time
	Type        string
	Destination string
	Quantity    int64
	Unit        string
	Rate        string
	Cost        int64
	Currency    string
}

// The record types and the units each may be counted in, with the largest
// quantity one record may carry in that unit: a month of calling, 10 TB of data.
var (
	Types = []string{"call", "sms", "data", "other"}
	units = map[string]int64{
		"s": 31 * 86400, "min": 31 * 1440, "msg": 100_000, "pcs": 1_000_000,
		"B": 10_000_000_000_000, "kB": 10_000_000_000, "MB": 10_000_000, "GB": 10_000,
	}
	typeUnits = map[string][]string{
		"call":  {"s", "min"},
		"sms":   {"msg"},
		"data":  {"B", "kB", "MB", "GB"},
		"other": {"pcs", "s", "min", "msg", "B", "kB", "MB", "GB"},
	}
)

// Named errors of a record (the API maps them to the field's path).
var (
	ErrUnit     = errors.New("unit does not fit the type")
	ErrQuantity = errors.New("quantity out of range")
	ErrRate     = errors.New("rate must be a decimal number such as 0.49 (at most 6 decimals)")
	ErrAt       = errors.New("time must be after 2000 and not more than a day ahead")
)

// CheckRecord validates what the stores would refuse, naming the field.
func CheckRecord(r Record, now time.Time) error {
	ok := false
	for _, u := range typeUnits[r.Type] {
		ok = ok || u == r.Unit
	}
	if !ok {
		return &core.FieldError{Field: "unit", Err: ErrUnit}
	}
	if r.Quantity < 0 || r.Quantity > units[r.Unit] {
		return &core.FieldError{Field: "quantity", Err: ErrQuantity}
	}
	if !validRate(r.Rate) {
		return &core.FieldError{Field: "rate", Err: ErrRate}
	}
	if r.At.Year() < 2000 || r.At.After(now.Add(24*time.Hour)) {
		return &core.FieldError{Field: "at", Err: ErrAt}
	}
	return nil
}

// AllowedUnits lists the units of a type, for the API's messages.
func AllowedUnits(typ string) string { return strings.Join(typeUnits[typ], ", ") }

// MaxQuantity is the largest quantity of a unit.
func MaxQuantity(unit string) int64 { return units[unit] }

// validRate accepts "" or digits with an optional fraction of up to 6 digits.
func validRate(s string) bool {
	if s == "" {
		return true
	}
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 9 || (dot && (frac == "" || len(frac) > 6)) {
		return false
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

const upsertSQL = `INSERT INTO usage_records (external_id, client_id, service_id, at, type, destination, quantity, unit, rate, cost, currency)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (external_id) DO UPDATE SET service_id = excluded.service_id, at = excluded.at, type = excluded.type,
  destination = excluded.destination, quantity = excluded.quantity, unit = excluded.unit, rate = excluded.rate,
  cost = excluded.cost, currency = excluded.currency
WHERE usage_records.client_id = excluded.client_id`

// ErrOtherClient is an external id already used by another client's record.
var ErrOtherClient = errors.New("external_id belongs to another client's record")

// Writer stores records in one transaction with one prepared statement.
type Writer struct {
	stmt *sql.Stmt
}

// NewWriter prepares the upsert in tx; Close it before the transaction ends.
func NewWriter(ctx context.Context, tx *sql.Tx) (*Writer, error) {
	st, err := tx.PrepareContext(ctx, upsertSQL)
	return &Writer{stmt: st}, err
}

// Put stores one record (created or replaced by external id). A record of the same
// external id held by another client is ErrOtherClient and nothing changes.
func (w *Writer) Put(ctx context.Context, r Record) error {
	res, err := w.stmt.ExecContext(ctx, r.ExternalID, r.ClientID, r.ServiceID, r.At.Unix(), r.Type, r.Destination,
		r.Quantity, r.Unit, r.Rate, r.Cost, r.Currency)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(ErrOtherClient, err)
	}
	return nil
}

// Close releases the statement.
func (w *Writer) Close() error { return w.stmt.Close() }

// Filter selects a client's records: [From, To) and optionally a service and a type.
type Filter struct {
	From, To  time.Time
	ServiceID int64
	Type      string
}

// where builds the filter's conditions and arguments.
func (f Filter) where(clientID int64) (string, []any) {
	q := ` WHERE client_id = ? AND at >= ? AND at < ?`
	args := []any{clientID, f.From.Unix(), f.To.Unix()}
	if f.ServiceID != 0 {
		q += ` AND service_id = ?`
		args = append(args, f.ServiceID)
	}
	if f.Type != "" {
		q += ` AND type = ?`
		args = append(args, f.Type)
	}
	return q, args
}

// Cursor is the keyset position of a page: records strictly older than (At, ID).
// The zero cursor is the first page.
type Cursor struct {
	At, ID int64
}

// String encodes the cursor for a URL ("1764770000.123").
func (c Cursor) String() string {
	if c.ID == 0 {
		return ""
	}
	return strconv.FormatInt(c.At, 10) + "." + strconv.FormatInt(c.ID, 10)
}

// ParseCursor reads a cursor from a URL; anything malformed is the first page.
func ParseCursor(s string) Cursor {
	a, b, ok := strings.Cut(s, ".")
	at, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil || id <= 0 {
		return Cursor{}
	}
	return Cursor{At: at, ID: id}
}

const recordCols = `id, external_id, client_id, service_id, at, type, destination, quantity, unit, rate, cost, currency`

// List returns up to limit records of a client after the cursor, newest first. It
// reads an index range, never counts, so a client with a million records pages as
// fast as one with ten.
func List(ctx context.Context, q core.Querier, clientID int64, f Filter, after Cursor, limit int) ([]Record, error) {
	query, args := listQuery(clientID, f, after, limit)
	return core.List(ctx, q, scanRecord, query, args...)
}

// listQuery is List's statement. Its order, (at, id) newest first, is the order of
// the indexes that name id (migration 0003), so neither database sorts.
func listQuery(clientID int64, f Filter, after Cursor, limit int) (string, []any) {
	if after.ID > 0 && after.At < f.To.Unix() {
		// The cursor's time is the range's upper bound, so that the index search starts
		// at the cursor: SQLite does not bound an index range by a row value ((at, id) <
		// (?, ?)), and every page (every batch of the CSV export) would then read the
		// index from the newest record again.
		f.To = time.Unix(after.At+1, 0)
	}
	where, args := f.where(clientID)
	if after.ID > 0 {
		where += ` AND (at < ? OR id < ?)`
		args = append(args, after.At, after.ID)
	}
	args = append(args, limit)
	return `SELECT ` + recordCols + ` FROM usage_records` + where + ` ORDER BY at DESC, id DESC LIMIT ?`, args
}

func scanRecord(row core.Row) (Record, error) {
	var r Record
	var at int64
	err := row.Scan(&r.ID, &r.ExternalID, &r.ClientID, &r.ServiceID, &at, &r.Type, &r.Destination, &r.Quantity,
		&r.Unit, &r.Rate, &r.Cost, &r.Currency)
	r.At = time.Unix(at, 0)
	return r, err
}

// Period is how the summary groups time.
type Period string

// The summary periods.
const (
	ByDay   Period = "day"
	ByMonth Period = "month"
)

// SummaryRow is one group of the summary.
type SummaryRow struct {
	Period    string // 2026-11 or 2026-11-02, in the server's time zone
	ServiceID int64
	Type      string
	Unit      string
	Currency  string
	Count     int64
	Quantity  int64
	Cost      int64
}

// Summary groups a client's records by period, service, type, unit and currency
// (quantities of different units are never added up), newest period first.
//
// The database adds the records up by quarter hour of UTC (at / 900, portable SQL);
// Go names each quarter's period in the server's time zone and adds those up. Every
// time zone's offset is a whole number of quarter hours, so no quarter straddles two
// local days: the figures are those of grouping each record by its local day.
func Summary(ctx context.Context, q core.Querier, clientID int64, f Filter, p Period) ([]SummaryRow, error) {
	layout := "2006-01"
	if p == ByDay {
		layout = "2006-01-02"
	}
	where, args := f.where(clientID)
	parts, err := core.List(ctx, q, func(row core.Row) (summaryPart, error) {
		var r summaryPart
		err := row.Scan(&r.quarter, &r.ServiceID, &r.Type, &r.Unit, &r.Currency, &r.Count, &r.Quantity, &r.Cost)
		return r, err
	}, `SELECT at / 900, service_id, type, unit, currency, COUNT(*), SUM(quantity), SUM(cost) FROM usage_records`+where+`
		GROUP BY at / 900, service_id, type, unit, currency`, args...)
	if err != nil {
		return nil, err
	}
	type key struct {
		period, typ, unit, currency string
		service                     int64
	}
	index := map[key]int{}
	var out []SummaryRow
	for _, r := range parts {
		k := key{time.Unix(r.quarter*900, 0).Format(layout), r.Type, r.Unit, r.Currency, r.ServiceID}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, SummaryRow{Period: k.period, ServiceID: r.ServiceID, Type: r.Type, Unit: r.Unit, Currency: r.Currency})
		}
		out[i].Count += r.Count
		out[i].Quantity += r.Quantity
		out[i].Cost += r.Cost
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Period != b.Period:
			return a.Period > b.Period
		case a.ServiceID != b.ServiceID:
			return a.ServiceID < b.ServiceID
		case a.Type != b.Type:
			return a.Type < b.Type
		case a.Unit != b.Unit:
			return a.Unit < b.Unit
		}
		return a.Currency < b.Currency
	})
	return out, nil
}

// summaryPart is one quarter hour's sums of one group, before Summary names its period.
type summaryPart struct {
	SummaryRow
	quarter int64
}

// Each calls fn for every record of the filter, newest first, reading batch records
// per query: memory stays flat however many records there are, and no read holds a
// database connection while fn writes to a slow client.
func Each(ctx context.Context, q core.Querier, clientID int64, f Filter, batch int, fn func(Record) error) error {
	var after Cursor
	for {
		list, err := List(ctx, q, clientID, f, after, batch)
		if err != nil {
			return err
		}
		for _, r := range list {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(list) < batch {
			return nil
		}
		last := list[len(list)-1]
		after = Cursor{At: last.At.Unix(), ID: last.ID}
	}
}
