package admin

import (
	"database/sql"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/modules/gdpr"
)

// consentText checks a consent text the way the gdpr module will, so the error
// stands beside the field.
func consentText(s string) (string, string) {
	s = strings.TrimSpace(formText(s))
	if _, bad := web.FormText(s); bad != "" {
		return s, bad
	}
	switch {
	case s == "":
		return s, "form.required"
	case len(s) > gdpr.MaxTextBytes:
		return s, "form.too_long"
	}
	return s, ""
}

// addConsentDocument handles POST /admin/consents: title, text (HTML) and purposes
// (one per line; none means a plain "I agree").
func (m *Module) addConsentDocument(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := map[string]string{"purposes": formText(c.FormValue("purposes"))}
	errs := map[string]string{}
	title, bad := web.FormLine(c.FormValue("title"))
	form["title"] = title
	text, key := consentText(c.FormValue("text"))
	form["text"] = text
	if key != "" {
		errs["text"] = key
	}
	switch {
	case bad != "":
		errs["title"] = bad
	case title == "":
		errs["title"] = "form.required"
	case len(title) > 300:
		errs["title"] = "form.too_long"
	}
	var purposes []string
	seen := map[string]bool{}
	for _, p := range strings.Split(form["purposes"], "\n") {
		p, bad := web.FormLine(p)
		if bad != "" {
			errs["purposes"] = bad
			continue
		}
		if p == "" {
			continue
		}
		if len(p) > 200 || seen[strings.ToLower(p)] {
			errs["purposes"] = "admin.consents.err_purposes"
		}
		seen[strings.ToLower(p)] = true
		purposes = append(purposes, p)
	}
	if len(errs) > 0 {
		return m.renderConsents(c, errs, form)
	}
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err := gdpr.AddDocument(ctx, tx, "", form["title"], text, purposes, m.d.Now())
		if err != nil {
			return err
		}
		return m.audit(ctx, c, tx, "consent.document", 0, "document "+strconv.FormatInt(id, 10)+": "+oneLine(form["title"], 100))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "admin.consents.added")
	return m.d.Web.Redirect(c, prefix+pathConsents)
}

// addConsentVersion handles POST /admin/consents/:id/version: a new text becomes
// current; clients who agreed to an older one are asked to review.
func (m *Module) addConsentVersion(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := gdpr.DocumentByID(ctx, m.d.DB.R, id); err != nil {
		return err
	}
	text, key := consentText(c.FormValue("text"))
	if key != "" {
		field := "text" + strconv.FormatInt(id, 10)
		return m.renderConsents(c, map[string]string{field: key}, map[string]string{field: text})
	}
	var v int
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if v, err = gdpr.NewVersion(ctx, tx, id, text, m.d.Now()); err != nil {
			return err
		}
		return m.audit(ctx, c, tx, "consent.version", 0, "document "+strconv.FormatInt(id, 10)+" version "+strconv.Itoa(v))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "admin.consents.versioned", strconv.Itoa(v))
	return m.d.Web.Redirect(c, prefix+pathConsents)
}

// setConsentActive handles POST /admin/consents/:id/active with active=1|0.
func (m *Module) setConsentActive(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	active := c.FormValue("active") == "1"
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := gdpr.SetActive(ctx, tx, id, active, m.d.Now()); err != nil {
			return err
		}
		return m.audit(ctx, c, tx, "consent.active", 0, "document "+strconv.FormatInt(id, 10)+" active="+strconv.FormatBool(active))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "form.saved")
	return m.d.Web.Redirect(c, prefix+pathConsents)
}
