package auth

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/settings"
)

// staffPolicyKey translates a password policy refusal.
func staffPolicyKey(err error) string {
	switch {
	case errors.Is(err, password.ErrTooShort):
		return "auth.staff.password.too_short"
	case errors.Is(err, password.ErrTooLong):
		return "auth.staff.password.too_long"
	case errors.Is(err, password.ErrCommon):
		return "auth.staff.password.common"
	case errors.Is(err, password.ErrPersonal):
		return "auth.staff.password.personal"
	}
	return "auth.staff.password.invalid_text"
}

// passwordResult is the page that shows a generated one-time password, once.
type passwordResult struct {
	Client   core.Client
	Password string
}

// passwordAction handles POST /admin/clients/:id/password with action:
//   - generate: a random one-time password, shown once on the answer to this POST
//     (never stored in clear, never logged, never put in a flash or a URL);
//   - set: a one-time password typed by staff (the policy's minimum length applies);
//   - link: the create-password e-mail, refused with the seed's messages when the
//     system sender or the client's address is missing.
//
// A deactivated client gets none of them (the card says so): they cannot log in.
//
// This module stores, audits and kills old links and sessions in each case.
func (m *Module) passwordAction(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cl, err := m.staffClient(c)
	if err != nil {
		return err
	}
	back := clientPath(cl.ID)
	actor, ip := console.Actor(m.d.Web, c), m.d.Web.ClientIP(c)
	switch c.FormValue("action") {
	case "generate":
		pw, err := GenerateOneTimePassword(ctx, m.d, cl.ID, actor, ip)
		if errors.Is(err, ErrInactive) {
			m.d.Web.AddFlash(c, "error", "auth.staff.password.inactive")
			return m.d.Web.Redirect(c, back)
		}
		if err != nil {
			return err
		}
		// The answer carries the password: no caching anywhere.
		c.Set(fiber.HeaderCacheControl, "no-store")
		return m.d.Web.Show(c, "auth/staff_password_result", "auth.staff.password.title", passwordResult{Client: cl, Password: pw})
	case "set":
		pw := c.FormValue("password")
		// The policy is checked here first, with the same rules auth applies, so that
		// staff get a translated error beside the field instead of a failed request.
		min := settings.PasswordMinLength.Get(m.d.Settings)
		if err := password.Check(pw, min, cl.Number, cl.Username, cl.Email); err != nil {
			return m.d.Hooks.ClientCard(c, cl, map[string]string{"password": staffPolicyKey(err)})
		}
		err := SetOneTimePassword(ctx, m.d, cl.ID, pw, actor, ip)
		if errors.Is(err, ErrInactive) {
			m.d.Web.AddFlash(c, "error", "auth.staff.password.inactive")
			return m.d.Web.Redirect(c, back)
		}
		if err != nil {
			return err
		}
		m.d.Web.AddFlash(c, "ok", "auth.staff.password.set_done")
		return m.d.Web.Redirect(c, back)
	case "link":
		err := SendPasswordLink(ctx, m.d, cl.ID, actor, ip)
		switch {
		case errors.Is(err, ErrInactive):
			m.d.Web.AddFlash(c, "error", "auth.staff.password.inactive")
		case errors.Is(err, ErrNoSender):
			m.d.Web.AddFlash(c, "error", "auth.staff.password.no_sender")
		case errors.Is(err, ErrNoEmail):
			m.d.Web.AddFlash(c, "error", "auth.staff.password.no_email")
		case errors.Is(err, ErrNoBaseURL):
			m.d.Web.AddFlash(c, "error", "auth.staff.password.no_base_url")
		case err != nil:
			return err
		default:
			m.d.Web.AddFlash(c, "ok", "auth.staff.password.link_sent", cl.Email)
		}
		return m.d.Web.Redirect(c, back)
	}
	return fiber.NewError(fiber.StatusBadRequest, "unknown password action")
}
