package helpdesk

import (
	"context"
	"database/sql"
	"fmt"
	netmail "net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// MailPurpose names the outbox rows of staff replies.
const MailPurpose = "helpdesk_reply"

// CreateClientTicket opens a ticket from the portal in the department that takes
// portal requests, with the client's text as its first (inbound e-mail) item.
func CreateClientTicket(ctx context.Context, tx *sql.Tx, client core.Client, subject, body string, now time.Time) (int64, error) {
	dept, err := PortalDepartment(ctx, tx)
	if err != nil {
		return 0, err
	}
	if strings.TrimSpace(body) == "" {
		return 0, ErrEmpty
	}
	id, err := SaveTicket(ctx, tx, Ticket{ClientID: client.ID, DepartmentID: dept.ID, Subject: subject, State: StateOpen}, now)
	if err != nil {
		return 0, err
	}
	_, err = AddItem(ctx, tx, Item{TicketID: id, Type: TypeEmail, Direction: DirIn, Body: body, Author: client.Name}, now)
	return id, err
}

// ReplyAsClient adds the client's reply to one of their tickets. A closed ticket
// refuses it with ErrClosed (the client opens a new ticket instead); a ticket waiting
// for the client becomes open again.
func ReplyAsClient(ctx context.Context, tx *sql.Tx, client core.Client, ticketID int64, body string, now time.Time) error {
	t, err := ClientTicket(ctx, tx, client.ID, ticketID)
	if err != nil {
		return err
	}
	if t.State == StateClosed {
		return ErrClosed
	}
	if strings.TrimSpace(body) == "" {
		return ErrEmpty
	}
	if _, err := AddItem(ctx, tx, Item{TicketID: t.ID, Type: TypeEmail, Direction: DirIn, Body: body, Author: client.Name}, now); err != nil {
		return err
	}
	if t.State == StateWaiting {
		return SetTicketState(ctx, tx, t.ID, StateOpen, now)
	}
	return nil
}

// PortalBase returns the base address of portal links (settings.PortalBase).
func PortalBase(st *settings.Store) string { return settings.PortalBase(st) }

// Why a staff reply was stored but not mailed (ReplyResult.NoMail, NoMailReason).
const (
	NoMailNoClient = "no_client" // the ticket has no client
	NoMailNoEmail  = "no_email"  // the client has no e-mail address
	// NoMailPreference: the client chose not to get ticket replies by e-mail (notify).
	NoMailPreference = "preference"
)

// NoMailReason tells whether a staff reply on a ticket of this client (0: none) with
// this e-mail address is mailed: "" when it is, else NoMailNoClient or NoMailNoEmail.
// ReplyAsStaff and the console's reply form decide by it, so the form's promise and
// what the reply does agree.
func NoMailReason(clientID int64, email string) string {
	switch {
	case clientID == 0:
		return NoMailNoClient
	case strings.TrimSpace(email) == "":
		return NoMailNoEmail
	}
	return ""
}

// ReplyResult tells what ReplyAsStaff did.
type ReplyResult struct {
	ItemID int64
	// MailID is the outbox row, 0 when no mail was queued; NoMail then says why.
	MailID int64
	NoMail string
	// Link is the portal link appended to the mail, "" when its conditions were not met.
	Link string
}

// ReplyAsStaff stores a staff reply as an outbound e-mail item and, when the ticket has
// a client with an e-mail address, queues the mail in the same transaction (call
// d.KickMail after the commit); otherwise ReplyResult.NoMail says why nothing was sent. The fixed, translated sentence "You can view the
// entire conversation in the Client portal." and a link to the ticket are appended
// when ci_url or server_url is set, a department takes portal requests and the ticket
// has a client.
func ReplyAsStaff(ctx context.Context, tx *sql.Tx, d app.Deps, ticketID int64, author, body string) (ReplyResult, error) {
	var res ReplyResult
	if strings.TrimSpace(body) == "" {
		return res, ErrEmpty
	}
	t, err := TicketByID(ctx, tx, ticketID)
	if err != nil {
		return res, err
	}
	now := d.Now()
	if res.ItemID, err = AddItem(ctx, tx, Item{TicketID: t.ID, Type: TypeEmail, Direction: DirOut, Body: body, Author: author}, now); err != nil {
		return res, err
	}
	var client core.Client
	if t.ClientID != 0 {
		if client, err = core.ClientByID(ctx, tx, t.ClientID); err != nil {
			return res, err
		}
	}
	if res.NoMail = NoMailReason(t.ClientID, client.Email); res.NoMail != "" {
		return res, nil
	}
	lang := client.Language
	if !web.Supported(lang) {
		lang = settings.DefaultLanguage.Get(d.Settings)
	}
	text := strings.TrimRight(body, "\n") + "\n"
	base := PortalBase(d.Settings.Brand(client.BrandID)) // the client's brand domain
	_, deptErr := PortalDepartment(ctx, tx)
	if base != "" && deptErr == nil {
		res.Link = fmt.Sprintf("%shelpdesk/%d", base, t.ID)
		text += "\n-- \n" + d.Web.Catalog.T(lang, "helpdesk.mail_portal_sentence") + "\n" + res.Link + "\n"
	}
	to := (&netmail.Address{Name: client.Name, Address: strings.TrimSpace(client.Email)}).String()
	msg := mail.Message{To: []string{to}, Subject: fmt.Sprintf("Re: %s [#%d]", core.OneLine(t.Subject), t.ID),
		Text: text, Purpose: MailPurpose, ClientID: client.ID, At: d.Now()}
	if d.Hooks != nil && d.Hooks.Notify != nil {
		// notify mails the reply when the client wants e-mail of ticket replies, and
		// adds the SMS or push they chose; once per reply item.
		res.MailID, err = d.Hooks.Notify(ctx, tx, app.Event{ClientID: client.ID, Topic: "ticket_reply",
			Key: fmt.Sprintf("ticket:%d:item:%d", t.ID, res.ItemID), Mail: &msg,
			Vars: map[string]string{"TICKET": strconv.FormatInt(t.ID, 10), "SUBJECT": core.OneLine(t.Subject), "PATH": fmt.Sprintf("helpdesk/%d", t.ID)}})
		if err == nil && res.MailID == 0 {
			res.NoMail = NoMailPreference
		}
		return res, err
	}
	res.MailID, err = mail.Enqueue(ctx, tx, msg)
	return res, err
}
