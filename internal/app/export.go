package app

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/ispportal/portal/internal/core"
)

// ExportSection is one table of a client's own-data export (GDPR articles 15 and
// 20): rows a module holds about the client. The export's JSON names it Module.Name;
// its PDF heading is the translation key "<Module>.export.<Name>" and each column's
// "<Module>.export.<Name>.<column>" (the raw name where a key is missing).
type ExportSection struct {
	Module  string
	Name    string
	Columns []string
	Rows    [][]string
}

// Exporter returns a module's sections of a client's export, reading with q. A
// module holding client data declares one in Info.Export; the gdpr module gathers
// them without importing the module.
type Exporter func(ctx context.Context, q core.Querier, clientID int64) ([]ExportSection, error)

// ExportQuery runs query with clientID as its only argument and returns the rows as
// a section; the query's column names (use AS) are the section's columns and every
// value is printed as text (NULL as "").
func ExportQuery(ctx context.Context, q core.Querier, module, name, query string, clientID int64) (ExportSection, error) {
	s := ExportSection{Module: module, Name: name}
	rows, err := q.QueryContext(ctx, query, clientID)
	if err != nil {
		return s, err
	}
	defer rows.Close()
	if s.Columns, err = rows.Columns(); err != nil {
		return s, err
	}
	for rows.Next() {
		vals := make([]any, len(s.Columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return s, err
		}
		row := make([]string, len(vals))
		for i, v := range vals {
			row[i] = exportText(v)
		}
		s.Rows = append(s.Rows, row)
	}
	return s, rows.Err()
}

// ExportQueries runs ExportQuery for each name → query pair in order.
func ExportQueries(ctx context.Context, q core.Querier, module string, clientID int64, pairs ...[2]string) ([]ExportSection, error) {
	out := make([]ExportSection, 0, len(pairs))
	for _, p := range pairs {
		s, err := ExportQuery(ctx, q, module, p[0], p[1], clientID)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func exportText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(v)
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case sql.RawBytes:
		return string(v)
	default:
		return ""
	}
}
