package info

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/settings"
)

// infoPage is the view model of the information page.
type infoPage struct {
	Client      *core.Client
	Messages    []MessageLine
	Unread      int
	Webmail     string
	CanEdit     bool
	Requests    bool // support requests are on (ci_auth_requests_enable)
	Helpdesk    bool // a helpdesk department takes portal requests: "new ticket" instead
	SameInvoice bool // invoicing address equals the mailing address
}

// showInfo renders the home page: the client's data and their current messages.
func (m *Module) showInfo(c *fiber.Ctx) error {
	cl := m.d.Web.Client(c)
	if cl == nil {
		return fiber.ErrUnauthorized
	}
	msgs, err := ListMessagesForClient(c.UserContext(), m.d.DB.R, cl.ID, cl.InvoiceGroupID, m.d.Now())
	if err != nil {
		return err
	}
	p := infoPage{Client: cl, Messages: msgs, Webmail: settings.WebmailURL.Get(m.d.Settings),
		CanEdit: settings.ClientDataChange.Get(m.d.Settings), Requests: settings.AuthRequestsEnable.Get(m.d.Settings)}
	for _, msg := range msgs {
		if !msg.Read {
			p.Unread++
		}
	}
	if h := m.d.Hooks; h != nil && h.HelpdeskActive != nil && h.HelpdeskActive(c.UserContext()) {
		p.Helpdesk = true
	}
	// No invoicing address of its own means invoices go to the mailing address.
	noInv := cl.InvStreet == "" && cl.InvCity == "" && cl.InvPostcode == ""
	p.SameInvoice = noInv || (cl.InvStreet == cl.Street && cl.InvCity == cl.City && cl.InvPostcode == cl.Postcode && cl.InvCountry == cl.Country)
	return m.d.Web.Show(c, tplShow, "info.title", p)
}
