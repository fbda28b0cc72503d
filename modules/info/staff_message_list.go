package info

import (
	"html/template"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/htmlsafe"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// staffMessageRow is a message as listed for staff, its body sanitised like the client sees it.
type staffMessageRow struct {
	Message
	Safe   template.HTML
	Client *core.Client
	Group  string
}

// staffMessagesData is the messages page.
type staffMessagesData struct {
	Messages []staffMessageRow
	Groups   []core.InvoiceGroup
	CanWrite bool
	// Kind filters the list (?kind=, "" every kind); Kinds are the choices.
	Kind  string
	Kinds []string
	Pager web.Pager
}

// staffMessagesPerPage is how many messages a page of the console's list shows.
const staffMessagesPerPage = 50

// showStaffMessages renders GET /admin/messages: the form for a new message and the
// messages, newest first, a page at a time, of one kind or all.
func (m *Module) showStaffMessages(c *fiber.Ctx) error { return m.renderStaffMessages(c, nil, nil) }

func (m *Module) renderStaffMessages(c *fiber.Ctx, errs, form map[string]string) error {
	ctx := c.UserContext()
	f := MessageFilter{Kind: c.Query("kind"), Limit: staffMessagesPerPage}
	if !slices.Contains(Kinds, f.Kind) {
		f.Kind = "" // a filter nobody can choose shows the whole list, like the other console lists
	}
	total, err := CountMessages(ctx, m.d.DB.R, f)
	if err != nil {
		return err
	}
	pager := web.NewPager(c, total, staffMessagesPerPage)
	f.Offset = pager.Offset()
	list, err := ListMessages(ctx, m.d.DB.R, f)
	if err != nil {
		return err
	}
	groups, err := core.Groups(ctx, m.d.DB.R)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, g := range groups {
		names[g.ID] = g.Name
	}
	d := staffMessagesData{Groups: groups, CanWrite: console.Can(m.d.Web, c, perm.MessagesWrite),
		Kind: f.Kind, Kinds: Kinds, Pager: pager}
	for _, msg := range list {
		row := staffMessageRow{Message: msg, Safe: htmlsafe.Sanitize(msg.Body), Group: names[msg.GroupID]}
		if msg.ClientID != 0 {
			// ListMessages joined the client; a private message goes with its client.
			row.Client = &core.Client{ID: msg.ClientID, Number: msg.ClientNumber, Name: msg.ClientName}
		}
		d.Messages = append(d.Messages, row)
	}
	if errs != nil {
		return m.d.Web.FormError(c, tplStaffMessages, "info.staff.title", d, errs, form)
	}
	return m.d.Web.Show(c, tplStaffMessages, "info.staff.title", d)
}
