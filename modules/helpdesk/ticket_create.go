package helpdesk

import (
	"database/sql"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
)

// Limits of what a client may type.
const (
	maxSubject = 200
	maxBody    = 10000
)

// showNewTicketForm shows the new ticket form.
func (m *Module) showNewTicketForm(c *fiber.Ctx) error {
	return m.d.Web.Show(c, tplNew, titleNew, nil)
}

// checkBody returns the translation key of a problem with a message text, or "".
func checkBody(body string) string {
	_, bad := web.FormText(body)
	switch {
	case bad != "":
		return bad
	case strings.TrimSpace(body) == "":
		return "helpdesk.err_text_required"
	case utf8.RuneCountInString(body) > maxBody || !utf8.ValidString(body):
		return "helpdesk.err_text_long"
	}
	return ""
}

// createTicket opens a ticket in the department that takes portal requests.
func (m *Module) createTicket(c *fiber.Ctx) error {
	subject, bad := web.FormLine(c.FormValue("subject"))
	body := strings.ReplaceAll(c.FormValue("text"), "\r\n", "\n")
	form := map[string]string{"subject": subject, "text": body}
	errs := map[string]string{}
	switch {
	case bad != "":
		errs["subject"] = bad
	case subject == "":
		errs["subject"] = "helpdesk.err_subject_required"
	case utf8.RuneCountInString(subject) > maxSubject || !utf8.ValidString(subject):
		errs["subject"] = "helpdesk.err_subject_long"
	}
	if k := checkBody(body); k != "" {
		errs["text"] = k
	}
	if len(errs) > 0 {
		return m.d.Web.FormError(c, tplNew, titleNew, nil, errs, form)
	}
	client := m.d.Web.Client(c)
	if client == nil {
		return fiber.ErrUnauthorized
	}
	var id int64
	err := m.d.DB.Tx(c.UserContext(), func(tx *sql.Tx) error {
		var err error
		id, err = CreateClientTicket(c.UserContext(), tx, *client, subject, body, m.d.Now())
		return err
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "helpdesk.created")
	return m.d.Web.Redirect(c, pathList+"/"+strconv.FormatInt(id, 10))
}
