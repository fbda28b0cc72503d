package admin

import (
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/settings"
)

func urlQuery(s string) string { return url.QueryEscape(s) }

// saveSettings handles POST /admin/settings. The whole form is validated first; if any
// field is invalid nothing is saved and the form comes back with the typed values and
// an error beside each bad field. Otherwise every changed field is written in one
// transaction (each audited by the store and in the audit log), so a save is all or
// nothing. Only fields this person changed are written (see valueHash); a blank secret
// keeps the stored one. The subscriber side sees the values on its next request.
func (m *Module) saveSettings(c *fiber.Ctx) error {
	ctx := c.UserContext()
	group, err := m.groupParam(c, c.FormValue("group"))
	if err != nil {
		return err
	}
	q := strings.TrimSpace(c.FormValue("q"))
	type write struct {
		def   *settings.Def
		value string
		reset bool
	}
	var writes []write
	fields := map[string]*settingField{}
	invalid := 0
	for _, d := range m.visibleDefs(q, group) {
		raw, present := lastValue(c, "v."+d.Key)
		f := m.buildField(d, group)
		fields[d.Key] = f
		if !present {
			continue // not on the submitted form (e.g. the search changed meanwhile)
		}
		if group != 0 {
			inherit, _ := lastValue(c, "inherit."+d.Key)
			f.Inherit = inherit == "1"
			if f.Inherit {
				if f.Stored {
					writes = append(writes, write{def: d, reset: true})
				}
				if !d.Secret {
					f.Value = formText(raw)
				}
				continue
			}
		}
		if d.Secret {
			if raw == "" {
				continue // blank keeps the stored secret
			}
		} else {
			f.Value = formText(raw)
			sentHash, _ := lastValue(c, "h."+d.Key)
			if sentHash == valueHash(d, raw) && (group == 0 || f.Stored) {
				continue // unchanged on this form
			}
		}
		v := d.Normalize(formText(raw))
		if err := d.Validate(v); err != nil {
			f.Error = m.validationError(c, d, v, err)
			invalid++
			continue
		}
		writes = append(writes, write{def: d, value: v})
	}
	if invalid > 0 {
		return m.renderSettings(c, q, group, fields, invalid)
	}
	actor := m.actor(c)
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, w := range writes {
			if w.reset {
				if err := m.d.Settings.ResetTx(ctx, tx, w.def.Key, group, actor); err != nil {
					return err
				}
				if err := m.audit(ctx, c, tx, "setting.reset", 0, fmt.Sprintf("%s (invoice group %d)", w.def.Key, group)); err != nil {
					return err
				}
				continue
			}
			if err := m.d.Settings.SetTx(ctx, tx, w.def.Key, group, w.value, actor); err != nil {
				return err
			}
			detail := fmt.Sprintf("%s = %s", w.def.Key, oneLine(w.def.Display(w.value), 200))
			if group != 0 {
				detail += fmt.Sprintf(" (invoice group %d)", group)
			}
			if err := m.audit(ctx, c, tx, "setting.set", 0, detail); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Refresh this process's snapshot now; other processes sync on their next request.
	if err := m.d.Settings.Sync(ctx); err != nil {
		return err
	}
	if len(writes) == 0 {
		m.d.Web.AddFlash(c, "info", "admin.settings.unchanged")
	} else {
		m.d.Web.AddFlash(c, "ok", "admin.settings.saved", fmt.Sprint(len(writes)))
	}
	return m.d.Web.Redirect(c, settingsURL(q, group))
}

// oneLine shortens a value for the audit log.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
