package helpdesk

import (
	"errors"
	"strconv"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// TicketRef names a helpdesk ticket by portal id or external id.
type TicketRef struct {
	ID         int64  `json:"id" validate:"required_without=ExternalID,gte=0" doc:"portal id of the ticket"`
	ExternalID string `json:"external_id" validate:"max=64" doc:"the billing system's id of the ticket"`
}

// TicketListParams filter tickets.list.
type TicketListParams struct {
	ClientID         int64  `json:"client_id" validate:"gte=0" doc:"only this client's tickets, by portal id..."`
	ClientExternalID string `json:"client_external_id" validate:"max=64" doc:"...or by external id; neither: every ticket"`
	State            string `json:"state" validate:"omitempty,oneof=open waiting closed"`
	Limit            int    `json:"limit" validate:"gte=0,lte=1000" doc:"default 200"`
}

// TicketFields are a ticket as the billing system or CRM sends it.
type TicketFields struct {
	ExternalID           string   `json:"external_id" validate:"required,max=64" doc:"the key of idempotent writes"`
	ClientID             int64    `json:"client_id" validate:"gte=0" doc:"the client, by portal id..."`
	ClientExternalID     string   `json:"client_external_id" validate:"max=64" doc:"...or by external id; neither: a ticket without a client"`
	DepartmentID         int64    `json:"department_id" validate:"gte=0" doc:"the department, by portal id..."`
	DepartmentExternalID string   `json:"department_external_id" validate:"max=64" doc:"...or by external id; neither: the department that takes portal requests"`
	Subject              string   `json:"subject" validate:"required,max=300"`
	State                string   `json:"state" validate:"omitempty,oneof=open waiting closed" doc:"default: open for a new ticket; an existing ticket keeps its state"`
	CreatedAt            string   `json:"created_at" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00" doc:"RFC 3339 time the ticket was opened (default now); only used when it is created"`
	Items                []ItemIn `json:"items" validate:"max=500,dive" doc:"conversation items; an item whose external_id is stored already is skipped"`
}

// ItemIn is one conversation item sent with a ticket.
type ItemIn struct {
	ExternalID string `json:"external_id" validate:"required,max=64" doc:"required, so that a resend does not repeat the item"`
	Type       string `json:"type" validate:"required,oneof=email sms in_person phone note" doc:"note: internal, never shown to the client"`
	Direction  string `json:"direction" validate:"required,oneof=in out" doc:"in: from the client; out: from staff"`
	Body       string `json:"body" validate:"required,max=100000" text:"multiline"`
	Author     string `json:"author" validate:"max=200"`
	CreatedAt  string `json:"created_at" validate:"omitempty,datetime=2006-01-02T15:04:05Z07:00" doc:"RFC 3339 time; default now"`
}

// TicketOut is a ticket as the API returns it.
type TicketOut struct {
	ID             int64     `json:"id"`
	ExternalID     string    `json:"external_id"`
	ClientID       int64     `json:"client_id" doc:"0: no client"`
	DepartmentID   int64     `json:"department_id"`
	DepartmentName string    `json:"department"`
	Subject        string    `json:"subject"`
	State          string    `json:"state"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Items          []ItemOut `json:"items,omitempty" doc:"tickets.get only: the conversation in time order, internal notes included"`
}

// ItemOut is one item of a ticket's conversation.
type ItemOut struct {
	ID         int64     `json:"id"`
	ExternalID string    `json:"external_id"`
	Type       string    `json:"type"`
	Direction  string    `json:"direction"`
	Body       string    `json:"body"`
	Author     string    `json:"author"`
	CreatedAt  time.Time `json:"created_at"`
}

// TicketReplyParams are a staff reply to a ticket.
type TicketReplyParams struct {
	TicketRef
	Body            string `json:"body" validate:"required,max=100000" text:"multiline" doc:"plain text, mailed to the client"`
	Author          string `json:"author" validate:"max=200" doc:"shown as the reply's author; default the API account's name"`
	ReplyExternalID string `json:"reply_external_id" validate:"max=64" doc:"the caller's id of this reply: a resend with the same id stores and mails nothing"`
}

// TicketReplyResult says what a reply did.
type TicketReplyResult struct {
	ItemID      int64  `json:"item_id"`
	Created     bool   `json:"created" doc:"false: a reply with this reply_external_id existed; nothing was sent again"`
	MailQueued  bool   `json:"mail_queued" doc:"false when the ticket has no client or the client no e-mail address"`
	MailSkipped string `json:"mail_skipped,omitempty" doc:"why no mail was queued for a stored reply: no_client (the ticket has no client) or no_email (the client has no e-mail address)"`
	Link        string `json:"link" doc:"the portal link appended to the mail, empty when none"`
}

// TicketStateParams change a ticket's state.
type TicketStateParams struct {
	TicketRef
	State string `json:"state" validate:"required,oneof=open waiting closed"`
}

// DepartmentFields are a helpdesk department.
type DepartmentFields struct {
	ExternalID     string `json:"external_id" validate:"required,max=64"`
	Name           string `json:"name" validate:"required,max=200"`
	PortalRequests bool   `json:"portal_requests" doc:"this department takes tickets created in the portal (and switches the Helpdesk tab on)"`
}

// DepartmentOut is a department as the API returns it.
type DepartmentOut struct {
	ID int64 `json:"id"`
	DepartmentFields
}

// Lists of the helpdesk methods.
type (
	TicketList struct {
		Tickets []TicketOut `json:"tickets"`
	}
	DepartmentList struct {
		Departments []DepartmentOut `json:"departments"`
	}
)

func ticketOut(t Ticket) TicketOut {
	return TicketOut{ID: t.ID, ExternalID: t.ExternalID, ClientID: t.ClientID, DepartmentID: t.DepartmentID, DepartmentName: t.DepartmentName,
		Subject: t.Subject, State: t.State, CreatedAt: t.CreatedAt.UTC(), UpdatedAt: t.UpdatedAt.UTC()}
}

var exTicket = TicketOut{ID: 17, ExternalID: "CRM-T-5521", ClientID: 42, DepartmentID: 1, DepartmentName: "Support",
	Subject: "No connection since morning", State: "open", CreatedAt: time.Date(2026, 11, 2, 8, 12, 0, 0, time.UTC),
	UpdatedAt: time.Date(2026, 11, 2, 9, 40, 0, 0, time.UTC)}

var exItem = ItemOut{ID: 88, ExternalID: "CRM-M-1", Type: "email", Direction: "in", Body: "My internet has not worked since 7:00.",
	Author: "Jana Nováková", CreatedAt: time.Date(2026, 11, 2, 8, 12, 0, 0, time.UTC)}

// methods are the API's tickets.* and departments.* methods, at their place in the
// reference (docs/api.md).
func (m *Module) methods() []*rpc.Method {
	return rpc.Ordered(500,
		rpc.Def("tickets.list", perm.TicketsRead, "Lists helpdesk tickets of every department (of one client, or all), most recently changed first.",
			TicketListParams{ClientExternalID: "CRM-000123", State: "open"}, TicketList{[]TicketOut{exTicket}},
			func(c *rpc.Call, p *TicketListParams) (TicketList, error) {
				f := TicketFilter{State: p.State, Limit: p.Limit}
				if p.ClientID != 0 || p.ClientExternalID != "" {
					cl, err := rpc.ClientOf(c, rpc.ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
					if err != nil {
						return TicketList{}, err
					}
					f.ClientID = cl.ID
				}
				list, err := ListTickets(c.Ctx, c.Q, f)
				out := TicketList{Tickets: make([]TicketOut, 0, len(list))}
				for _, t := range list {
					out.Tickets = append(out.Tickets, ticketOut(t))
				}
				return out, err
			}),
		rpc.Def("tickets.get", perm.TicketsRead, "Returns a ticket with its whole conversation, internal notes included.",
			TicketRef{ExternalID: "CRM-T-5521"}, func() TicketOut { t := exTicket; t.Items = []ItemOut{exItem}; return t }(),
			func(c *rpc.Call, p *TicketRef) (TicketOut, error) {
				t, err := ticket(c, *p)
				if err != nil {
					return TicketOut{}, err
				}
				items, err := ListItems(c.Ctx, c.Q, t.ID, true)
				out := ticketOut(t)
				out.Items = make([]ItemOut, 0, len(items))
				for _, it := range items {
					out.Items = append(out.Items, ItemOut{ID: it.ID, ExternalID: it.ExternalID, Type: it.Type, Direction: it.Direction,
						Body: it.Body, Author: it.Author, CreatedAt: it.CreatedAt.UTC()})
				}
				return out, err
			}),
		rpc.Def("tickets.add", perm.TicketsWrite, "Creates a ticket, or updates the ticket with this external_id (idempotent), and appends the "+
			"given items that are not stored yet. No mail is sent: use tickets.reply to answer the client.",
			TicketFields{ExternalID: "CRM-T-5521", ClientExternalID: "CRM-000123", Subject: "No connection since morning",
				Items: []ItemIn{{ExternalID: "CRM-M-1", Type: "phone", Direction: "in", Body: "Client called: no connection since 7:00.", Author: "Jana Nováková"}}},
			rpc.Saved{ID: 17, Created: true},
			func(c *rpc.Call, p *TicketFields) (rpc.Saved, error) {
				t := Ticket{ExternalID: p.ExternalID, Subject: p.Subject, State: p.State, CreatedAt: rfc3339(p.CreatedAt)}
				if p.ClientID != 0 || p.ClientExternalID != "" {
					id, err := rpc.ClientID(c, p.ClientID, p.ClientExternalID)
					if err != nil {
						return rpc.Saved{}, err
					}
					t.ClientID = id
				}
				switch {
				case p.DepartmentExternalID != "":
					id, err := DepartmentIDByExternal(c.Ctx, c.Q, p.DepartmentExternalID)
					if err != nil {
						return rpc.Saved{}, rpc.Invalid("department_external_id", "no department with external_id "+p.DepartmentExternalID)
					}
					t.DepartmentID = id
				case p.DepartmentID != 0:
					ok, err := DepartmentExists(c.Ctx, c.Q, p.DepartmentID)
					if err != nil {
						return rpc.Saved{}, err
					}
					if !ok {
						return rpc.Saved{}, rpc.Invalid("department_id", "no department "+strconv.FormatInt(p.DepartmentID, 10))
					}
					t.DepartmentID = p.DepartmentID
				default:
					d, err := PortalDepartment(c.Ctx, c.Q)
					if errors.Is(err, ErrNoPortalDept) {
						return rpc.Saved{}, rpc.Invalid("department_id", "no department takes portal requests; name the department")
					}
					if err != nil {
						return rpc.Saved{}, err
					}
					t.DepartmentID = d.ID
				}
				existing, err := TicketIDByExternal(c.Ctx, c.Q, p.ExternalID)
				created := errors.Is(err, core.ErrNotFound)
				if err != nil && !created {
					return rpc.Saved{}, err
				}
				if !created && t.State == "" {
					// A resync without a state must not reopen a ticket staff closed.
					old, err := TicketByID(c.Ctx, c.Q, existing)
					if err != nil {
						return rpc.Saved{}, err
					}
					t.State = old.State
				}
				id, err := SaveTicket(c.Ctx, c.Tx, t, c.Now)
				if err != nil {
					return rpc.Saved{}, err
				}
				added := 0
				for i, it := range p.Items {
					// AddItem ignores an external id it has stored, but only ours may be
					// skipped: an item of another ticket with the same id is a conflict.
					if _, other, err := ItemTicket(c.Ctx, c.Q, it.ExternalID); err != nil {
						return rpc.Saved{}, err
					} else if other != 0 && other != id {
						return rpc.Saved{}, rpc.Conflict("items["+strconv.Itoa(i)+"].external_id", "item "+it.ExternalID+" belongs to ticket "+strconv.FormatInt(other, 10))
					} else if other == id {
						continue
					}
					if _, err := AddItem(c.Ctx, c.Tx, Item{ExternalID: it.ExternalID, TicketID: id, Type: it.Type,
						Direction: it.Direction, Body: it.Body, Author: it.Author, CreatedAt: rfc3339(it.CreatedAt)}, c.Now); err != nil {
						return rpc.Saved{}, err
					}
					added++
				}
				c.Audit(t.ClientID, "ticket external_id=%s created=%t items_added=%d", p.ExternalID, created, added)
				return rpc.Saved{ID: id, Created: created}, nil
			}),
		rpc.Def("tickets.reply", perm.TicketsWrite, "Adds a staff reply to a ticket and e-mails it to the ticket's client (with a link to the "+
			"conversation in the portal when ci_url or server_url is set and a department takes portal requests). "+
			"A ticket without a client, or a client without an e-mail address, gets the reply stored but no mail: "+
			"mail_queued is false, mail_skipped and a message say why.",
			TicketReplyParams{TicketRef: TicketRef{ExternalID: "CRM-T-5521"}, Body: "We restarted your connection; please check it now.",
				ReplyExternalID: "CRM-M-2"},
			TicketReplyResult{ItemID: 89, Created: true, MailQueued: true, Link: "https://portal.example.net/helpdesk/17"},
			func(c *rpc.Call, p *TicketReplyParams) (TicketReplyResult, error) {
				t, err := ticket(c, p.TicketRef)
				if err != nil {
					return TicketReplyResult{}, err
				}
				if p.ReplyExternalID != "" {
					id, other, err := ItemTicket(c.Ctx, c.Q, p.ReplyExternalID)
					if err != nil {
						return TicketReplyResult{}, err
					}
					if other != 0 && other != t.ID {
						return TicketReplyResult{}, rpc.Conflict("reply_external_id", "item "+p.ReplyExternalID+" belongs to ticket "+strconv.FormatInt(other, 10))
					}
					if other == t.ID {
						c.Message("reply already stored; nothing sent again")
						c.Audit(t.ClientID, "ticket %d reply %s already stored", t.ID, p.ReplyExternalID)
						return TicketReplyResult{ItemID: id}, nil
					}
				}
				author := p.Author
				if author == "" {
					author = c.Staff.Name
				}
				res, err := StaffReply(c.Ctx, c.Tx, m.d, t.ID, author, p.Body, p.ReplyExternalID)
				if errors.Is(err, ErrEmpty) {
					return TicketReplyResult{}, rpc.ErrInvalidParams("body", "is required")
				}
				if errors.Is(err, ErrTooLong) {
					return TicketReplyResult{}, rpc.ErrInvalidParams("body", "is longer than "+strconv.Itoa(MaxBody)+" characters")
				}
				if err != nil {
					return TicketReplyResult{}, err
				}
				if res.MailID != 0 && m.d.KickMail != nil {
					c.AfterCommit = m.d.KickMail
				}
				switch res.NoMail {
				case NoMailNoClient:
					c.Message("reply stored; no e-mail sent: the ticket has no client")
				case NoMailNoEmail:
					c.Message("reply stored; no e-mail sent: the client has no e-mail address")
				case NoMailPreference:
					c.Message("reply stored; no e-mail sent: the client chose no e-mail of ticket replies")
				}
				c.Audit(t.ClientID, "ticket %d reply item %d mail=%t", t.ID, res.ItemID, res.MailID != 0)
				return TicketReplyResult{ItemID: res.ItemID, Created: true, MailQueued: res.MailID != 0, MailSkipped: res.NoMail,
					Link: res.Link}, nil
			}),
		rpc.Def("tickets.setState", perm.TicketsWrite, "Sets a ticket's state: open, waiting (for the client) or closed.",
			TicketStateParams{TicketRef: TicketRef{ExternalID: "CRM-T-5521"}, State: "closed"},
			func() TicketOut { t := exTicket; t.State = "closed"; return t }(),
			func(c *rpc.Call, p *TicketStateParams) (TicketOut, error) {
				t, err := ticket(c, p.TicketRef)
				if err != nil {
					return TicketOut{}, err
				}
				if err := SetTicketState(c.Ctx, c.Tx, t.ID, p.State, c.Now); err != nil {
					return TicketOut{}, err
				}
				c.Audit(t.ClientID, "ticket %d state %s -> %s", t.ID, t.State, p.State)
				t.State, t.UpdatedAt = p.State, c.Now
				return ticketOut(t), nil
			}),
		rpc.Def("departments.list", perm.TicketsRead, "Lists the helpdesk departments by name.",
			struct{}{}, DepartmentList{[]DepartmentOut{{ID: 1, DepartmentFields: DepartmentFields{ExternalID: "support", Name: "Support", PortalRequests: true}}}},
			func(c *rpc.Call, _ *struct{}) (DepartmentList, error) {
				list, err := ListDepartments(c.Ctx, c.Q)
				out := DepartmentList{Departments: make([]DepartmentOut, 0, len(list))}
				for _, d := range list {
					out.Departments = append(out.Departments, DepartmentOut{ID: d.ID,
						DepartmentFields: DepartmentFields{ExternalID: d.ExternalID, Name: d.Name, PortalRequests: d.PortalRequests}})
				}
				return out, err
			}),
		rpc.Def("departments.add", perm.DepartmentsWrite, "Creates a helpdesk department, or updates the one with this external_id (idempotent).",
			DepartmentFields{ExternalID: "support", Name: "Support", PortalRequests: true}, rpc.Saved{ID: 1, Created: true},
			func(c *rpc.Call, p *DepartmentFields) (rpc.Saved, error) {
				_, err := DepartmentIDByExternal(c.Ctx, c.Q, p.ExternalID)
				created := errors.Is(err, core.ErrNotFound)
				if err != nil && !created {
					return rpc.Saved{}, err
				}
				id, err := SaveDepartmentChecked(c.Ctx, c.Tx, Department{ExternalID: p.ExternalID, Name: p.Name,
					PortalRequests: p.PortalRequests}, c.Now)
				if err != nil {
					return rpc.Saved{}, rpc.InvalidErr("name", err)
				}
				c.Audit(0, "department external_id=%s created=%t portal_requests=%t", p.ExternalID, created, p.PortalRequests)
				return rpc.Saved{ID: id, Created: created}, nil
			}),
	)
}

// ticket loads a ticket by reference.
func ticket(c *rpc.Call, ref TicketRef) (Ticket, error) {
	id := ref.ID
	if id == 0 {
		var err error
		if id, err = TicketIDByExternal(c.Ctx, c.Q, ref.ExternalID); err != nil {
			return Ticket{}, rpc.AsApp(err, "ticket with external_id", ref.ExternalID)
		}
	}
	t, err := TicketByID(c.Ctx, c.Q, id)
	return t, rpc.AsApp(err, "ticket", id)
}

// rfc3339 parses a validated RFC 3339 time; "" is the zero time (the store's "now").
func rfc3339(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}
