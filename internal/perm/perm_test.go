package perm

import (
	"sort"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
)

// TestTable pins the policy's key lines and the table's shape: every role named is a
// real role, the machine account never reaches the console or settings writes, and
// nobody gets a write without the matching read.
func TestTable(t *testing.T) {
	roles := map[string]bool{core.RoleAdmin: true, core.RoleSupport: true, core.RoleReadOnly: true, core.RoleAPI: true}
	for _, act := range Actions() {
		for _, role := range Roles(act) {
			if !roles[role] {
				t.Errorf("%s names unknown role %q", act, role)
			}
		}
		if !Allows(core.RoleAdmin, act) {
			t.Errorf("administrators may not %s", act)
		}
		if !Reads(act) && Allows(core.RoleReadOnly, act) && act != ConsoleUse {
			t.Errorf("read-only staff may %s", act)
		}
		if area, ok := strings.CutSuffix(string(act), ".write"); ok {
			if read := Action(area + ".read"); Known(read) {
				for _, role := range Roles(act) {
					if !Allows(role, read) {
						t.Errorf("%s may %s but not %s", role, act, read)
					}
				}
			}
		}
	}
	cases := []struct {
		role string
		act  Action
		want bool
	}{
		{core.RoleAPI, ConsoleUse, false},
		{core.RoleAPI, SettingsWrite, false},
		{core.RoleAPI, FilesWrite, true},
		{core.RoleSupport, FilesWrite, false},
		{core.RoleSupport, ButtonsWrite, false},
		{core.RoleSupport, TicketsWrite, true},
		{core.RoleSupport, PasswordsWrite, true},
		{core.RoleSupport, SettingsRead, false},
		{core.RoleReadOnly, SettingsRead, true},
		{core.RoleReadOnly, MessagesWrite, false},
		{core.RoleAPI, PrivacyRead, true},
		{core.RoleAPI, PrivacyWrite, true},
		{core.RoleSupport, PrivacyWrite, false},
		{core.RoleAPI, ClientsExport, false},
		{core.RoleReadOnly, ClientsExport, false},
		{"", ClientsRead, false},
		{core.RoleAdmin, Action("nothing.read"), false},
	}
	for _, c := range cases {
		if got := Allows(c.role, c.act); got != c.want {
			t.Errorf("Allows(%q, %s) = %v, want %v", c.role, c.act, got, c.want)
		}
	}
	if Level(SettingsWrite) != "admin" || Level(FilesWrite) != "write" || Level(FilesRead) != "read" || Level(Session) != "read" {
		t.Error("levels")
	}
}

// Actions lists every action of the table, sorted (for the table test).
func Actions() []Action {
	out := make([]Action, 0, len(table))
	for act := range table {
		out = append(out, act)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
