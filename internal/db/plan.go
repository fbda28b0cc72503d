package db

import "database/sql/driver"

// planEach is the type of PlanEach.
type planEach struct{}

// PlanEach, as a query's first argument, asks for a plan made for the query's values
// at every execution. PostgreSQL otherwise may settle, after five executions of a
// prepared statement (pgx keeps them per connection), on a generic plan made without
// the values, and a generic plan cannot tell a text few rows contain (which a trigram
// index answers in a millisecond) from one most rows contain (which a walk in the
// list's order answers as fast): whichever it picks, the other kind of text reads
// the whole table. PostgreSQL gets such a query with its values in the text (pgx's
// simple protocol, which quotes them; one round trip, as before): with no parameters
// there is no generic plan to settle on, whatever plan_cache_mode says. An unnamed
// statement would not do: plan_cache_mode applies to it too. SQLite drops the hint,
// as its planner does not choose by the values. For read queries whose best plan
// depends on the values; every other query keeps its prepared statement.
var PlanEach any = planEach{}

// withoutPlanEach drops a PlanEach first argument and numbers the others from 1 again,
// as the SQLite driver binds them by position.
func withoutPlanEach(args []driver.NamedValue) []driver.NamedValue {
	if len(args) == 0 {
		return args
	}
	if _, ok := args[0].Value.(planEach); !ok {
		return args
	}
	out := make([]driver.NamedValue, len(args)-1)
	for i, a := range args[1:] {
		a.Ordinal = i + 1
		out[i] = a
	}
	return out
}
