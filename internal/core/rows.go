package core

import (
	"context"
	"strings"
)

// Row is what a scan function reads: a *sql.Row or the current row of *sql.Rows. It is
// an alias so the existing scanX(row interface{ Scan(...any) error }) functions fit.
type Row = interface{ Scan(...any) error }

// List runs a query and reads every row with scan. The rows are closed before List
// returns, so the caller may run further queries on the same transaction.
func List[T any](ctx context.Context, q Querier, scan func(Row) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ScanValue reads a row of one column, for List of plain values (ids, names).
func ScanValue[T any](row Row) (T, error) {
	var v T
	err := row.Scan(&v)
	return v, err
}

// Null stores the zero value (no id, no text) as SQL NULL, so an optional column or
// a foreign key stays NULL rather than 0 or ”.
func Null[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}

// NullText is Null of the trimmed text: blank text is NULL.
func NullText(s string) any { return Null(strings.TrimSpace(s)) }

// InsertID runs an INSERT ... RETURNING id and returns the new row's id. Both engines
// answer RETURNING; sql.Result.LastInsertId is SQLite's alone (PostgreSQL's driver has
// none), so the store code never uses it.
func InsertID(ctx context.Context, q Querier, query string, args ...any) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, query, args...).Scan(&id)
	return id, err
}

// InList returns "?, ?, ?" for the values and the values as arguments, for a query's
// IN (...) list (SQLite's json_each and PostgreSQL's ANY($1) are each one engine's).
func InList[T any](values []T) (string, []any) {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", "), args
}
