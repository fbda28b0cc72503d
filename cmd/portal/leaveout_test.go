package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
)

// TestLeaveModuleOut boots the portal with each feature module left out of the list
// in turn (console, API and login stay): it serves its pages, the staff client card
// renders without that module's section, and the left-out module's methods are
// unknown (-32601). The boots run in parallel: each module set is migrated anew.
func TestLeaveModuleOut(t *testing.T) {
	shells := map[string]bool{"admin": true, "api": true, "auth": true}
	for i := range modules {
		name := modules[i](app.Deps{}).Info().Name
		if shells[name] {
			continue
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			list := append(append([]app.Constructor{}, modules[:i]...), modules[i+1:]...)
			env := testkit.New(t, list...)
			cid := env.AddClient("5001", 0)
			var staff int64
			env.Tx(func(tx *sql.Tx) error {
				var err error
				staff, err = core.SaveStaff(context.Background(), tx, core.Staff{Login: "boss", Name: "Boss", Role: core.RoleAdmin,
					Active: true}, core.Now(env.Clock.Now()))
				return err
			})
			b := env.Browser().LoginStaff(staff)
			b.Get("/healthz").Expect(t, 200)
			b.Get("/admin").Expect(t, 200)
			b.Get("/admin/clients/"+strconv.FormatInt(cid, 10)).Expect(t, 200)
			c := env.Browser().LoginAs(cid)
			c.Get("/").Expect(t, 303)
			// The module's own methods are unknown now; the API itself answers.
			for _, m := range modules[i](app.Deps{}).Info().Methods {
				body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": m.Name, "params": map[string]any{}})
				req, _ := http.NewRequest(http.MethodPost, "/jsonrpc", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if r := env.Browser().Do(req); !strings.Contains(r.Body, `"code":-32601`) {
					t.Errorf("%s answered %s", m.Name, r.Body)
				}
			}
		})
	}
}
