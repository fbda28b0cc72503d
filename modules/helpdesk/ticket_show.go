package helpdesk

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// ticketPage is the view model of one ticket.
type ticketPage struct {
	Ticket Ticket
	Items  []viewItem
}

// viewItem is an item as the client may see it.
type viewItem struct {
	Item
	// Lines is the body split into lines; empty when the contents are not shown.
	Lines []string
}

// clientItems applies the portal's rules: in-person and telephone items show no
// contents, SMS items show their text only when the system can send SMS (the client
// has them on their phone anyway), internal notes never reach this list.
func clientItems(items []Item, smsVisible bool) []viewItem {
	out := make([]viewItem, 0, len(items))
	for _, it := range items {
		v := viewItem{Item: it}
		v.Body = ""
		show := it.Type == TypeEmail || (it.Type == TypeSMS && smsVisible)
		if it.Type == TypeNote {
			continue // ListItems already leaves them out; this is the second lock
		}
		if show {
			v.Lines = strings.Split(strings.ReplaceAll(strings.TrimRight(it.Body, "\n"), "\r\n", "\n"), "\n")
		}
		out = append(out, v)
	}
	return out
}

func (m *Module) ticketData(c *fiber.Ctx) (*ticketPage, error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return nil, err
	}
	t, err := ClientTicket(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c), id)
	if err != nil {
		return nil, err
	}
	items, err := ListItems(c.UserContext(), m.d.DB.R, t.ID, false)
	if err != nil {
		return nil, err
	}
	smsVisible := settings.SMSNotify.Get(m.d.Settings) != "disabled"
	return &ticketPage{Ticket: t, Items: clientItems(items, smsVisible)}, nil
}

// showTicket shows one of the client's tickets with its conversation (another
// client's ticket: 404).
func (m *Module) showTicket(c *fiber.Ctx) error {
	data, err := m.ticketData(c)
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplTicket, titleTicket, data)
}
