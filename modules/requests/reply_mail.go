package requests

import (
	"context"
	"database/sql"
	netmail "net/mail"
	"strconv"
	"strings"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// mailReply is the template purpose of the mail telling a client that staff replied.
const mailReply = "requests_reply"

func registerReplyMail(t *mail.Templates) {
	t.RegisterDefault(mailReply, "en", "Re: your request #$REQUEST_ID$: $SUBJECT$",
		"Hello,\n\n$AUTHOR$ replied to your support request #$REQUEST_ID$ ($SUBJECT$):\n\n$REPLY$\n\n"+
			"The request and its whole history are in the Client portal:\n$LINK$\n")
	t.RegisterDefault(mailReply, "cs", "Re: váš požadavek #$REQUEST_ID$: $SUBJECT$",
		"Dobrý den,\n\n$AUTHOR$ odpověděl(a) na váš požadavek #$REQUEST_ID$ ($SUBJECT$):\n\n$REPLY$\n\n"+
			"Požadavek s celou historií najdete v Klientském portálu:\n$LINK$\n")
}

// UpdateAndMail is the staff action on a request (console and API): Update, and when
// the change holds a reply, a mail to the request's client in the client's language
// through the outbox, in the same transaction. A client without an e-mail address gets
// none (mailed false).
func UpdateAndMail(ctx context.Context, tx *sql.Tx, d app.Deps, id int64, ch Change, author string) (r Request, detail string, mailed bool, err error) {
	if r, detail, err = Update(ctx, tx, id, ch, author, d.Now()); err != nil || strings.TrimSpace(ch.Reply) == "" {
		return r, detail, false, err
	}
	cl, err := core.ClientByID(ctx, tx, r.ClientID)
	if err != nil {
		return r, detail, false, err
	}
	if strings.TrimSpace(cl.Email) == "" {
		return r, detail + ", no mail (no address)", false, nil
	}
	lang := cl.Language
	if !web.Supported(lang) {
		lang = settings.DefaultLanguage.Get(d.Settings)
	}
	t, err := d.Mail.Resolve(ctx, mailReply, cl.InvoiceGroupID, lang)
	if err != nil {
		return r, detail, false, err
	}
	link := ""
	if base := settings.PortalBase(d.Settings.Brand(cl.BrandID)); base != "" { // the client's brand domain
		link = base + "requests/" + strconv.FormatInt(id, 10)
	}
	subject, body := mail.Render(t, map[string]string{"REQUEST_ID": strconv.FormatInt(id, 10), "SUBJECT": r.Subject,
		"AUTHOR": author, "REPLY": strings.TrimSpace(ch.Reply), "LINK": link})
	to := (&netmail.Address{Name: cl.Name, Address: strings.TrimSpace(cl.Email)}).String()
	_, err = mail.Enqueue(ctx, tx, mail.Message{To: []string{to}, Subject: subject, Text: body, Purpose: mailReply,
		ClientID: cl.ID, At: d.Now()})
	return r, detail, err == nil, err
}
