package helpdesk

import (
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// TicketEditParams are a staff change to a ticket, as the console's form makes it.
// A field left out keeps its value.
type TicketEditParams struct {
	TicketRef
	State        string  `json:"state" validate:"omitempty,oneof=open waiting closed" doc:"default: unchanged"`
	DepartmentID int64   `json:"department_id" validate:"gte=0" doc:"default: unchanged"`
	ClientNumber *string `json:"client_number" validate:"omitempty,max=64" doc:"the client's number; \"\" removes the client; default: unchanged"`
	StaffID      *int64  `json:"staff_id" validate:"omitempty,gte=0" doc:"the staff member it is assigned to; 0: nobody; default: unchanged"`
}

// TicketEditOut is the ticket after the change, with its assignee.
type TicketEditOut struct {
	TicketOut
	StaffID int64 `json:"staff_id" doc:"0: nobody"`
}

// TicketLogParams log a phone call, an in-person visit or an internal note on a ticket.
type TicketLogParams struct {
	TicketRef
	Type      string `json:"type" validate:"required,oneof=phone in_person note" doc:"note: internal, never shown to the client; a call or visit is shown without its text"`
	Direction string `json:"direction" validate:"omitempty,oneof=in out" doc:"in: the client called or came; out: staff did (required for phone and in_person)"`
	Body      string `json:"body" validate:"max=10000" text:"multiline" doc:"required for a note"`
	Author    string `json:"author" validate:"max=200" doc:"default: the API account's name"`
}

// editMethods are tickets.edit and tickets.log: the console's ticket form and log,
// through the same EditTicket and LogItem.
func (m *Module) editMethods() []*rpc.Method {
	return rpc.Ordered(542,
		rpc.Def("tickets.edit", perm.TicketsWrite, "Changes a ticket as staff do in the console: state, department, client and assignee (fields left out are kept).",
			TicketEditParams{TicketRef: TicketRef{ExternalID: "CRM-T-5521"}, State: "waiting", StaffID: new(int64(3))},
			TicketEditOut{TicketOut: func() TicketOut { t := exTicket; t.State = "waiting"; return t }(), StaffID: 3},
			func(c *rpc.Call, p *TicketEditParams) (TicketEditOut, error) {
				t, err := ticket(c, p.TicketRef)
				if err != nil {
					return TicketEditOut{}, err
				}
				e := TicketEdit{State: t.State, DepartmentID: t.DepartmentID, StaffID: t.StaffID}
				if t.ClientID != 0 {
					cl, err := core.ClientByID(c.Ctx, c.Tx, t.ClientID)
					if err != nil {
						return TicketEditOut{}, err
					}
					e.ClientNumber = cl.Number
				}
				if p.State != "" {
					e.State = p.State
				}
				if p.DepartmentID != 0 {
					e.DepartmentID = p.DepartmentID
				}
				if p.ClientNumber != nil {
					e.ClientNumber = *p.ClientNumber
				}
				if p.StaffID != nil {
					e.StaffID = *p.StaffID
				}
				field := map[string]string{"client": "client_number", "staff": "staff_id", "department": "department_id"}
				t, detail, err := EditTicket(c.Ctx, c.Tx, t.ID, e, c.Now)
				if err != nil {
					return TicketEditOut{}, rpc.FromService(renameField(err, field), "")
				}
				c.Audit(t.ClientID, "%s", detail)
				return TicketEditOut{TicketOut: ticketOut(t), StaffID: t.StaffID}, nil
			}),
		rpc.Def("tickets.log", perm.TicketsWrite, "Logs a phone call or an in-person visit (the client sees that it happened, not its text) or an internal note on a ticket.",
			TicketLogParams{TicketRef: TicketRef{ID: 17}, Type: "phone", Direction: "in", Body: "Client called about the outage."},
			rpc.Saved{ID: 90, Created: true},
			func(c *rpc.Call, p *TicketLogParams) (rpc.Saved, error) {
				t, err := ticket(c, p.TicketRef)
				if err != nil {
					return rpc.Saved{}, err
				}
				author := p.Author
				if author == "" {
					author = c.Staff.Name
				}
				id, err := LogItem(c.Ctx, c.Tx, t.ID, p.Type, p.Direction, author, p.Body, c.Now)
				if err != nil {
					return rpc.Saved{}, rpc.FromService(err, "")
				}
				c.Audit(t.ClientID, "ticket %d log %s item %d", t.ID, p.Type, id)
				return rpc.Saved{ID: id, Created: true}, nil
			}),
	)
}

// renameField names a field error by the API's parameter instead of the form's.
func renameField(err error, names map[string]string) error {
	if fe, ok := err.(*core.FieldError); ok {
		if n, ok := names[fe.Field]; ok {
			return &core.FieldError{Field: n, Err: fe.Err}
		}
	}
	return err
}
