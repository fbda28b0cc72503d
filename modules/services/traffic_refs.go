package services

import (
	"context"
	"strings"

	"github.com/ispportal/portal/internal/core"
)

// refsPerQuery is how many references one lookup of serviceRefs carries.
const refsPerQuery = 500

// serviceRefs resolves the services a traffic.push call names, by external id and
// by portal id, a few hundred to a query: a collector's call carries one reading of
// every service, and a lookup per service cost a fifth of the call. It returns the
// id of each known external id and the set of known ids; unknown ones are absent.
func serviceRefs(ctx context.Context, q core.Querier, exts []string, ids []int64) (map[string]int64, map[int64]bool, error) {
	byExt := make(map[string]int64, len(exts))
	known := make(map[int64]bool, len(ids))
	for start := 0; start < len(exts); start += refsPerQuery {
		part := exts[start:min(start+refsPerQuery, len(exts))]
		args := make([]any, len(part))
		for i, e := range part {
			args[i] = e
		}
		err := scanRefs(ctx, q, `SELECT external_id, id FROM services WHERE external_id IN (`+marks(len(part))+`)`, args,
			func(ext string, id int64) { byExt[ext] = id })
		if err != nil {
			return nil, nil, err
		}
	}
	for start := 0; start < len(ids); start += refsPerQuery {
		part := ids[start:min(start+refsPerQuery, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		err := scanRefs(ctx, q, `SELECT '', id FROM services WHERE id IN (`+marks(len(part))+`)`, args,
			func(_ string, id int64) { known[id] = true })
		if err != nil {
			return nil, nil, err
		}
	}
	return byExt, known, nil
}

func scanRefs(ctx context.Context, q core.Querier, query string, args []any, found func(string, int64)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ext string
		var id int64
		if err := rows.Scan(&ext, &id); err != nil {
			return err
		}
		found(ext, id)
	}
	return rows.Err()
}

// marks is n comma-separated "?".
func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }
