package admin

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/modules/auth"
	"github.com/ispportal/portal/settings"
)

// policyKey translates a password policy refusal.
func policyKey(err error) string {
	switch {
	case errors.Is(err, password.ErrTooShort):
		return "admin.password.too_short"
	case errors.Is(err, password.ErrTooLong):
		return "admin.password.too_long"
	case errors.Is(err, password.ErrCommon):
		return "admin.password.common"
	case errors.Is(err, password.ErrPersonal):
		return "admin.password.personal"
	}
	return "admin.password.invalid_text"
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
// The auth module stores, audits and kills old links and sessions in each case.
func (m *Module) passwordAction(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cl, err := m.clientParam(c)
	if err != nil {
		return err
	}
	back := prefix + pathClients + "/" + strconv.FormatInt(cl.ID, 10)
	actor, ip := m.actor(c), m.d.Web.ClientIP(c)
	switch c.FormValue("action") {
	case "generate":
		pw, err := auth.GenerateOneTimePassword(ctx, m.d, cl.ID, actor, ip)
		if errors.Is(err, auth.ErrInactive) {
			m.d.Web.AddFlash(c, "error", "admin.password.inactive")
			return m.d.Web.Redirect(c, back)
		}
		if err != nil {
			return err
		}
		// The answer carries the password: no caching anywhere.
		c.Set(fiber.HeaderCacheControl, "no-store")
		return m.d.Web.Show(c, tplPasswordResult, "admin.password.title", passwordResult{Client: cl, Password: pw})
	case "set":
		pw := c.FormValue("password")
		// The policy is checked here first, with the same rules auth applies, so that
		// staff get a translated error beside the field instead of a failed request.
		min := settings.PasswordMinLength.Get(m.d.Settings)
		if err := password.Check(pw, min, cl.Number, cl.Username, cl.Email); err != nil {
			return m.showClientCard(c, cl, map[string]string{"password": policyKey(err)})
		}
		err := auth.SetOneTimePassword(ctx, m.d, cl.ID, pw, actor, ip)
		if errors.Is(err, auth.ErrInactive) {
			m.d.Web.AddFlash(c, "error", "admin.password.inactive")
			return m.d.Web.Redirect(c, back)
		}
		if err != nil {
			return err
		}
		m.d.Web.AddFlash(c, "ok", "admin.password.set_done")
		return m.d.Web.Redirect(c, back)
	case "link":
		err := auth.SendPasswordLink(ctx, m.d, cl.ID, actor, ip)
		switch {
		case errors.Is(err, auth.ErrInactive):
			m.d.Web.AddFlash(c, "error", "admin.password.inactive")
		case errors.Is(err, auth.ErrNoSender):
			m.d.Web.AddFlash(c, "error", "admin.password.no_sender")
		case errors.Is(err, auth.ErrNoEmail):
			m.d.Web.AddFlash(c, "error", "admin.password.no_email")
		case errors.Is(err, auth.ErrNoBaseURL):
			m.d.Web.AddFlash(c, "error", "admin.password.no_base_url")
		case err != nil:
			return err
		default:
			m.d.Web.AddFlash(c, "ok", "admin.password.link_sent", cl.Email)
		}
		return m.d.Web.Redirect(c, back)
	}
	return fiber.NewError(fiber.StatusBadRequest, "unknown password action")
}
