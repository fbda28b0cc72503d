package admin

import (
	"database/sql"
	"errors"
	netmail "net/mail"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/web"
)

// revealMail handles POST /admin/tools/outbox/:id/reveal: the mail's page with its
// password link shown, only while the mail still holds it and has not expired (the
// link is valid then); the viewing is audited (outbox.reveal) before anything is shown.
func (m *Module) revealMail(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	e, err := mail.Reveal(c.UserContext(), m.d.DB.R, id, m.d.Now())
	switch {
	case errors.Is(err, mail.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, mail.ErrNothingToReveal):
		return m.backToMail(c, id, "admin.outbox.nothing_to_reveal")
	case err != nil:
		return err
	}
	if err := m.auditNow(c, "outbox.reveal", e.ClientID, "mail "+strconv.FormatInt(id, 10)); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return m.d.Web.Show(c, tplOutboxMail, "admin.outbox.mail_title", outboxMailData{Mail: e, CanWrite: true, Revealed: true})
}

// resendMail handles POST /admin/tools/outbox/:id/resend: a copy of a sent mail is
// queued (mail.Resend) and the worker woken; a mail that carried a link is refused.
func (m *Module) resendMail(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	var newID int64
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if newID, err = mail.Resend(ctx, tx, id, m.d.Now()); err != nil {
			return err
		}
		return m.audit(ctx, c, tx, "outbox.resend", 0, "mail "+strconv.FormatInt(id, 10)+" as "+strconv.FormatInt(newID, 10))
	})
	switch {
	case errors.Is(err, mail.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, mail.ErrSecretsRemoved):
		return m.backToMail(c, id, "admin.outbox.resend_link")
	case errors.Is(err, mail.ErrNotResendable):
		return m.backToMail(c, id, "admin.outbox.not_resendable")
	case err != nil:
		return err
	}
	if m.d.KickMail != nil {
		m.d.KickMail()
	}
	m.d.Web.AddFlash(c, "ok", "admin.outbox.resent")
	return m.d.Web.Redirect(c, prefix+"/tools/outbox/"+strconv.FormatInt(newID, 10))
}

// sendTestMail handles POST /admin/tools/outbox/test: one message to the address given,
// now, through the SMTP settings the worker uses; the flash reports the server's real
// answer (accepted by host:port, or its refusal). Audited as mail.test with the result.
func (m *Module) sendTestMail(c *fiber.Ctx) error {
	to := strings.TrimSpace(c.FormValue("to"))
	a, perr := netmail.ParseAddress(to)
	if perr != nil || a.Name != "" || len(to) > 254 || strings.ContainsAny(to, "\r\n") {
		return m.renderOutbox(c, map[string]string{"to": "admin.outbox.test_bad_address"}, map[string]string{"to": to})
	}
	lang := m.d.Web.Lang(c)
	cat := m.d.Web.Catalog
	server, err := mail.SendTest(c.UserContext(), app.SMTPConfig(m.d.Settings)(), a.Address,
		cat.T(lang, "admin.outbox.test_subject"), cat.T(lang, "admin.outbox.test_text"), m.d.Now())
	result := "ok " + server
	if err != nil {
		result = "failed " + server + ": " + err.Error()
	}
	if aerr := m.auditNow(c, "mail.test", 0, result); aerr != nil {
		return aerr
	}
	switch {
	case errors.Is(err, mail.ErrNotConfigured):
		m.d.Web.AddFlash(c, "error", "admin.outbox.test_not_configured")
	case err != nil:
		m.d.Web.AddFlash(c, "error", "admin.outbox.test_failed", err.Error())
	default:
		m.d.Web.AddFlash(c, "ok", "admin.outbox.test_ok", server)
	}
	return m.d.Web.Redirect(c, prefix+pathOutbox)
}

// backToMail returns to a mail's page with an error message (key).
func (m *Module) backToMail(c *fiber.Ctx, id int64, key string) error {
	m.d.Web.AddFlash(c, "error", key)
	return m.d.Web.Redirect(c, prefix+"/tools/outbox/"+strconv.FormatInt(id, 10))
}
