package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// bulkRows is how many rows one multi-row INSERT carries. The statement is prepared
// once per table; a few hundred rows amortise the per-statement cost of
// database/sql and modernc while staying far below SQLite's parameter limit.
const bulkRows = 256

// bulk writes rows of one table with a prepared multi-row INSERT. The bench data
// generator uses it where the modules' Save functions (one statement per row, plus
// lookups) would not fit the two-minute budget.
type bulk struct {
	ctx   context.Context
	tx    *sql.Tx
	head  string // INSERT INTO t (a, b) VALUES
	tuple string // (?, ?)
	cols  int
	full  *sql.Stmt
	buf   []any
	rows  int64 // rows written so far
}

func newBulk(ctx context.Context, tx *sql.Tx, table string, cols ...string) (*bulk, error) {
	b := &bulk{ctx: ctx, tx: tx, cols: len(cols),
		head:  "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES ",
		tuple: "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"}
	st, err := tx.PrepareContext(ctx, b.statement(bulkRows))
	if err != nil {
		return nil, fmt.Errorf("bench-data: prepare %s: %w", table, err)
	}
	b.full = st
	b.buf = make([]any, 0, bulkRows*len(cols))
	return b, nil
}

func (b *bulk) statement(rows int) string {
	var s strings.Builder
	s.WriteString(b.head)
	for i := 0; i < rows; i++ {
		if i > 0 {
			s.WriteString(", ")
		}
		s.WriteString(b.tuple)
	}
	return s.String()
}

// add queues one row (exactly one value per column) and writes a full batch.
func (b *bulk) add(vals ...any) error {
	if len(vals) != b.cols {
		return fmt.Errorf("bench-data: %d values for %d columns in %s", len(vals), b.cols, b.head)
	}
	b.buf = append(b.buf, vals...)
	if len(b.buf) == cap(b.buf) {
		if _, err := b.full.ExecContext(b.ctx, b.buf...); err != nil {
			return fmt.Errorf("bench-data: %s: %w", b.head, err)
		}
		b.rows += bulkRows
		b.buf = b.buf[:0]
	}
	return nil
}

// close writes the last, partial batch and releases the statement.
func (b *bulk) close() error {
	defer b.full.Close()
	if len(b.buf) == 0 {
		return nil
	}
	n := len(b.buf) / b.cols
	if _, err := b.tx.ExecContext(b.ctx, b.statement(n), b.buf...); err != nil {
		return fmt.Errorf("bench-data: %s: %w", b.head, err)
	}
	b.rows += int64(n)
	b.buf = b.buf[:0]
	return nil
}
