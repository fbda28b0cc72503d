package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	netmail "net/mail"
	"slices"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Statuses of a notify_sent row.
const (
	StatusQueued  = "queued"  // push waiting for the worker
	StatusHeld    = "held"    // SMS or push held until the quiet hours end (due_at)
	StatusSending = "sending" // claimed by a worker
	StatusSent    = "sent"    // handed to the mail or SMS outbox, or accepted by the push service
	StatusFailed  = "failed"
)

// Statuses lists every status of a notify_sent row.
var Statuses = []string{StatusQueued, StatusHeld, StatusSending, StatusSent, StatusFailed}

// purpose is the e-mail template purpose of a topic ("notify_invoice_new"); its
// subject is also the text of the SMS and the push title.
func purpose(topic string) string { return "notify_" + topic }

// ErrEvent is returned for an event without client, key or a known topic: a
// programming mistake of the caller.
var ErrEvent = errors.New("notify: invalid event")

// message is what one event says, in the client's language.
type message struct {
	Subject, Body, URL string
}

// compose renders the topic's template with the event's variables. An event about
// an unpaid invoice gets its pay link ($PAY_LINK$, and $PAY_LINE$: a sentence in the
// client's language with it, or nothing when paying online is off), read through q
// since the invoice may be stored in the caller's uncommitted transaction.
func (m *Module) compose(ctx context.Context, q core.Querier, cl core.Client, lang string, e app.Event) (message, error) {
	t, err := m.d.Mail.Resolve(ctx, purpose(e.Topic), cl.InvoiceGroupID, lang)
	if err != nil {
		return message{}, err
	}
	vars := map[string]string{"CLIENT_NAME": cl.Name, "LINK": "", "PAY_LINK": "", "PAY_LINE": ""}
	for k, v := range e.Vars {
		vars[k] = v
	}
	if e.InvoiceID != 0 && m.d.Hooks.PayLink != nil {
		link, err := m.d.Hooks.PayLink(ctx, q, cl.ID, e.InvoiceID)
		switch {
		case errors.Is(err, core.ErrNotFound): // paid meanwhile: nothing to pay
		case err != nil:
			return message{}, err
		case link != "":
			vars["PAY_LINK"] = link
			vars["PAY_LINE"] = m.d.Web.Catalog.T(lang, "notify.pay_line", "Link", link) + "\n"
		}
	}
	url := ""
	if base := settings.PortalBase(m.d.Settings.Brand(cl.BrandID)); base != "" { // the client's brand domain
		url = base + strings.TrimPrefix(e.Vars["PATH"], "/")
		vars["LINK"] = url
	}
	subject, body := mail.Render(t, vars)
	return message{Subject: subject, Body: body, URL: url}, nil
}

// clientLang is the language a client's notifications are in.
func (m *Module) clientLang(cl core.Client) string {
	if web.Supported(cl.Language) {
		return cl.Language
	}
	return settings.DefaultLanguage.Get(m.d.Settings)
}

