package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/modules/auth"
	"github.com/ispportal/portal/settings"
)

// clientData is the client card.
type clientData struct {
	Client      core.Client
	Group       *core.InvoiceGroup
	Locked      bool
	LockedUntil string
	Failures    int
	HasPassword bool
	NoSender    bool // the seed's "system email address and its name are not specified"
	NoEmail     bool // the seed's "no email address is available for the client"
	MinLength   int
	CanWrite    bool // support and administrators: unlock, password actions, view as
	CanMessage  bool
	CanAdmin    bool
	Mails       []mail.Entry
	Audit       []core.AuditEntry
	Extra       clientExtra // other modules' data (client_extra.go)
}

// clientParam parses :id strictly and loads the client; anything else is 404.
func (m *Module) clientParam(c *fiber.Ctx) (core.Client, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return core.Client{}, fiber.ErrNotFound
	}
	return core.ClientByID(c.UserContext(), m.d.DB.R, id)
}

// showClient renders GET /admin/clients/:id.
func (m *Module) showClient(c *fiber.Ctx) error {
	cl, err := m.clientParam(c)
	if err != nil {
		return err
	}
	return m.showClientCard(c, cl, nil)
}

// showClientCard renders the card, with form errors (422) after a refused action.
func (m *Module) showClientCard(c *fiber.Ctx, cl core.Client, errs map[string]string) error {
	ctx := c.UserContext()
	var err error
	d := clientData{Client: cl, MinLength: settings.PasswordMinLength.Get(m.d.Settings),
		CanWrite: m.canWrite(c, areaClients), CanMessage: m.canWrite(c, areaMessages), CanAdmin: m.canWrite(c, areaAdmin),
		NoSender: settings.SystemMail.Get(m.d.Settings) == "" || settings.SystemMailName.Get(m.d.Settings) == "",
		NoEmail:  cl.Email == ""}
	if cl.InvoiceGroupID != 0 {
		if g, err := core.GroupByID(ctx, m.d.DB.R, cl.InvoiceGroupID); err == nil {
			d.Group = &g
		}
	}
	st, err := auth.LockState(ctx, m.d, cl.ID)
	if err != nil {
		return err
	}
	now := m.d.Now()
	d.Locked, d.Failures = st.Locked(now), st.Failures
	if d.Locked {
		d.LockedUntil = core.Now(st.LockedUntil)
	}
	if d.HasPassword, err = auth.HasPassword(ctx, m.d.DB.R, cl.ID); err != nil {
		return err
	}
	if d.Mails, err = mail.List(ctx, m.d.DB.R, mail.ListFilter{ClientID: cl.ID, Limit: 10}); err != nil {
		return err
	}
	if d.Audit, err = core.AuditList(ctx, m.d.DB.R, core.AuditFilter{ClientID: cl.ID, Limit: 15}); err != nil {
		return err
	}
	if d.Extra, err = m.clientExtra(c, cl); err != nil {
		return err
	}
	p := m.d.Web.NewPage(c, "admin.client.title", d)
	if len(errs) > 0 {
		p.Errors, p.Status = errs, fiber.StatusUnprocessableEntity
	}
	return m.d.Web.Render(c, tplClient, p)
}
