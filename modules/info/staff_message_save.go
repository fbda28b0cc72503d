package info

import (
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// createStaffMessage handles POST /admin/messages: a private (client number), global
// or per-invoice-group message. The body is staff HTML, stored as written and
// sanitised wherever it is shown. back (a console path) returns to the client card.
func (m *Module) createStaffMessage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := map[string]string{}
	for _, k := range []string{"kind", "client", "group", "title", "body", "from", "until"} {
		form[k] = strings.TrimSpace(strings.ReplaceAll(c.FormValue(k), "\r\n", "\n"))
	}
	errs := map[string]string{}
	if v, key := web.FormLine(form["title"]); key != "" {
		errs["title"] = key
	} else {
		form["title"] = v
	}
	if _, key := web.FormText(form["body"]); key != "" {
		errs["body"] = key
	}
	msg := Message{Kind: form["kind"], Title: form["title"], Body: form["body"]}
	switch msg.Kind {
	case KindPrivate:
		cl, err := core.ClientByNumber(ctx, m.d.DB.R, form["client"])
		if err != nil {
			errs["client"] = "info.staff.err_client"
		}
		msg.ClientID = cl.ID
	case KindGroup:
		id, err := strconv.ParseInt(form["group"], 10, 64)
		if err == nil {
			_, err = core.GroupByID(ctx, m.d.DB.R, id)
		}
		if err != nil {
			errs["group"] = "info.staff.err_group"
		}
		msg.GroupID = id
	case KindGlobal:
	default:
		errs["kind"] = "form.invalid"
	}
	// The limits of PublishMessage, checked here too so that every refused field shows at once.
	switch {
	case errs["title"] != "":
	case msg.Title == "":
		errs["title"] = "form.required"
	case utf8.RuneCountInString(msg.Title) > MaxTitle:
		errs["title"] = "form.too_long"
	}
	switch {
	case errs["body"] != "":
	case msg.Body == "":
		errs["body"] = "form.required"
	case utf8.RuneCountInString(msg.Body) > MaxBody:
		errs["body"] = "form.too_long"
	}
	var err error
	if msg.ValidFrom, err = console.ParseDay(form["from"], false); err != nil {
		errs["from"] = "info.staff.err_date"
	}
	if msg.ValidUntil, err = console.ParseDay(form["until"], true); err != nil {
		errs["until"] = "info.staff.err_date"
	}
	if _, ok := errs["until"]; !ok && !msg.ValidUntil.IsZero() && !msg.ValidFrom.IsZero() && !msg.ValidUntil.After(msg.ValidFrom) {
		errs["until"] = "info.staff.err_range"
	}
	if len(errs) > 0 {
		return m.renderStaffMessages(c, errs, form)
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, err := PublishMessage(ctx, tx, msg, m.d.Now(), func(id int64) error {
			return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "message.create", msg.ClientID,
				msg.Kind+" message "+strconv.FormatInt(id, 10)+": "+shorten(msg.Title, 100))
		})
		return err
	})
	if fe, ok := errors.AsType[*core.FieldError](err); ok {
		return m.renderStaffMessages(c, map[string]string{staffField(fe.Field): staffKey(fe)}, form)
	}
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "info.staff.created")
	if back, ok := web.LocalPath(c.FormValue("back")); ok && strings.HasPrefix(back, console.Prefix+"/") {
		return m.d.Web.Redirect(c, back)
	}
	return m.d.Web.Redirect(c, console.Path(pathStaffMessages))
}

// staffField is the form field of a field PublishMessage refused.
func staffField(field string) string {
	switch field {
	case "kind", "client", "group", "title", "body", "until":
		return field
	}
	return "body"
}

// staffKey is the form error of a refusal of PublishMessage the form's own checks
// did not catch first (an invoice group deleted meanwhile).
func staffKey(fe *core.FieldError) string {
	switch {
	case errors.Is(fe, ErrNoGroup):
		return "info.staff.err_group"
	case errors.Is(fe, core.ErrNotBlank):
		return "form.required"
	case errors.Is(fe, ErrTooLong):
		return "form.too_long"
	}
	return "form.invalid"
}

// deleteStaffMessage handles POST /admin/messages/:id/delete.
func (m *Module) deleteStaffMessage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		return DeleteMessage(ctx, tx, id, func() error {
			return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "message.delete", 0, "message "+strconv.FormatInt(id, 10))
		})
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "info.staff.deleted")
	return m.d.Web.Redirect(c, console.Path(pathStaffMessages))
}

// shorten puts a title on one line of at most n characters for the audit log.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
