package buttons

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
)

// recheck is how often a process asks the database whether another process (the CLI,
// the staff console of another instance) changed the buttons. Between checks the menu
// costs no query.
const recheck = time.Second

// cache holds the active buttons and the revision they were read at.
type cache struct {
	rev     int64
	local   int64
	checked time.Time
	buttons []Button
}

// addToMenu gives a logged-in client's pages the custom buttons, in their language.
func (m *Module) addToMenu(c *fiber.Ctx) error {
	if m.d.Web.Session(c) == nil {
		return c.Next()
	}
	bs := m.current(c.UserContext())
	if len(bs) == 0 {
		return c.Next()
	}
	lang := m.d.Web.Lang(c)
	items := make([]web.MenuItem, len(bs))
	for i, b := range bs {
		items[i] = web.MenuItem{Key: b.LabelEN, Label: b.Label(lang), Path: b.URL, Order: menuOrder + i, NewTab: b.NewTab}
	}
	c.Locals(menuLocal, items)
	return c.Next()
}

// current returns the active buttons, reading them again only after a write in this
// process or when the stored revision moved.
func (m *Module) current(ctx context.Context) []Button {
	m.mu.Lock()
	defer m.mu.Unlock()
	local := localRev.Load()
	if m.cache != nil && m.cache.local == local && time.Since(m.cache.checked) < recheck {
		return m.cache.buttons
	}
	rev, err := revision(ctx, m.d.DB.R)
	if err != nil {
		m.d.Log.Error("buttons.current: revision", "err", err)
		if m.cache != nil {
			return m.cache.buttons
		}
		return nil
	}
	if m.cache != nil && m.cache.rev == rev {
		m.cache.local, m.cache.checked = local, time.Now()
		return m.cache.buttons
	}
	bs, err := ListButtons(ctx, m.d.DB.R, true)
	if err != nil {
		m.d.Log.Error("buttons.current: list", "err", err)
		if m.cache != nil {
			return m.cache.buttons
		}
		return nil
	}
	m.cache = &cache{rev: rev, local: local, checked: time.Now(), buttons: bs}
	return bs
}
