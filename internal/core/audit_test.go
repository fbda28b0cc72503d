package core_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/internal/testkit"
)

// AuditList's filters select what they say, each alone and together, and an action
// filter is a prefix of the text typed, not a pattern.
func TestAuditListFilters(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	a, b := env.AddClient("1001", 0), env.AddClient("1002", 0)
	for _, e := range []core.AuditEntry{
		{Actor: "client:1001", Action: "login.ok", ClientID: a},
		{Actor: "client:1002", Action: "login.fail", ClientID: b},
		{Actor: "staff:eva", Action: "client.edit", ClientID: a},
		{Actor: "staff:eva", Action: "data_change", ClientID: b},
		{Actor: "staff:eva", Action: "dataXchange"},
		{Actor: "client:1001", Action: "login.ok", ClientID: a},
	} {
		e.At = env.Clock.Now()
		env.Tx(func(tx *sql.Tx) error { return core.Audit(ctx, tx, e) })
	}
	got := func(f core.AuditFilter) string {
		t.Helper()
		list, err := core.AuditList(ctx, env.Deps.DB.R, f)
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, e := range list {
			if strings.HasPrefix(e.Actor, "client:") || strings.HasPrefix(e.Actor, "staff:") {
				s = append(s, e.Actor+" "+e.Action)
			}
		}
		return strings.Join(s, ", ")
	}
	for _, c := range []struct {
		f    core.AuditFilter
		want string
	}{
		{core.AuditFilter{ClientID: a}, "client:1001 login.ok, staff:eva client.edit, client:1001 login.ok"},
		{core.AuditFilter{ClientID: a, Action: "login", Limit: 1}, "client:1001 login.ok"},
		{core.AuditFilter{Actor: "staff:eva"}, "staff:eva dataXchange, staff:eva data_change, staff:eva client.edit"},
		{core.AuditFilter{Action: "data_"}, "staff:eva data_change"},
		{core.AuditFilter{Action: "LOGIN.F"}, "client:1002 login.fail"},
		{core.AuditFilter{Actor: "staff:eva", ClientID: b}, "staff:eva data_change"},
		{core.AuditFilter{Actor: "staff:eva", Offset: 2}, "staff:eva client.edit"},
	} {
		if s := got(c.f); s != c.want {
			t.Errorf("%+v: %s, want %s", c.f, s, c.want)
		}
	}
}

// The client card's lists (a client's entries, and its logins) and the audit page's
// actor filter read their index, not the log from its newest entry: SQLite's plan
// names the index. (PostgreSQL picks between the index and the primary key by the
// statistics of the day, so only SQLite's plan is fixed enough to check.)
func TestAuditListUsesIndexes(t *testing.T) {
	dbtest.SkipSQLiteOnly(t, "the plan's choice of index on PostgreSQL depends on the statistics")
	env := testkit.New(t)
	for f, index := range map[core.AuditFilter]string{
		{ClientID: 1, Limit: 15}:                  "audit_log_client",
		{ClientID: 1, Action: "login", Limit: 10}: "audit_log_client",
		{Actor: "staff:eva"}:                      "audit_log_actor",
	} {
		query, args := core.AuditListQuery(f)
		if plan := dbtest.Plan(t, env.Deps.DB, query, args...); !strings.Contains(plan, index) {
			t.Errorf("%+v: the plan does not use %s:\n%s", f, index, plan)
		}
	}
}
