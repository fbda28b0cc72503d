package admin

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/factor"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Paths of the staff second factor (below /admin): the login step, which needs no
// session, and the staff member's own page.
const (
	pathFactor   = "/login/factor"
	pathSecurity = "/security"
)

// PurposeStaffRecoveryUsed is the mail to a staff member whose recovery code was used.
const PurposeStaffRecoveryUsed = "staff_recovery_used"

// newFlow is the staff second-factor step and page: the same internal/factor code as
// the subscribers', with the console's paths, sessions and audit actors.
func (m *Module) newFlow() *factor.Flow {
	d := m.d
	return &factor.Flow{Kind: factor.KindStaff, Web: d.Web, DB: d.DB, Settings: d.Settings, Now: d.Now,
		Path: prefix + pathFactor, Login: prefix + pathLogin, Manage: prefix + pathSecurity, Cookie: "factor_staff",
		Label: func(ctx context.Context, id int64) (string, error) {
			s, err := core.StaffByID(ctx, d.DB.R, id)
			return s.Login, err
		},
		Current: func(c *fiber.Ctx) (int64, bool) {
			if s := d.Web.Staff(c); s != nil {
				return s.ID, true
			}
			return 0, false
		},
		Finish: func(c *fiber.Ctx, p factor.Pending) (string, error) {
			s, err := core.StaffByID(c.UserContext(), d.DB.R, p.Key.ID)
			if err != nil || !s.Active || !perm.Allows(s.Role, perm.ConsoleUse) {
				// Disabled while the step was open: no session.
				return prefix + pathLogin, err
			}
			if d.KickMail != nil {
				d.KickMail()
			}
			return prefix, d.Web.StartSession(c, web.Session{Kind: web.KindStaff, StaffID: s.ID})
		},
		Audit: func(ctx context.Context, tx *sql.Tx, c *fiber.Ctx, id int64, action, detail string) error {
			s, err := core.StaffByID(ctx, tx, id)
			if err != nil {
				return err
			}
			return core.Audit(ctx, tx, core.AuditEntry{At: d.Now(), Actor: "staff:" + s.Login, Action: "staff." + action,
				IP: d.Web.ClientIP(c), Detail: detail})
		},
		RecoveryUsed: func(ctx context.Context, tx *sql.Tx, id int64, left int) error {
			s, err := core.StaffByID(ctx, tx, id)
			if err != nil || s.Email == "" || settings.SystemMail.Get(d.Settings) == "" {
				return err
			}
			tpl, err := d.Mail.Resolve(ctx, PurposeStaffRecoveryUsed, 0, settings.DefaultLanguage.Get(d.Settings))
			if err != nil {
				return err
			}
			subject, body := mail.Render(tpl, map[string]string{"STAFF_LOGIN": s.Login, "CODES_LEFT": strconv.Itoa(left)})
			_, err = mail.Enqueue(ctx, tx, mail.Message{To: []string{s.Email}, Subject: subject, Text: body,
				Purpose: PurposeStaffRecoveryUsed, At: d.Now()})
			if errors.Is(err, mail.ErrInvalidAddress) {
				return nil
			}
			return err
		},
	}
}

// registerMailDefaults registers the console's built-in mails.
func registerMailDefaults(t *mail.Templates) {
	t.RegisterDefault(PurposeStaffRecoveryUsed, "en", "A recovery code was used to log in to the console",
		"A recovery code was just used to log in to the portal's staff console as $STAFF_LOGIN$. Unused recovery codes left: $CODES_LEFT$.\n\n"+
			"If this was not you, tell an administrator at once: someone knows your password and has one of your recovery codes.\n")
	t.RegisterDefault(PurposeStaffRecoveryUsed, "cs", "K přihlášení do administrace byl použit záložní kód",
		"K přihlášení do administrace portálu jako $STAFF_LOGIN$ byl právě použit záložní kód. Zbývá nepoužitých záložních kódů: $CODES_LEFT$.\n\n"+
			"Pokud jste to nebyli vy, ihned to oznamte správci: někdo zná vaše heslo a má jeden z vašich záložních kódů.\n")
}

// factorPages are the staff member's own second-factor page and its forms: any
// console account may manage its own.
func (m *Module) factorPages() []app.StaffPage {
	return []app.StaffPage{
		console.Menu(console.Get(pathSecurity, perm.ConsoleUse, m.flow.ShowManage), "factor.menu", 90),
		console.Post(pathSecurity+"/totp", perm.ConsoleUse, m.flow.BeginManage),
		console.Post(pathSecurity+"/totp/confirm", perm.ConsoleUse, m.flow.ConfirmManage),
		console.Post(pathSecurity+"/recovery", perm.ConsoleUse, m.flow.RegenerateManage),
		console.Post(pathSecurity+"/totp/remove", perm.ConsoleUse, m.flow.RemoveManage),
		console.Post(pathSecurity+"/passkeys/new", perm.ConsoleUse, m.flow.NewPasskey),
		console.Post(pathSecurity+"/passkeys", perm.ConsoleUse, m.flow.AddPasskey),
		console.Post(pathSecurity+"/passkeys/:pk/delete", perm.ConsoleUse, m.flow.RemovePasskeyPage),
	}
}

// staffResetFactor is `portal staff reset-factor LOGIN`: removes a staff member's
// second factor when they lost their phone and recovery codes (an administrator with
// shell access is the only one who can), audited.
func staffResetFactor(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	s, err := staffArg(ctx, d, app.Flags("staff reset-factor", stdio), args)
	if err != nil {
		return err
	}
	var had bool
	err = d.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		if had, err = factor.Reset(ctx, tx, factor.Key{Kind: factor.KindStaff, ID: s.ID}); err != nil || !had {
			return err
		}
		return app.CLIAudit(ctx, d, tx, "staff.reset-factor", 0, s.Login)
	})
	if err != nil {
		return err
	}
	if !had {
		fmt.Fprintf(stdio.Out, "%s has no second factor.\n", s.Login)
		return nil
	}
	fmt.Fprintf(stdio.Out, "Second factor of %s removed.\n", s.Login)
	return nil
}
