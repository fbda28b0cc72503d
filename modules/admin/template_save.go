package admin

import (
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/web"
)

// saveTemplate handles POST /admin/templates with action=preview (render with a
// sample client, nothing stored) or action=save (store, replacing the template of the
// same purpose, group and language).
func (m *Module) saveTemplate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := map[string]string{}
	for _, k := range []string{"purpose", "group", "language", "subject", "body", "client"} {
		form[k] = formText(c.FormValue(k))
	}
	form["subject"] = strings.TrimSpace(form["subject"])
	errs := map[string]string{}
	t := mail.Template{Purpose: form["purpose"], Language: form["language"], Subject: form["subject"], Body: form["body"]}
	known := false
	for _, p := range m.d.Mail.Purposes() {
		known = known || p.Name == t.Purpose
	}
	if !known {
		errs["purpose"] = "form.invalid"
	}
	if form["group"] != "" && form["group"] != "0" {
		id, err := strconv.ParseInt(form["group"], 10, 64)
		if err == nil {
			_, err = core.GroupByID(ctx, m.d.DB.R, id)
		}
		if err != nil {
			errs["group"] = "form.invalid"
		}
		t.GroupID = id
	}
	if t.Language != "" && !slices.Contains(web.Languages, t.Language) {
		errs["language"] = "form.invalid"
	}
	if t.Subject == "" {
		errs["subject"] = "form.required"
	} else if strings.ContainsAny(t.Subject, "\r\n") || len([]rune(t.Subject)) > 400 {
		errs["subject"] = "form.invalid"
	}
	if strings.TrimSpace(t.Body) == "" {
		errs["body"] = "form.required"
	} else if len(t.Body) > 100000 {
		errs["body"] = "form.too_long"
	}
	if len(errs) > 0 {
		return m.renderTemplates(c, errs, form, nil)
	}
	if c.FormValue("action") == "preview" {
		cl, err := m.sampleClient(c, form["client"], t.GroupID)
		if err != nil {
			return m.renderTemplates(c, map[string]string{"client": "admin.templates.err_client"}, form, nil)
		}
		subject, body := mail.Render(t, sampleVars(t, cl))
		if err := m.auditNow(c, "template.preview", cl.ID, t.Purpose); err != nil {
			return err
		}
		return m.renderTemplates(c, nil, form, &templatePreview{Client: cl.Number + " " + cl.Name, Subject: subject, Body: body})
	}
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := m.d.Mail.Set(ctx, tx, t); err != nil {
			return err
		}
		return m.audit(ctx, c, tx, "template.save", 0, t.Purpose+" group "+strconv.FormatInt(t.GroupID, 10)+" language "+t.Language)
	})
	if errors.Is(err, mail.ErrInvalidTemplate) || errors.Is(err, mail.ErrUnknownPurpose) {
		return m.renderTemplates(c, map[string]string{"body": "form.invalid"}, form, nil)
	}
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "admin.templates.saved")
	return m.d.Web.Redirect(c, prefix+pathTemplates)
}

// sampleClient is the client a preview is rendered for: the number typed, else the
// first client of the template's group, else any client.
func (m *Module) sampleClient(c *fiber.Ctx, number string, group int64) (core.Client, error) {
	ctx := c.UserContext()
	if strings.TrimSpace(number) != "" {
		return core.ClientByNumber(ctx, m.d.DB.R, number)
	}
	list, err := core.SearchClients(ctx, m.d.DB.R, core.ClientFilter{Group: group, Limit: 1})
	if err == nil && len(list) == 0 && group != 0 {
		list, err = core.SearchClients(ctx, m.d.DB.R, core.ClientFilter{Limit: 1})
	}
	if err != nil {
		return core.Client{}, err
	}
	if len(list) == 0 {
		return core.Client{}, core.ErrNotFound
	}
	return list[0], nil
}

// deleteTemplate handles POST /admin/templates/:id/delete: the next more general
// template (or the built-in default) applies again.
func (m *Module) deleteTemplate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := m.d.Mail.Get(ctx, id); err != nil {
		return fiber.ErrNotFound
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := m.d.Mail.Delete(ctx, tx, id); err != nil {
			return err
		}
		return m.audit(ctx, c, tx, "template.delete", 0, "template "+strconv.FormatInt(id, 10))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "admin.templates.deleted")
	return m.d.Web.Redirect(c, prefix+pathTemplates)
}
