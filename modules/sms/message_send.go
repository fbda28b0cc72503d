package sms

import (
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	smslib "github.com/ispportal/portal/internal/sms"
	"github.com/ispportal/portal/settings"
)

// historySize is how many of the client's messages the send page lists.
const historySize = 50

// sendPage is the view model of the send form and history.
type sendPage struct {
	Contacts []Contact
	Messages []Message
	// Limit is ci_sms_per_month (0 = unlimited), Used the messages counted this month
	// and Remaining what is left.
	Limit, Used, Remaining int
	// Counter describes the text last checked or sent.
	Counter  *counter
	MaxParts int
}

// counter is the server-computed length of a text.
type counter struct {
	Encoding string
	Parts    int
	Left     int // characters left in the last part
	TooLong  bool
}

func count(text string) *counter {
	enc, parts, left := smslib.Parts(text)
	return &counter{Encoding: enc, Parts: parts, Left: left, TooLong: parts > smslib.MaxParts}
}

func (m *Module) sendPageData(c *fiber.Ctx) (*sendPage, error) {
	ctx, id := c.UserContext(), m.d.Web.ClientID(c)
	contacts, err := ListContacts(ctx, m.d.DB.R, id)
	if err != nil {
		return nil, err
	}
	msgs, err := ListMessages(ctx, m.d.DB.R, id, historySize)
	if err != nil {
		return nil, err
	}
	used, err := CountThisMonth(ctx, m.d.DB.R, id, m.d.Now())
	if err != nil {
		return nil, err
	}
	p := &sendPage{Contacts: contacts, Messages: msgs, Limit: settings.SMSPerMonth.Get(m.d.Settings), Used: used,
		MaxParts: smslib.MaxParts}
	if p.Limit > 0 {
		p.Remaining = max(p.Limit-used, 0)
	}
	return p, nil
}

// showSendForm shows the form, the monthly allowance and the history. ?to= pre-fills
// the number (the directory's "Send SMS" links).
func (m *Module) showSendForm(c *fiber.Ctx) error {
	data, err := m.sendPageData(c)
	if err != nil {
		return err
	}
	page := m.d.Web.NewPage(c, titleSend, data)
	page.Form = map[string]string{"number": c.Query("to")}
	return m.d.Web.Render(c, tplSend, page)
}

// sendMessage handles both buttons of the form: "check" re-renders the form with the
// part counter, "send" validates and queues the message.
func (m *Module) sendMessage(c *fiber.Ctx) error {
	number := strings.TrimSpace(c.FormValue("number"))
	if number == "" {
		number = strings.TrimSpace(c.FormValue("contact"))
	}
	text := strings.ReplaceAll(c.FormValue("text"), "\r\n", "\n")
	form := map[string]string{"number": number, "text": text}
	data, err := m.sendPageData(c)
	if err != nil {
		return err
	}
	data.Counter = count(text)
	if c.FormValue("action") == "check" {
		page := m.d.Web.NewPage(c, titleSend, data)
		page.Form = form
		return m.d.Web.Render(c, tplSend, page)
	}

	errs := map[string]string{}
	e164, key := m.checkNumber(number)
	if key != "" {
		errs["number"] = key
	}
	if _, err := CheckText(text); err != nil {
		errs["text"] = textError(err)
	}
	if data.Limit > 0 && data.Remaining == 0 {
		errs["limit"] = "sms.err_limit"
	}
	if len(errs) > 0 {
		return m.d.Web.FormError(c, tplSend, titleSend, data, errs, form)
	}
	var parts int
	err = m.d.DB.Tx(c.UserContext(), func(tx *sql.Tx) error {
		id, err := EnqueueSMS(c.UserContext(), tx, m.d.Web.ClientID(c), e164, text, data.Limit, m.d.Now())
		if err != nil {
			return err
		}
		msg, err := MessageByID(c.UserContext(), tx, id)
		parts = msg.Parts
		return err
	})
	if errors.Is(err, ErrLimit) {
		// Another send of the same client took the last message meanwhile.
		data, derr := m.sendPageData(c)
		if derr != nil {
			return derr
		}
		data.Counter = count(text)
		return m.d.Web.FormError(c, tplSend, titleSend, data, map[string]string{"limit": "sms.err_limit"}, form)
	}
	if err != nil {
		return err
	}
	m.worker.Kick()
	m.d.Web.AddFlash(c, "ok", "sms.queued", strconv.Itoa(parts))
	return m.d.Web.Redirect(c, pathSend)
}

// checkNumber normalises a typed number to E.164 and applies the premium rule; it
// returns the translation key of the problem, or "".
func (m *Module) checkNumber(number string) (string, string) {
	if number == "" {
		return "", "sms.err_number_required"
	}
	e164, err := smslib.NormalizeNumber(number, settings.SMSDefaultCountry.Get(m.d.Settings))
	switch {
	case errors.Is(err, smslib.ErrNumberShort):
		return "", "sms.err_number_short"
	case errors.Is(err, smslib.ErrNumberLong):
		return "", "sms.err_number_long"
	case errors.Is(err, smslib.ErrNumberCountry), errors.Is(err, smslib.ErrCountryInvalid):
		return "", "sms.err_number_country"
	case err != nil:
		return "", "sms.err_number_invalid"
	}
	if settings.SMSBlockPremium.Get(m.d.Settings) && smslib.IsPremium(e164) {
		return "", "sms.err_number_premium"
	}
	return e164, ""
}

func textError(err error) string {
	if errors.Is(err, ErrEmptyText) {
		return "sms.err_text_required"
	}
	return "sms.err_text_too_long"
}
