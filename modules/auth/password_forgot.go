package auth

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/settings"
)

// maxLinkClients bounds how many clients sharing one e-mail address get a link per
// request (a family or a company with several contracts).
const maxLinkClients = 5

type forgotData struct {
	ByEmail bool // ci_forgotten_password = email
}

// forgotGate answers 404 while no system sender is set: the link to the form is
// hidden then (seed), and no mail could be sent anyway.
func (m *Module) forgotGate(c *fiber.Ctx) error {
	if !m.mailConfigured() {
		return fiber.ErrNotFound
	}
	return c.Next()
}

func (m *Module) forgotData() forgotData {
	return forgotData{ByEmail: settings.ForgottenPassword.Get(m.d.Settings) != "username"}
}

// showForgot renders the "send me a link" form.
func (m *Module) showForgot(c *fiber.Ctx) error {
	return m.d.Web.Show(c, tplForgot, "auth.forgot.title", m.forgotData())
}

// submitForgot sends a link to every client the entry matches and answers with the
// same page whether or not any did, so the form cannot be used to discover accounts.
// The per-client cap (3 per 15 minutes) and per-IP limit never lock an account.
func (m *Module) submitForgot(c *fiber.Ctx) error {
	ctx := c.UserContext()
	data := m.forgotData()
	entry := strings.TrimSpace(c.FormValue("login"))
	if entry == "" {
		return m.d.Web.FormError(c, tplForgot, "auth.forgot.title", data, map[string]string{"login": "auth.error.required"}, nil)
	}
	var matches []core.Client
	if len(entry) <= 254 {
		if data.ByEmail {
			cs, err := core.ClientsByEmail(ctx, m.d.DB.R, entry)
			if err != nil {
				return err
			}
			matches = cs
		} else if cl, err := ClientByLogin(ctx, m.d.DB.R, entry); err == nil {
			matches = []core.Client{cl}
		} else if !errors.Is(err, core.ErrNotFound) {
			return err
		}
	}
	if len(matches) > maxLinkClients {
		matches = matches[:maxLinkClients]
	}
	ttl := time.Duration(settings.PasswordLinkMinutes.Get(m.d.Settings)) * time.Minute
	ip := m.d.Web.ClientIP(c)
	for _, cl := range matches {
		if !cl.Active {
			// A deactivated client could not use the link; the page says the same.
			m.d.Log.Info("auth.forgot: no link", "client_id", cl.ID, "ip", ip, "reason", "client deactivated")
			continue
		}
		err := issueLink(ctx, m.d, cl, tokenReset, ttl, true, "client:"+cl.Number, ip)
		switch {
		case err == nil:
			m.d.Log.Info("auth.forgot: link queued", "client_id", cl.ID, "ip", ip)
		case errors.Is(err, errCapped), errors.Is(err, ErrNoEmail):
			m.d.Log.Info("auth.forgot: no link", "client_id", cl.ID, "ip", ip, "reason", err.Error())
		default:
			// Staff must fix this (no portal address, broken template); the client
			// still sees the usual page.
			m.d.Log.Error("auth.forgot: link not sent", "client_id", cl.ID, "err", err)
		}
	}
	if len(matches) == 0 {
		m.d.Log.Info("auth.forgot: no match", "ip", ip)
	}
	return m.d.Web.Show(c, tplForgotSent, "auth.forgot.title", data)
}
