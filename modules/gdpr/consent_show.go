package gdpr

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// choice is one purpose checkbox of the consent form.
type choice struct {
	ID      int64
	Name    string
	Checked bool
}

// showData is what the consent page shows.
type showData struct {
	State   State
	Choices []choice
	History []Entry
	// Notice is the translation key of why the last action was refused ("" if none).
	Notice string
}

// showConsent shows one consent document: its text, the client's current state, the
// form to give, change or withdraw, and the client's history for it.
func (m *Module) showConsent(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	return m.renderConsent(c, id, nil, "", 0, nil)
}

// renderConsent builds the page from the current state. ticked (when not nil) are the
// purposes the client had ticked in a refused form; otherwise the agreed ones are.
func (m *Module) renderConsent(c *fiber.Ctx, id int64, ticked map[int64]bool, notice string, status int, errs map[string]string) error {
	ctx, clientID := c.UserContext(), m.d.Web.ClientID(c)
	st, err := ConsentStateFor(ctx, m.d.DB.R, clientID, id)
	if errors.Is(err, core.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	hist, err := ConsentHistory(ctx, m.d.DB.R, clientID, id)
	if err != nil {
		return err
	}
	data := showData{State: st, History: hist, Notice: notice}
	for _, p := range st.Document.Purposes {
		checked := st.Status == StatusGiven && st.Agreed(p.Name)
		if ticked != nil {
			checked = ticked[p.ID]
		}
		data.Choices = append(data.Choices, choice{ID: p.ID, Name: p.Name, Checked: checked})
	}
	p := m.d.Web.NewPage(c, "gdpr.title", data)
	p.Status, p.Errors = status, errs
	return m.d.Web.Render(c, tplShow, p)
}

// parseCount reads a form counter (version, seq) strictly; 0 is allowed.
func parseCount(s string) (int, bool) {
	if s == "0" {
		return 0, true
	}
	n, ok := core.ParseID(s)
	if !ok || n > 1<<31 {
		return 0, false
	}
	return int(n), true
}
