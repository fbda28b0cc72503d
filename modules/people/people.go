// Package people lets an account holder give other people their own login to the
// account (household members, a company's accountant or technician; FOSSBilling
// #3820): the holder invites them by e-mail, each chooses a login name and password
// through the link, and has their own lockout, sessions and a role (billing,
// technical, read-only) that the app enforces centrally (internal/app roleAccess).
//
// The split with modules/auth: auth owns the login form and asks this module, through
// app.Hooks.People, whether a name that is no client's belongs to a person; this
// module owns the people, their invitations, their own password page and the pages,
// card section, API methods and CLI that manage them.
package people

import (
	"embed"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/web"
)

// Paths.
const (
	prefix     = "/people"
	pathInvite = prefix + "/invite"
	pathAccept = prefix + "/accept"
	pathMe     = prefix + "/me"
)

// Templates.
const (
	tplList          = "people/list"
	tplAccept        = "people/accept"
	tplAcceptInvalid = "people/accept_invalid"
	tplAcceptDone    = "people/accept_done"
	tplMe            = "people/me"
)

// PurposeInvite is the invitation mail's template purpose.
const PurposeInvite = "people_invite"

// Rate limits per client address.
const (
	acceptRate = 10 // invitation forms per minute
	inviteRate = 10 // invitations per 10 minutes
)

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module is the people module.
type Module struct{ d app.Deps }

// New returns the module and answers auth's questions about people.
func New(d app.Deps) app.Module {
	m := &Module{d: d}
	if d.Hooks != nil {
		d.Hooks.People = app.People{Find: find, LoggedIn: m.loggedIn}
	}
	return m
}

// Info declares the module. It is Public so that the invitation link works without a
// login; every other page requires one (Mount).
func (m *Module) Info() app.Info {
	return app.Info{
		Name:   "people",
		Prefix: prefix,
		Area:   app.Public,
		Menu: []web.MenuItem{{Key: "people.menu", Path: prefix, Order: 94, When: m.isOwner},
			{Key: "people.menu_me", Path: pathMe, Order: 94, When: m.isPerson}},
		Seed:         m.seed,
		Commands:     commands(),
		StaffPages:   m.staffPages(),
		Methods:      m.methods(),
		Card:         []app.CardSection{m.staffCard()},
		Export:       exportClient,
		MailDefaults: registerMailDefaults,
	}.Embed(files)
}

// Mount registers the routes.
func (m *Module) Mount(r fiber.Router) {
	w := m.d.Web
	client := w.RequireClient()
	owner := func(c *fiber.Ctx) error {
		if !w.Session(c).IsOwner() {
			return fiber.ErrForbidden // an invited person may not manage the people
		}
		return c.Next()
	}
	acceptLimit := w.RateLimit("people-accept", acceptRate, time.Minute)
	inviteLimit := w.RateLimit("people-invite", inviteRate, 10*time.Minute)
	r.Get("/accept", m.showAccept)
	r.Post("/accept", acceptLimit, m.submitAccept)
	r.Get("/me", client, m.showMe)
	r.Post("/me", client, acceptLimit, m.submitMe)
	r.Get("/", client, owner, m.showList)
	r.Post("/invite", client, owner, inviteLimit, m.submitInvite)
	r.Post("/:id/role", client, owner, m.submitRole)
	r.Post("/:id/active", client, owner, m.submitActive)
	r.Post("/:id/remove", client, owner, m.submitRemove)
}

func (m *Module) isOwner(c *fiber.Ctx) bool  { return m.d.Web.Session(c).IsOwner() }
func (m *Module) isPerson(c *fiber.Ctx) bool { return !m.d.Web.Session(c).IsOwner() }

// registerMailDefaults registers the invitation mail.
func registerMailDefaults(t *mail.Templates) {
	t.RegisterDefault(PurposeInvite, "en", "Your login to the client portal",
		"Hello,\n\nthe holder of the client portal account $CLIENT_NUMBER$ ($CLIENT_NAME$) invites you to log in to it "+
			"with your own login name and password (role: $ROLE$). To choose them, open this link:\n\n$CI_INVITE_LINK$\n\n"+
			"The link works once and for three days. If you did not expect this e-mail, ignore it.\n")
	t.RegisterDefault(PurposeInvite, "cs", "Váš přístup do zákaznického portálu",
		"Dobrý den,\n\ndržitel účtu $CLIENT_NUMBER$ ($CLIENT_NAME$) v zákaznickém portálu vás zve, abyste se do něj "+
			"přihlašovali vlastním jménem a heslem (role: $ROLE$). Zvolíte si je na této adrese:\n\n$CI_INVITE_LINK$\n\n"+
			"Odkaz funguje jednou a tři dny. Pokud jste tento e-mail nečekali, ignorujte ho.\n")
}
