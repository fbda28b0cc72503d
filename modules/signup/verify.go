package signup

import (
	"errors"

	"github.com/gofiber/fiber/v2"
)

type confirmData struct {
	Token string
	Name  string
}

type doneData struct {
	Signup Signup
	CanLog bool
}

// showConfirm answers the link in the mail with a page that asks to confirm: opening
// a link (a mail scanner fetching it) changes nothing; the button does.
func (m *Module) showConfirm(c *fiber.Ctx) error {
	tok := c.Query("token")
	s, err := m.Checked(c.UserContext(), tok)
	if errors.Is(err, ErrLinkDead) {
		return m.badLink(c, "signup.bad.dead")
	}
	if err != nil {
		return err
	}
	c.Set("Referrer-Policy", "no-referrer")
	return m.d.Web.Show(c, tplConfirm, "signup.confirm.title", confirmData{Token: tok, Name: s.Name})
}

// confirm handles POST /signup/verify: the account is created, once.
func (m *Module) confirm(c *fiber.Ctx) error {
	w := m.d.Web
	s, err := m.Verify(c.UserContext(), c.FormValue("token"), w.ClientIP(c), c.Get(fiber.HeaderUserAgent))
	switch {
	case errors.Is(err, ErrLinkDead):
		return m.badLink(c, "signup.bad.dead")
	case errors.Is(err, ErrChanged):
		return m.badLink(c, "signup.bad.changed")
	case errors.Is(err, ErrClosed):
		return fiber.ErrNotFound
	case err != nil:
		return err
	}
	// The account may log in at once when ci_signup_login_before_approval left it active.
	return w.Show(c, tplDone, "signup.done.title", doneData{Signup: s, CanLog: m.activeClient(c, s.ClientID)})
}

func (m *Module) activeClient(c *fiber.Ctx, id int64) bool {
	var active bool
	err := m.d.DB.R.QueryRowContext(c.UserContext(), `SELECT active FROM clients WHERE id = ?`, id).Scan(&active)
	return err == nil && active
}

// badLink is the page of a link that cannot be used (410: it will not work again).
func (m *Module) badLink(c *fiber.Ctx, key string) error {
	p := m.d.Web.NewPage(c, "signup.bad.title", key)
	p.Status = fiber.StatusGone
	return m.d.Web.Render(c, tplBadLink, p)
}
