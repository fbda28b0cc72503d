package admin

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/modules/auth"
	"github.com/ispportal/portal/settings"
)

// loginCard is the login section of the client card: password, lockout and the
// password actions.
type loginCard struct {
	Client      core.Client
	Locked      bool
	LockedUntil string
	Failures    int
	HasPassword bool
	NoSender    bool // the seed's "system email address and its name are not specified"
	NoEmail     bool // the seed's "no email address is available for the client"
	MinLength   int
	CanWrite    bool
}

// cardLogin is the login section, beside the client's contact data.
func (m *Module) cardLogin() app.CardSection {
	return app.CardSection{Name: "login", Order: 0, Action: perm.ClientsRead, Beside: true,
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			ctx := c.UserContext()
			d := loginCard{Client: cl, MinLength: settings.PasswordMinLength.Get(m.d.Settings),
				CanWrite: console.Can(m.d.Web, c, perm.PasswordsWrite),
				NoSender: settings.SystemMail.Get(m.d.Settings) == "" || settings.SystemMailName.Get(m.d.Settings) == "",
				NoEmail:  cl.Email == ""}
			st, err := auth.LockState(ctx, m.d, cl.ID)
			if err != nil {
				return "", err
			}
			d.Locked, d.Failures = st.Locked(m.d.Now()), st.Failures
			if d.Locked {
				d.LockedUntil = core.Now(st.LockedUntil)
			}
			if d.HasPassword, err = auth.HasPassword(ctx, m.d.DB.R, cl.ID); err != nil {
				return "", err
			}
			return m.d.Web.Partial(c, "admin/card_login", d, errs)
		}}
}
