package admin

import (
	"context"
	"net"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/factor"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/settings"
)

// homeData is the console's start page: what needs attention.
type homeData struct {
	Suspended   bool
	Queued      int
	Failed      int
	AdminAreas  bool
	ClientAreas bool
	// Warnings are what stops mail or SMS from reaching clients (deliveryWarnings).
	Warnings []app.Warning
}

// showHome renders GET /admin.
func (m *Module) showHome(c *fiber.Ctx) error {
	ctx := c.UserContext()
	s := m.d.Web.Staff(c)
	d := homeData{Suspended: settings.PortalSuspended.Get(m.d.Settings), AdminAreas: perm.Allows(s.Role, perm.ToolsRead),
		ClientAreas: perm.Allows(s.Role, perm.ClientsRead)}
	var err error
	if d.Queued, err = mail.Count(ctx, m.d.DB.R, mail.StatusQueued); err != nil {
		return err
	}
	if d.Failed, err = mail.Count(ctx, m.d.DB.R, mail.StatusFailed); err != nil {
		return err
	}
	if d.Warnings, err = m.deliveryWarnings(ctx, c.Hostname()); err != nil {
		return err
	}
	return m.d.Web.Show(c, tplHome, "admin.home.title", d)
}

// deliveryWarnings lists what stops the portal from reaching clients: no SMTP server or
// sender address, the newest delivery attempt failed, ci_url empty (links in mails
// cannot be made) or naming another host than the one staff use now (host, from the
// request), passkeys registered for another host than ci_url's (they no longer work),
// then what the modules report (SMS).
func (m *Module) deliveryWarnings(ctx context.Context, host string) ([]app.Warning, error) {
	var out []app.Warning
	st := m.d.Settings
	if strings.TrimSpace(settings.SMTPHost.Get(st)) == "" {
		out = append(out, app.Warning{Key: "admin.home.warn_no_smtp"})
	}
	if strings.TrimSpace(settings.SystemMail.Get(st)) == "" {
		out = append(out, app.Warning{Key: "admin.home.warn_no_sender"})
	}
	failed, err := mail.LastAttemptFailed(ctx, m.d.DB.R)
	if err != nil {
		return nil, err
	}
	if failed {
		out = append(out, app.Warning{Key: "admin.home.warn_mail_failing"})
	}
	ciURL := strings.TrimSpace(settings.PortalURL.Get(st))
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	switch urlHost := mail.HostnameFromURL(ciURL); {
	case ciURL == "":
		out = append(out, app.Warning{Key: "admin.home.warn_no_url"})
	case !strings.EqualFold(urlHost, host):
		out = append(out, app.Warning{Key: "admin.home.warn_url_differs", Arg: ciURL})
	}
	_, orphaned, err := factor.PasskeyHosts(ctx, m.d.DB.R, st)
	if err != nil {
		return nil, err
	}
	for _, h := range orphaned {
		out = append(out, app.Warning{Key: "admin.home.warn_passkeys_orphaned", Arg: h.Host + " (" + strconv.Itoa(h.Count) + ")"})
	}
	for _, f := range m.d.Hooks.Warnings {
		out = append(out, f(ctx)...)
	}
	return out, nil
}
