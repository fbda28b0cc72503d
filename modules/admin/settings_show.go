package admin

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/factor"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/settings"
)

// settingsData is the settings page's view model.
type settingsData struct {
	Q        string
	Group    int64
	Groups   []core.InvoiceGroup
	Sections []settingSection
	Count    int
	CanWrite bool
	Invalid  int // fields with errors after a refused save
}

// groupParam reads ?group= (or the form's group): 0 means the global values. An id
// that is not an invoice group answers 404.
func (m *Module) groupParam(c *fiber.Ctx, raw string) (int64, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "0" {
		return 0, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	if _, err := core.GroupByID(c.UserContext(), m.d.DB.R, id); err != nil {
		return 0, err
	}
	return id, nil
}

// showSettings renders GET /admin/settings?q=&group=.
func (m *Module) showSettings(c *fiber.Ctx) error {
	group, err := m.groupParam(c, c.Query("group"))
	if err != nil {
		return err
	}
	q := strings.TrimSpace(c.Query("q"))
	fields := map[string]*settingField{}
	for _, d := range m.visibleDefs(q, group) {
		fields[d.Key] = m.buildField(d, group)
	}
	return m.renderSettings(c, q, group, fields, 0)
}

// renderSettings shows the form with the given fields (fresh, or as typed with errors).
func (m *Module) renderSettings(c *fiber.Ctx, q string, group int64, fields map[string]*settingField, invalid int) error {
	groups, err := core.Groups(c.UserContext(), m.d.DB.R)
	if err != nil {
		return err
	}
	d := settingsData{Q: q, Group: group, Groups: groups, CanWrite: m.can(c, perm.SettingsWrite), Invalid: invalid}
	lang := m.d.Web.Lang(c)
	index := map[string]int{}
	for _, def := range m.visibleDefs(q, group) {
		f := fields[def.Key]
		if f == nil {
			continue
		}
		// The registry's English label and help are the fallback of a missing translation.
		if k := settingKey(def.Key, "label"); m.d.Web.Catalog.Has(lang, k) {
			f.Label = m.d.Web.T(c, k)
		}
		if k := settingKey(def.Key, "help"); m.d.Web.Catalog.Has(lang, k) {
			f.Help = m.d.Web.T(c, k)
		}
		if def.Key == settings.PortalURL.Key && group == 0 {
			if f.Notes, err = m.passkeyNotes(c); err != nil {
				return err
			}
		}
		i, ok := index[def.Section]
		if !ok {
			label := def.Section
			if key := sectionKey(def.Section); m.d.Web.Catalog.Has(lang, key) {
				label = m.d.Web.T(c, key)
			}
			d.Sections = append(d.Sections, settingSection{Name: def.Section, Label: label,
				Anchor: "sec-" + strings.ToLower(strings.ReplaceAll(def.Section, " ", "-"))})
			i = len(d.Sections) - 1
			index[def.Section] = i
		}
		d.Sections[i].Fields = append(d.Sections[i].Fields, f)
		d.Count++
	}
	p := m.d.Web.NewPage(c, "admin.settings.title", d)
	if invalid > 0 {
		p.Status = fiber.StatusUnprocessableEntity
	}
	return m.d.Web.Render(c, tplSettings, p)
}

// settingsURL is the page to return to after a save.
func settingsURL(q string, group int64) string {
	v := []string{}
	if q != "" {
		v = append(v, "q="+urlQuery(q))
	}
	if group != 0 {
		v = append(v, "group="+strconv.FormatInt(group, 10))
	}
	if len(v) == 0 {
		return prefix + pathSettings
	}
	return prefix + pathSettings + "?" + strings.Join(v, "&")
}

// passkeyNotes warn next to ci_url before it is saved: passkeys are bound to its host
// (the relying-party id), so a new host makes those registered for the current one
// stop working, and those registered for an earlier host work no longer.
func (m *Module) passkeyNotes(c *fiber.Ctx) ([]string, error) {
	here, elsewhere, err := factor.PasskeyHosts(c.UserContext(), m.d.DB.R, m.d.Settings)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, h := range here {
		out = append(out, m.d.Web.T(c, "admin.settings.passkeys_here", "Count", h.Count, "Host", h.Host))
	}
	for _, h := range elsewhere {
		out = append(out, m.d.Web.T(c, "admin.settings.passkeys_elsewhere", "Count", h.Count, "Host", h.Host))
	}
	return out, nil
}
