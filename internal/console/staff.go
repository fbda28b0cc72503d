package console

import (
	"context"

	"github.com/ispportal/portal/internal/core"
)

// AssignableStaff lists the staff a task or ticket can be assigned to: active accounts
// of people (the API's machine account excluded).
func AssignableStaff(ctx context.Context, q core.Querier) ([]core.Staff, error) {
	all, err := core.StaffList(ctx, q)
	var out []core.Staff
	for _, s := range all {
		if s.Active && s.Role != core.RoleAPI {
			out = append(out, s)
		}
	}
	return out, err
}
