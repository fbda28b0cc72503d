package gdpr

import (
	"database/sql"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/web"
)

// formText is a textarea's value with the browser's CRLF line ends made LF.
func formText(v string) string { return strings.ReplaceAll(v, "\r\n", "\n") }

// consentText checks a consent text the way the store will, so the error stands
// beside the field.
func consentText(s string) (string, string) {
	s = strings.TrimSpace(formText(s))
	if _, bad := web.FormText(s); bad != "" {
		return s, bad
	}
	switch {
	case s == "":
		return s, "form.required"
	case len(s) > MaxTextBytes:
		return s, "form.too_long"
	}
	return s, ""
}

// auditTitle shortens a title for the audit detail.
func auditTitle(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 100 {
		return string(r[:100]) + "…"
	}
	return s
}

// addConsentDocument handles POST /admin/consents: title, text (HTML) and purposes
// (one per line; none means a plain "I agree"), with the limits of CheckDocument.
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
	case utf8.RuneCountInString(title) > MaxTitle:
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
		if utf8.RuneCountInString(p) > MaxPurpose || seen[strings.ToLower(p)] {
			errs["purposes"] = "gdpr.staff.err_purposes"
		}
		seen[strings.ToLower(p)] = true
		purposes = append(purposes, p)
	}
	if len(purposes) > MaxPurposes {
		errs["purposes"] = "gdpr.staff.err_purposes"
	}
	if len(errs) > 0 {
		return m.renderStaffConsents(c, errs, form)
	}
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err := AddDocument(ctx, tx, "", form["title"], text, purposes, m.d.Now())
		if err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "consent.document", 0,
			"document "+strconv.FormatInt(id, 10)+": "+auditTitle(form["title"]))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "gdpr.staff.added")
	return m.d.Web.Redirect(c, console.Path(pathStaffConsents))
}

// addConsentVersion handles POST /admin/consents/:id/version: a new text becomes
// current; clients who agreed to an older one are asked to review.
func (m *Module) addConsentVersion(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := DocumentByID(ctx, m.d.DB.R, id); err != nil {
		return err
	}
	text, key := consentText(c.FormValue("text"))
	if key != "" {
		field := "text" + strconv.FormatInt(id, 10)
		return m.renderStaffConsents(c, map[string]string{field: key}, map[string]string{field: text})
	}
	var v int
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if v, err = NewVersion(ctx, tx, id, text, m.d.Now()); err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "consent.version", 0,
			"document "+strconv.FormatInt(id, 10)+" version "+strconv.Itoa(v))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "gdpr.staff.versioned", strconv.Itoa(v))
	return m.d.Web.Redirect(c, console.Path(pathStaffConsents))
}

// setConsentActive handles POST /admin/consents/:id/active with active=1|0.
func (m *Module) setConsentActive(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	active := c.FormValue("active") == "1"
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := SetActive(ctx, tx, id, active, m.d.Now()); err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "consent.active", 0,
			"document "+strconv.FormatInt(id, 10)+" active="+strconv.FormatBool(active))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "form.saved")
	return m.d.Web.Redirect(c, console.Path(pathStaffConsents))
}
