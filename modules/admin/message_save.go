package admin

import (
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/modules/info"
)

// createMessage handles POST /admin/messages: a private (client number), global or
// per-invoice-group message. The body is staff HTML, stored as written and sanitised
// wherever it is shown. back (a local path) returns to the client card.
func (m *Module) createMessage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := map[string]string{}
	for _, k := range []string{"kind", "client", "group", "title", "body", "from", "until"} {
		form[k] = strings.TrimSpace(formText(c.FormValue(k)))
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
	msg := info.Message{Kind: form["kind"], Title: form["title"], Body: form["body"]}
	switch msg.Kind {
	case info.KindPrivate:
		cl, err := core.ClientByNumber(ctx, m.d.DB.R, form["client"])
		if err != nil {
			errs["client"] = "admin.messages.err_client"
		}
		msg.ClientID = cl.ID
	case info.KindGroup:
		id, err := strconv.ParseInt(form["group"], 10, 64)
		if err == nil {
			_, err = core.GroupByID(ctx, m.d.DB.R, id)
		}
		if err != nil {
			errs["group"] = "admin.messages.err_group"
		}
		msg.GroupID = id
	case info.KindGlobal:
	default:
		errs["kind"] = "form.invalid"
	}
	switch {
	case errs["title"] != "":
	case msg.Title == "":
		errs["title"] = "form.required"
	case len([]rune(msg.Title)) > 200:
		errs["title"] = "form.too_long"
	}
	switch {
	case errs["body"] != "":
	case msg.Body == "":
		errs["body"] = "form.required"
	case len(msg.Body) > 100000:
		errs["body"] = "form.too_long"
	}
	var err error
	if msg.ValidFrom, err = parseDay(form["from"], false); err != nil {
		errs["from"] = "admin.err_date"
	}
	if msg.ValidUntil, err = parseDay(form["until"], true); err != nil {
		errs["until"] = "admin.err_date"
	}
	if _, ok := errs["until"]; !ok && !msg.ValidUntil.IsZero() && !msg.ValidFrom.IsZero() && !msg.ValidUntil.After(msg.ValidFrom) {
		errs["until"] = "admin.messages.err_range"
	}
	if len(errs) == 0 {
		if err := msg.Validate(); err != nil {
			errs["body"] = "form.invalid"
		}
	}
	if len(errs) > 0 {
		return m.renderMessages(c, errs, form)
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err := info.SaveMessage(ctx, tx, msg, m.d.Now())
		if err != nil {
			return err
		}
		return m.audit(ctx, c, tx, "message.create", msg.ClientID, msg.Kind+" message "+strconv.FormatInt(id, 10)+": "+oneLine(msg.Title, 100))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "admin.messages.created")
	if back, ok := web.LocalPath(c.FormValue("back")); ok && strings.HasPrefix(back, prefix+"/") {
		return m.d.Web.Redirect(c, back)
	}
	return m.d.Web.Redirect(c, prefix+pathMessages)
}

// deleteMessage handles POST /admin/messages/:id/delete.
func (m *Module) deleteMessage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := info.DeleteMessage(ctx, tx, id); err != nil {
			return err
		}
		return m.audit(ctx, c, tx, "message.delete", 0, "message "+strconv.FormatInt(id, 10))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "admin.messages.deleted")
	return m.d.Web.Redirect(c, prefix+pathMessages)
}

// parseDay reads YYYY-MM-DD as local midnight; an end day is included (until the
// next midnight). Empty means no limit.
func parseDay(s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, time.Local)
	if err != nil {
		return t, err
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}
