package requests_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ispportal/portal/modules/requests"
)

// TestRequestAssignCommand: `portal request assign` sets the assignees through Update,
// with a history line and an audit entry; unknown staff and requests are refused.
func TestRequestAssignCommand(t *testing.T) {
	w := newWorld(t)
	w.env.Browser().LoginAs(w.a).Post("/requests", form("Router", "technical", "Broken")).Expect(t, 303)
	w.env.AddStaff("jana", "support", "correct horse battery")
	w.env.AddStaff("petr", "admin", "correct horse battery")
	out, err := run(t, w.env, "request assign", "1", "jana", "petr")
	if err != nil || !strings.Contains(out, "jana") || !strings.Contains(out, "petr") {
		t.Fatalf("assign: %v %s", err, out)
	}
	as, _ := requests.Assignees(context.Background(), w.env.Deps.DB.R, 1)
	if len(as) != 2 {
		t.Fatalf("assignees %+v", as)
	}
	for _, args := range [][]string{{"1", "nobody"}, {"99", "jana"}, {"x", "jana"}, {"1"}, {"1", "jana", "petr"}} {
		if _, err := run(t, w.env, "request assign", args...); err == nil {
			t.Fatalf("request assign %v accepted", args)
		}
	}
	if _, err := run(t, w.env, "request assign", "1", "-"); err != nil {
		t.Fatal(err)
	}
	if as, _ = requests.Assignees(context.Background(), w.env.Deps.DB.R, 1); len(as) != 0 {
		t.Fatalf("after -: %+v", as)
	}
	if w.env.AuditCount("request.update", "cli") != 2 {
		t.Fatal("not audited")
	}
}
