package core

import (
	"context"
	"fmt"
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

// Where gathers the conditions of a list's filters that are set, with their arguments.
// A filter is a condition only when set: written as "? = 0 OR client_id = ?" it hides
// the column's index from the planner, and a list of one client's rows reads every
// client's (the staff client card's audit lists did, 0.5 s with two million entries);
// and PostgreSQL types such a parameter as the literal's int4, refusing an id above
// 2,147,483,647 (an internal error where the answer is "not found").
type Where struct {
	conds []string
	args  []any
}

// And adds a condition with its arguments.
func (w *Where) And(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// SQL is " WHERE a AND b", or "" without conditions.
func (w Where) SQL() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// Args are the conditions' arguments followed by more (a LIMIT, say).
func (w Where) Args(more ...any) []any { return append(append([]any{}, w.args...), more...) }

// PageLimit is the LIMIT clause of a page: none for limit 0 (the whole list).
func PageLimit(limit, offset int) string {
	if limit <= 0 {
		return ""
	}
	return fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(offset, 0))
}

// LikeEscape makes text match itself in a LIKE pattern written with ESCAPE '\' (a
// filter "data_" must not match "dataX").
func LikeEscape(s string) string { return likeEscaper.Replace(s) }

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
