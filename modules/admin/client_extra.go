package admin

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/modules/documents"
	"github.com/ispportal/portal/modules/gdpr"
	"github.com/ispportal/portal/modules/helpdesk"
	"github.com/ispportal/portal/modules/info"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/services"
	"github.com/ispportal/portal/modules/sms"
)

// clientExtra is what the other modules hold about a client, read through their
// exported store functions (the console never queries their tables itself).
type clientExtra struct {
	Services  []services.Service
	Invoices  []invoices.Invoice
	Documents []documents.Document
	Consents  []gdpr.State
	Messages  []info.MessageLine
	SMS       []sms.Message
	Tickets   []helpdesk.Ticket
}

// clientExtra loads the card's sections from the other modules.
func (m *Module) clientExtra(c *fiber.Ctx, cl core.Client) (clientExtra, error) {
	ctx := c.UserContext()
	q := m.d.DB.R
	var x clientExtra
	var err error
	if x.Services, err = services.ListServices(ctx, q, cl.ID, services.ListFilter{WithTerminated: true}); err != nil {
		return x, err
	}
	if x.Invoices, err = invoices.ListInvoices(ctx, q, cl.ID, invoices.Filter{Limit: 20, Today: m.d.Now()}); err != nil {
		return x, err
	}
	if x.Documents, err = documents.ListDocuments(ctx, q, cl.ID, false); err != nil {
		return x, err
	}
	if x.Consents, err = gdpr.ConsentState(ctx, q, cl.ID); err != nil {
		return x, err
	}
	if x.Messages, err = info.ListMessagesForClient(ctx, q, cl.ID, cl.InvoiceGroupID, m.d.Now()); err != nil {
		return x, err
	}
	if x.SMS, err = sms.ListMessages(ctx, q, cl.ID, 20); err != nil {
		return x, err
	}
	if x.Tickets, err = helpdesk.ListTickets(ctx, q, helpdesk.TicketFilter{ClientID: cl.ID, Limit: 20}); err != nil {
		return x, err
	}
	return x, nil
}
