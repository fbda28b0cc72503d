package api

import (
	"time"

	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/web"
)

// SessionInfo describes the caller's session.
type SessionInfo struct {
	Login string    `json:"login"`
	Name  string    `json:"name"`
	Role  string    `json:"role"`
	Until time.Time `json:"idle_expires_at" doc:"the session ends if unused until then"`
}

func (m *Module) sessionMethods() []*rpc.Method {
	return []*rpc.Method{
		rpc.Def("session.info", perm.Session, "Returns who is calling. Send auth with it to log in and receive a session_id in the envelope; "+
			"any other method logs in the same way.",
			struct{}{}, SessionInfo{Login: "billing", Name: "Billing system (API)", Role: "api", Until: time.Date(2026, 11, 2, 10, 30, 0, 0, time.UTC)},
			func(c *rpc.Call, _ *struct{}) (SessionInfo, error) {
				return SessionInfo{Login: c.Staff.Login, Name: c.Staff.Name, Role: c.Staff.Role, Until: c.Now.Add(idleTTL).UTC()}, nil
			}),
		rpc.Def("session.logout", perm.Session, "Ends the session: its SID is refused from now on.", struct{}{}, struct {
			LoggedOut bool `json:"logged_out"`
		}{true},
			func(c *rpc.Call, _ *struct{}) (struct {
				LoggedOut bool `json:"logged_out"`
			}, error) {
				_, err := m.d.DB.W.ExecContext(c.Ctx, `DELETE FROM api_sessions WHERE token_hash = ?`, web.HashToken(c.Session))
				return struct {
					LoggedOut bool `json:"logged_out"`
				}{err == nil}, err
			}),
	}
}