// Emit is app.Hooks.Notify: it decides, in the caller's transaction, which channels
// tell the client of e, once per (client, topic, key, channel). E-mail is queued in the
// mail outbox at once (quiet hours do not hold it: a mailbox does not ring); an SMS is
// queued in the SMS outbox at once, or held until the client's quiet hours end; push
// waits for the worker (after the commit) and is held the same way. It returns the id
// of the e-mail it queued (0 if none).
func (m *Module) Emit(ctx context.Context, tx *sql.Tx, e app.Event) (int64, error) {
	if e.ClientID == 0 || e.Key == "" || !slices.Contains(Topics, e.Topic) {
		return 0, fmt.Errorf("%w: client %d topic %q key %q", ErrEvent, e.ClientID, e.Topic, e.Key)
	}
	if !settings.NotificationsEnable.Get(m.d.Settings) {
		if e.Mail != nil { // off: a caller's own mail goes as it did without this module
			return mail.Enqueue(ctx, tx, *e.Mail)
		}
		return 0, nil
	}
	cl, err := core.ClientByID(ctx, tx, e.ClientID)
	if err != nil {
		return 0, err
	}
	p, err := LoadPrefs(ctx, tx, cl.ID)
	if err != nil {
		return 0, err
	}
	var wanted []string
	for _, ch := range Channels {
		if p.Wants(e.Topic, ch) && m.reachable(ctx, tx, cl, ch) {
			wanted = append(wanted, ch)
		}
	}
	if len(wanted) == 0 {
		return 0, nil
	}
	msg, err := m.compose(ctx, tx, cl, m.clientLang(cl), e)
	if err != nil {
		return 0, err
	}
	now := m.d.Now()
	quietEnd := p.QuietUntil(now, time.Local)
	var mailID int64
	for _, ch := range wanted {
		status, due := StatusSent, now
		switch {
		case ch != ChannelEmail && !quietEnd.IsZero():
			status, due = StatusHeld, quietEnd
		case ch == ChannelPush:
			status = StatusQueued
		}
		id, fresh, err := claimEvent(ctx, tx, cl.ID, e, ch, status, msg, due, now)
		if err != nil || !fresh {
			if err != nil {
				return mailID, err
			}
			continue
		}
		if status != StatusSent {
			continue
		}
		switch ch {
		case ChannelEmail:
			mm := mail.Message{To: []string{(&netmail.Address{Name: cl.Name, Address: strings.TrimSpace(cl.Email)}).String()},
				Subject: msg.Subject, Text: msg.Body, Purpose: purpose(e.Topic), ClientID: cl.ID, At: now}
			if e.Mail != nil {
				mm = *e.Mail
			}
			if mailID, err = mail.Enqueue(ctx, tx, mm); err != nil {
				return 0, err
			}
		case ChannelSMS:
			if err := m.queueSMS(ctx, tx, id, cl, msg.Subject, now); err != nil {
				return mailID, err
			}
		}
	}
	return mailID, nil
}

// reachable reports whether the client can be told anything on ch: an e-mail
// address, a mobile number and an SMS transport, a push subscription.
func (m *Module) reachable(ctx context.Context, q core.Querier, cl core.Client, ch string) bool {
	switch ch {
	case ChannelEmail:
		return strings.TrimSpace(cl.Email) != ""
	case ChannelSMS:
		return strings.TrimSpace(cl.Mobile) != "" && m.d.Hooks != nil && m.d.Hooks.SMS != nil
	default:
		var n int
		err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_push WHERE client_id = ?`, cl.ID).Scan(&n)
		return err == nil && n > 0
	}
}

// claimEvent inserts the row of one event on one channel; fresh is false when the
// row was there already (the event was reported before): then nothing is sent again.
func claimEvent(ctx context.Context, tx *sql.Tx, clientID int64, e app.Event, ch, status string, msg message, due, now time.Time) (int64, bool, error) {
	var sentAt any
	if status == StatusSent {
		sentAt = core.Now(now)
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO notify_sent (client_id, topic, event_key, channel, status, title, body, url,
		due_at, created_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (client_id, topic, event_key, channel) DO NOTHING RETURNING id`,
		clientID, e.Topic, e.Key, ch, status, msg.Subject, firstLine(msg.Body), msg.URL, core.Now(due), core.Now(now), sentAt).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// queueSMS hands the text to the SMS outbox; without a transport the row is failed
// with the reason, so the card shows why nothing arrived.
func (m *Module) queueSMS(ctx context.Context, tx *sql.Tx, rowID int64, cl core.Client, text string, now time.Time) error {
	_, err := m.d.Hooks.SMS(ctx, tx, cl.ID, cl.Mobile, text)
	if err == nil {
		return nil
	}
	if !errors.Is(err, core.ErrNotFound) && !errors.As(err, new(*core.FieldError)) {
		return err
	}
	reason := "no SMS transport configured"
	if !errors.Is(err, core.ErrNotFound) {
		reason = "the mobile number cannot take SMS"
	}
	_, err = tx.ExecContext(ctx, `UPDATE notify_sent SET status = 'failed', last_error = ?, sent_at = NULL WHERE id = ?`, reason, rowID)
	return err
}

// firstLine is the first non-empty line of a mail body, the text of a push.
func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if r := []rune(l); len(r) > 200 {
				l = string(r[:200]) + "…"
			}
			return l
		}
	}
	return ""
}
