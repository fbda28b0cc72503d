package auth

import (
	"html/template"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// staffCardData is the login section of the client card: password, lockout and the
// password actions.
type staffCardData struct {
	Client      core.Client
	Locked      bool
	LockedUntil string
	Failures    int
	HasPassword bool
	NoSender    bool // the seed's "system email address and its name are not specified"
	NoEmail     bool // the seed's "no email address is available for the client"
	MinLength   int
	CanWrite    bool
	// The client's second factors, for roles that may read them.
	CanFactors  bool
	Factor      FactorStatus
	CanResetFac bool
}

// staffCard is the login section, beside the client's contact data.
func (m *Module) staffCard() app.CardSection {
	return app.CardSection{Name: "login", Order: 0, Action: perm.ClientsRead, Beside: true,
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			ctx := c.UserContext()
			d := staffCardData{Client: cl, MinLength: settings.PasswordMinLength.Get(m.d.Settings),
				CanWrite: console.Can(m.d.Web, c, perm.PasswordsWrite),
				NoSender: settings.SystemMail.Get(m.d.Settings) == "" || settings.SystemMailName.Get(m.d.Settings) == "",
				NoEmail:  cl.Email == ""}
			st, err := LockState(ctx, m.d, cl.ID)
			if err != nil {
				return "", err
			}
			d.Locked, d.Failures = st.Locked(m.d.Now()), st.Failures
			if d.Locked {
				d.LockedUntil = core.Now(st.LockedUntil)
			}
			if d.HasPassword, err = HasPassword(ctx, m.d.DB.R, cl.ID); err != nil {
				return "", err
			}
			if d.CanFactors = console.Can(m.d.Web, c, perm.FactorsRead); d.CanFactors {
				if d.Factor, err = SecondFactorStatus(ctx, m.d, cl.ID); err != nil {
					return "", err
				}
				d.CanResetFac = console.Can(m.d.Web, c, perm.FactorsWrite)
			}
			return m.d.Web.Partial(c, "auth/staff_card", d, errs)
		}}
}

// staffPages are the client card's password actions, posted from the login section.
func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		console.Post("/clients/:id/unlock", perm.PasswordsWrite, m.unlockClient),
		console.Post("/clients/:id/password", perm.PasswordsWrite, m.passwordAction),
		console.Post("/clients/:id/factor/reset", perm.FactorsWrite, m.resetFactor),
	}
}

// staffClient loads the client of a card action; a bad or unknown id is 404.
func (m *Module) staffClient(c *fiber.Ctx) (core.Client, error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return core.Client{}, err
	}
	return core.ClientByID(c.UserContext(), m.d.DB.R, id)
}

// clientPath is the staff client card of id, where the actions return.
func clientPath(id int64) string { return console.Path("/clients/" + strconv.FormatInt(id, 10)) }
