package helpdesk

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
)

// TestStaffTextLimits checks the one limit of a reply body (MaxBody runes) and of a
// department name (MaxDepartmentName runes) on the console and the CLI: the console
// used to refuse a reply over 50000 bytes and a name over 100 runes, the CLI took a
// reply of up to 1 MB and any name.
func TestStaffTextLimits(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, New, admin.New)
	h, err := password.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	var staff, dep, ticket int64
	env.Tx(func(tx *sql.Tx) error {
		ctx, now := context.Background(), env.Clock.Now()
		if staff, err = core.SaveStaff(ctx, tx, core.Staff{Login: "admin1", Name: "Admin", Role: core.RoleAdmin, PasswordHash: h,
			Active: true}, core.Now(now)); err != nil {
			return err
		}
		if dep, err = SaveDepartment(ctx, tx, Department{Name: "Support"}, now); err != nil {
			return err
		}
		ticket, err = SaveTicket(ctx, tx, Ticket{DepartmentID: dep, Subject: "Slow line"}, now)
		return err
	})
	b := env.Browser().LoginStaff(staff)
	path := fmt.Sprintf("/admin/tickets/%d", ticket)
	items := func() (n int) {
		env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM helpdesk_items WHERE ticket_id = ?`, ticket).Scan(&n)
		return n
	}

	// 30000 two-byte letters: 60000 bytes, well within MaxBody runes.
	b.Post(path+"/reply", url.Values{"body": {strings.Repeat("č", 30000)}}).Expect(t, 303)
	b.Post(path+"/reply", url.Values{"body": {strings.Repeat("a", MaxBody+1)}}).Expect(t, 422)
	if n := items(); n != 1 {
		t.Fatalf("%d replies stored, want 1", n)
	}
	f := &fixture{env: env}
	if _, err := run(t, f, "ticket reply", strings.Repeat("a", MaxBody+1), fmt.Sprint(ticket)); err == nil {
		t.Fatal("the CLI stored a reply over MaxBody")
	}
	if n := items(); n != 1 {
		t.Fatalf("%d replies stored, want 1", n)
	}

	name := strings.Repeat("d", 150)
	b.Post("/admin/departments", url.Values{"name": {name}}).Expect(t, 303)
	b.Post("/admin/departments", url.Values{"name": {strings.Repeat("d", MaxDepartmentName+1)}}).Expect(t, 422)
	if _, err := run(t, f, "department add", "", strings.Repeat("e", MaxDepartmentName+1)); err == nil {
		t.Fatal("the CLI stored a department name over MaxDepartmentName")
	}
	var n int
	env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM helpdesk_departments`).Scan(&n)
	if n != 2 {
		t.Fatalf("%d departments, want Support and the 150-rune one", n)
	}
}
