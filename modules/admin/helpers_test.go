package admin_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/auth"
	"github.com/ispportal/portal/modules/buttons"
	"github.com/ispportal/portal/modules/contact"
	"github.com/ispportal/portal/modules/documents"
	"github.com/ispportal/portal/modules/files"
	"github.com/ispportal/portal/modules/gdpr"
	"github.com/ispportal/portal/modules/helpdesk"
	"github.com/ispportal/portal/modules/info"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/services"
	"github.com/ispportal/portal/modules/sms"
)

// newEnv boots the portal with the console and the modules whose data the client
// card shows (their tables must exist), plus auth for the password actions.
func newEnv(t *testing.T) *testkit.Env {
	t.Helper()
	return testkit.New(t, buttons.New, info.New, contact.New, helpdesk.New, services.New, invoices.New, documents.New, files.New, gdpr.New, sms.New, auth.New, admin.New)
}

// addStaff creates a staff account the way `portal staff add` does.
func addStaff(t *testing.T, env *testkit.Env, login, role, pw string) int64 {
	t.Helper()
	return env.AddStaff(login, role, pw)
}

// staffBrowser returns a browser with a staff session of a new account of the role.
func staffBrowser(t *testing.T, env *testkit.Env, role string) *testkit.Browser {
	t.Helper()
	return env.StaffBrowser(role)
}

// auditCount counts audit entries with an action prefix (and actor, if given).
func auditCount(t *testing.T, env *testkit.Env, action, actor string) int {
	t.Helper()
	return env.AuditCount(action, actor)
}

var csrfField = regexp.MustCompile(`name="csrf" value="[^"]*"`)

// masked removes what legitimately differs between two answers (the CSRF token).
func masked(s string) string { return csrfField.ReplaceAllString(s, "") }

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func strconvFormat(n int64) string { return strconv.FormatInt(n, 10) }
