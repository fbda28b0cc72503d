package auth

import (
	"context"
	"database/sql"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/factor"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Mail purposes of the second factors.
const (
	PurposeRecoveryUsed = "second_factor_recovery_used"
	PurposeFactorReset  = "second_factor_reset"
)

// factorCookie holds a subscriber's pending login between password and second factor.
const factorCookie = "factor"

// newFlow is the subscribers' second-factor step and account page (internal/factor
// runs both audiences' steps; this gives it the portal's paths and hooks).
func (m *Module) newFlow() *factor.Flow {
	d := m.d
	return &factor.Flow{Kind: factor.KindClient, Web: d.Web, DB: d.DB, Settings: d.Settings, Now: d.Now,
		Path: pathFactor, Login: pathLogin, Manage: pathSecurity, Cookie: factorCookie,
		Label: func(ctx context.Context, id int64) (string, error) {
			c, err := core.ClientByID(ctx, d.DB.R, id)
			if c.Username != "" {
				return c.Username, err
			}
			return c.Number, err
		},
		Current: func(c *fiber.Ctx) (int64, bool) {
			s := d.Web.Session(c)
			if s == nil || s.Kind != web.KindClient {
				return 0, false
			}
			return s.ClientID, true
		},
		Finish: func(c *fiber.Ctx, p factor.Pending) (string, error) {
			// Deactivated while the step was open: no session.
			if off, err := isInactive(c.UserContext(), d.DB.R, p.Key.ID); err != nil || off {
				return pathLogin, err
			}
			if err := d.Web.StartSession(c, web.Session{Kind: web.KindClient, ClientID: p.Key.ID, Restricted: p.Restricted}); err != nil {
				return "", err
			}
			if d.KickMail != nil {
				d.KickMail() // a recovery code's mail, if one was queued
			}
			if p.Restricted {
				return pathNew, nil
			}
			return "/", nil
		},
		Audit: func(ctx context.Context, tx *sql.Tx, c *fiber.Ctx, id int64, action, detail string) error {
			cl, err := core.ClientByID(ctx, tx, id)
			if err != nil {
				return err
			}
			return core.Audit(ctx, tx, core.AuditEntry{At: d.Now(), Actor: "client:" + cl.Number, Action: action, ClientID: id,
				IP: d.Web.ClientIP(c), Detail: detail})
		},
		RecoveryUsed: func(ctx context.Context, tx *sql.Tx, id int64, left int) error {
			return factorMail(ctx, tx, d, id, PurposeRecoveryUsed, map[string]string{"CODES_LEFT": strconv.Itoa(left)})
		},
	}
}

// factorMail queues one of the second-factor mails to client id in tx.
func factorMail(ctx context.Context, tx *sql.Tx, d app.Deps, id int64, purpose string, vars map[string]string) error {
	c, err := core.ClientByID(ctx, tx, id)
	if err != nil {
		return err
	}
	return noticeMail(ctx, tx, d, c, purpose, vars)
}

// registerFactorMails registers the second factors' built-in mails.
func registerFactorMails(t *mail.Templates) {
	t.RegisterDefault(PurposeRecoveryUsed, "en", "A recovery code was used to log in",
		"Hello $CLIENT_NAME$,\n\na recovery code was just used to log in to your client portal account (client number $CLIENT_NUMBER$). "+
			"Unused recovery codes left: $CODES_LEFT$.\n\nIf this was not you, contact us at once: someone knows your password and has one of your recovery codes.\n")
	t.RegisterDefault(PurposeRecoveryUsed, "cs", "K přihlášení byl použit záložní kód",
		"Dobrý den, $CLIENT_NAME$,\n\nk přihlášení do vašeho účtu v zákaznickém portálu (číslo klienta $CLIENT_NUMBER$) byl právě použit záložní kód. "+
			"Zbývá nepoužitých záložních kódů: $CODES_LEFT$.\n\nPokud jste to nebyli vy, ihned nás kontaktujte: někdo zná vaše heslo a má jeden z vašich záložních kódů.\n")
	t.RegisterDefault(PurposeFactorReset, "en", "Your second factor was removed",
		"Hello $CLIENT_NAME$,\n\nour staff removed the second factor (authenticator app and recovery codes) of your client portal account "+
			"(client number $CLIENT_NUMBER$), as you asked. Your next login needs only your password; set up the authenticator app again under Login security.\n\n"+
			"If you did not ask for this, contact us at once.\n")
	t.RegisterDefault(PurposeFactorReset, "cs", "Druhé ověření vašeho účtu bylo zrušeno",
		"Dobrý den, $CLIENT_NAME$,\n\nnaši pracovníci na vaši žádost zrušili druhé ověření (ověřovací aplikaci a záložní kódy) vašeho účtu "+
			"v zákaznickém portálu (číslo klienta $CLIENT_NUMBER$). Další přihlášení vyžaduje jen heslo; ověřovací aplikaci si znovu nastavíte v části Zabezpečení přihlášení.\n\n"+
			"Pokud jste o to nežádali, ihned nás kontaktujte.\n")
}

// ResetSecondFactor removes every second factor of a client (staff: console, API),
// audited with the actor and their address and mailed to the client. It reports
// whether the client had any; core.ErrNotFound for an unknown client.
func ResetSecondFactor(ctx context.Context, d app.Deps, clientID int64, actor, ip string) (bool, error) {
	if _, err := core.ClientByID(ctx, d.DB.R, clientID); err != nil {
		return false, err
	}
	var had bool
	err := d.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		if had, err = factor.Reset(ctx, tx, factor.Key{Kind: factor.KindClient, ID: clientID}); err != nil || !had {
			return err
		}
		if err := factorMail(ctx, tx, d, clientID, PurposeFactorReset, map[string]string{}); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: d.Now(), Actor: actor, Action: "mfa.reset", ClientID: clientID, IP: ip})
	})
	if err == nil && had && d.KickMail != nil {
		d.KickMail()
	}
	return had, err
}

// FactorStatus is a client's second factors as staff see them.
type FactorStatus struct {
	TOTP         bool   `json:"totp"`
	TOTPSince    string `json:"totp_since,omitempty"`
	Passkeys     int    `json:"passkeys" doc:"registered passkeys"`
	RecoveryLeft int    `json:"recovery_codes_left"`
	Required     bool   `json:"required"`
	Policy       string `json:"policy"`
}

// SecondFactorStatus reads a client's second factors; core.ErrNotFound for an unknown
// client.
func SecondFactorStatus(ctx context.Context, d app.Deps, clientID int64) (FactorStatus, error) {
	if _, err := core.ClientByID(ctx, d.DB.R, clientID); err != nil {
		return FactorStatus{}, err
	}
	st, err := factor.StatusOf(ctx, d.DB.R, factor.Key{Kind: factor.KindClient, ID: clientID})
	if err != nil {
		return FactorStatus{}, err
	}
	pol := settings.SecondFactor.Get(d.Settings)
	fs := FactorStatus{TOTP: st.TOTP, Passkeys: st.Passkeys, RecoveryLeft: st.RecoveryLeft, Policy: pol, Required: factor.Required(pol, factor.KindClient)}
	if st.TOTP {
		fs.TOTPSince = core.Now(st.TOTPSince)
	}
	return fs, nil
}
