package auth

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// PurposeNewDevice is the mail a client gets after a login from a new device, and
// PurposeStaffNewDevice the one a staff member gets after a console login from one.
const (
	PurposeNewDevice      = "login_new_device"
	PurposeStaffNewDevice = "staff_login_new_device"
)

// registerLoginMail registers the new-device mail. It names the device, the address
// and the time, and points to the sessions page; it carries no secret.
func registerLoginMail(t *mail.Templates) {
	t.RegisterDefault(PurposeNewDevice, "en", "New login to your client portal",
		"Hello $CLIENT_NAME$,\n\nyour client portal account (client number $CLIENT_NUMBER$) was just logged in to from a device "+
			"we have not seen on it before:\n\n  Device: $DEVICE$\n  IP address: $IP$\n  Time: $TIME$\n\n"+
			"If this was you, there is nothing to do. If not, end that session at $CI_SESSIONS_LINK$ and change your password.\n")
	t.RegisterDefault(PurposeNewDevice, "cs", "Nové přihlášení do zákaznického portálu",
		"Dobrý den, $CLIENT_NAME$,\n\nk vašemu účtu v zákaznickém portálu (číslo klienta $CLIENT_NUMBER$) se právě někdo přihlásil "+
			"ze zařízení, které jsme u něj dosud neviděli:\n\n  Zařízení: $DEVICE$\n  IP adresa: $IP$\n  Čas: $TIME$\n\n"+
			"Pokud jste to byli vy, nemusíte nic dělat. Pokud ne, ukončete toto přihlášení na $CI_SESSIONS_LINK$ a změňte si heslo.\n")
	t.RegisterDefault(PurposeStaffNewDevice, "en", "New login to the portal's staff console",
		"The staff console account $STAFF_LOGIN$ was just logged in to from a device not seen on it before:\n\n"+
			"  Device: $DEVICE$\n  IP address: $IP$\n  Time: $TIME$\n\n"+
			"If this was you, there is nothing to do. If not, end that session at $CI_SESSIONS_LINK$, change your password and tell an administrator.\n")
	t.RegisterDefault(PurposeStaffNewDevice, "cs", "Nové přihlášení do administrace portálu",
		"K účtu administrace $STAFF_LOGIN$ se právě někdo přihlásil ze zařízení, které jsme u něj dosud neviděli:\n\n"+
			"  Zařízení: $DEVICE$\n  IP adresa: $IP$\n  Čas: $TIME$\n\n"+
			"Pokud jste to byli vy, nemusíte nic dělat. Pokud ne, ukončete toto přihlášení na $CI_SESSIONS_LINK$, změňte si heslo a informujte správce.\n")
}

// sessionStarted is the web toolkit's SessionStarted hook: with
// ci_login_notify_new_device on, a client's login from a new device queues the mail;
// with ci_staff_login_notify_new_device on, a staff member's console login from a new
// device queues theirs. Errors are logged; the login goes on.
func (m *Module) sessionStarted(c *fiber.Ctx, s web.Session, device string, newDevice bool) {
	if !newDevice {
		return
	}
	ctx := c.UserContext()
	switch {
	case s.Kind == web.KindStaff && settings.StaffLoginNotify.Get(m.d.Settings):
		if err := m.notifyStaffNewDevice(ctx, s.StaffID, device, m.d.Web.ClientIP(c)); err != nil {
			m.d.Log.Error("auth.sessionStarted: staff new-device mail", "staff_id", s.StaffID, "err", err)
			return
		}
	case s.Kind == web.KindClient && settings.LoginNotify.Get(m.d.Settings):
		if err := m.notifyNewDevice(ctx, s.ClientID, device, m.d.Web.ClientIP(c)); err != nil {
			m.d.Log.Error("auth.sessionStarted: new-device mail", "client_id", s.ClientID, "err", err)
			return
		}
	default:
		return
	}
	if m.d.KickMail != nil {
		m.d.KickMail()
	}
}

// notifyNewDevice queues the new-device mail of a client.
func (m *Module) notifyNewDevice(ctx context.Context, clientID int64, device, ip string) error {
	cl, err := core.ClientByID(ctx, m.d.DB.R, clientID)
	if err != nil {
		return err
	}
	link := ""
	if base, err := linkBase(m.d.Settings.Brand(cl.BrandID)); err == nil {
		link = base + strings.TrimPrefix(pathSessions, "/")
	}
	return m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		return noticeMail(ctx, tx, m.d, cl, PurposeNewDevice, map[string]string{"DEVICE": device, "IP": ip,
			"TIME": m.d.Now().UTC().Format("2006-01-02 15:04 UTC"), "CI_SESSIONS_LINK": link})
	})
}

// notifyStaffNewDevice queues the console new-device mail of a staff member, to the
// staff account's address (none: nothing to send), in the system's default language.
func (m *Module) notifyStaffNewDevice(ctx context.Context, staffID int64, device, ip string) error {
	s, err := core.StaffByID(ctx, m.d.DB.R, staffID)
	if err != nil || strings.TrimSpace(s.Email) == "" || settings.SystemMail.Get(m.d.Settings) == "" {
		return err
	}
	link := ""
	if base, err := linkBase(m.d.Settings); err == nil {
		link = base + strings.TrimPrefix(console.Path(pathSessions), "/")
	}
	return m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		tpl, err := m.d.Mail.Resolve(ctx, PurposeStaffNewDevice, 0, settings.DefaultLanguage.Get(m.d.Settings))
		if err != nil {
			return err
		}
		subject, body := mail.Render(tpl, map[string]string{"STAFF_LOGIN": s.Login, "DEVICE": device, "IP": ip,
			"TIME": m.d.Now().UTC().Format("2006-01-02 15:04 UTC"), "CI_SESSIONS_LINK": link})
		_, err = mail.Enqueue(ctx, tx, mail.Message{To: []string{s.Email}, Subject: subject, Text: body,
			Purpose: PurposeStaffNewDevice, At: m.d.Now()})
		if errors.Is(err, mail.ErrInvalidAddress) {
			return nil
		}
		return err
	})
}
