package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Errors of SendPasswordLink; the first two are the seed's messages, shown to staff.
// Their texts are whole sentences that the API and the CLI show to staff as they
// are, hence the capitals and full stops that Go error strings avoid (ST1005).
var (
	//lint:ignore ST1005 the seed's sentence, shown to staff verbatim
	ErrNoSender = errors.New("The system email address and its name are not specified in the system settings.")
	//lint:ignore ST1005 the seed's sentence, shown to staff verbatim
	ErrNoEmail = errors.New("No email address is available for the client.")
	//lint:ignore ST1005 shown to staff verbatim
	ErrNoBaseURL = errors.New("The portal address is not set: set ci_url (or server_url).")
	// ErrInactive refuses a password for a deactivated client: they cannot log in.
	//lint:ignore ST1005 shown to staff verbatim
	ErrInactive = errors.New("The client is deactivated: their portal access is disabled. Activate the client first.")
	// errCapped means the client already got mailCap links in mailCapWindow.
	errCapped = errors.New("auth: password link cap reached")
)

// registerMailDefaults registers the built-in templates, used until staff store their
// own (per invoice group and language) with `portal mail-template set`.
// The password-link mail serves both a client asking for a link and staff creating a
// first password for one who never had any, so it promises nothing about a current one.
func registerMailDefaults(t *mail.Templates) {
	registerLoginMail(t)
	t.RegisterDefault(PurposeLink, "en", "Your client portal password",
		"Hello $CLIENT_NAME$,\n\nto create a new password for the client portal (client number $CLIENT_NUMBER$), open this link:\n\n"+
			"$CI_PASSWORD_LINK$\n\nThe link works once and only for a limited time. If you did not expect this e-mail, ignore it: "+
			"nothing changes until the link is used.\n")
	t.RegisterDefault(PurposeLink, "cs", "Heslo do zákaznického portálu",
		"Dobrý den, $CLIENT_NAME$,\n\nnové heslo do zákaznického portálu (číslo klienta $CLIENT_NUMBER$) si vytvoříte na této adrese:\n\n"+
			"$CI_PASSWORD_LINK$\n\nOdkaz funguje jen jednou a jen omezenou dobu. Pokud jste tento e-mail nečekali, ignorujte ho: "+
			"dokud odkaz nepoužijete, nic se nemění.\n")
	t.RegisterDefault(PurposeChanged, "en", "Your client portal password was changed",
		"Hello $CLIENT_NAME$,\n\nthe password of your client portal account (client number $CLIENT_NUMBER$) was changed just now.\n\n"+
			"If this was not you, contact us at once.\n")
	t.RegisterDefault(PurposeChanged, "cs", "Heslo do zákaznického portálu bylo změněno",
		"Dobrý den, $CLIENT_NAME$,\n\nheslo k vašemu účtu v zákaznickém portálu (číslo klienta $CLIENT_NUMBER$) bylo právě změněno.\n\n"+
			"Pokud jste to nebyli vy, ihned nás kontaktujte.\n")
}

// linkBase is where links in mails point: ci_url, else server_url + /clientinterface/,
// never the request's Host header (which an attacker chooses).
func linkBase(st *settings.Store) (string, error) {
	if u := settings.PortalURL.Get(st); u != "" {
		return strings.TrimRight(u, "/") + "/", nil
	}
	if u := settings.ServerURL.Get(st); u != "" {
		return strings.TrimRight(u, "/") + "/clientinterface/", nil
	}
	return "", ErrNoBaseURL
}

// recipients splits the client's e-mail field ("a@x.cz; b@y.cz") into addresses.
func recipients(email string) []string { return mail.Recipients(email) }

// mailLang is the language of a client's mails.
func mailLang(d app.Deps, c core.Client) string {
	if web.Supported(c.Language) {
		return c.Language
	}
	return settings.DefaultLanguage.Get(d.Settings)
}

// issueLink creates a link for a client and queues its mail in one transaction. With
// capped, at most mailCap links per client per mailCapWindow (errCapped beyond).
func issueLink(ctx context.Context, d app.Deps, c core.Client, purpose string, ttl time.Duration, capped bool, actor, ip string) error {
	if settings.SystemMail.Get(d.Settings) == "" || settings.SystemMailName.Get(d.Settings) == "" {
		return ErrNoSender
	}
	to := recipients(c.Email)
	if len(to) == 0 {
		return ErrNoEmail
	}
	base, err := linkBase(d.Settings.Brand(c.BrandID)) // the client's brand domain
	if err != nil {
		return err
	}
	tpl, err := d.Mail.Resolve(ctx, PurposeLink, c.InvoiceGroupID, mailLang(d, c))
	if err != nil {
		return err
	}
	now := d.Now()
	err = d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if capped {
			n, err := mail.CountRecent(ctx, tx, c.ID, PurposeLink, now.Add(-mailCapWindow))
			if err != nil {
				return err
			}
			if n >= mailCap {
				return errCapped
			}
		}
		tok, err := insertToken(ctx, tx, c.ID, purpose, ttl, now)
		if err != nil {
			return err
		}
		subject, body := mail.Render(tpl, map[string]string{"CI_PASSWORD_LINK": base + strings.TrimPrefix(pathReset, "/") + "?token=" + tok,
			"CLIENT_NAME": c.Name, "CLIENT_NUMBER": c.Number})
		// The token leaves the outbox once the mail is sent, given up or the link expired.
		if _, err := mail.Enqueue(ctx, tx, mail.Message{To: to, Subject: subject, Text: body, Purpose: PurposeLink, ClientID: c.ID,
			At: d.Now(), Secrets: []string{tok}, ExpiresAt: now.Add(ttl)}); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "password.link", ClientID: c.ID, IP: ip,
			Detail: fmt.Sprintf("%s link valid until %s", purpose, core.Now(now.Add(ttl)))})
	})
	if err != nil {
		return err
	}
	if d.KickMail != nil {
		d.KickMail()
	}
	return nil
}

// SendPasswordLink sends a client the create-password e-mail on behalf of staff
// (console, API, CLI), audited with the actor and their address (ip, "" for the CLI).
// The link lives ci_password_link_staff_hours. It refuses with ErrNoSender or
// ErrNoEmail, the seed's two messages, and with ErrInactive for a deactivated client.
func SendPasswordLink(ctx context.Context, d app.Deps, clientID int64, actor, ip string) error {
	c, err := core.ClientByID(ctx, d.DB.R, clientID)
	if err != nil {
		return err
	}
	if !c.Active {
		return ErrInactive
	}
	ttl := time.Duration(settings.StaffLinkHours.Get(d.Settings)) * time.Hour
	return issueLink(ctx, d, c, tokenStaff, ttl, false, actor, ip)
}

// notifyChanged queues the "password changed" mail in tx, when a sender and an
// address exist; a missing address never blocks a password change.
func notifyChanged(ctx context.Context, tx *sql.Tx, d app.Deps, c core.Client) error {
	return noticeMail(ctx, tx, d, c, PurposeChanged, nil)
}

// noticeMail queues a notice to client c in tx (template purpose, with $CLIENT_NAME$,
// $CLIENT_NUMBER$ and vars), when a sender and an address exist; a missing or invalid
// address blocks nothing. A notice never carries a secret.
func noticeMail(ctx context.Context, tx *sql.Tx, d app.Deps, c core.Client, purpose string, vars map[string]string) error {
	to := recipients(c.Email)
	if len(to) == 0 || settings.SystemMail.Get(d.Settings) == "" || settings.SystemMailName.Get(d.Settings) == "" {
		return nil
	}
	tpl, err := d.Mail.Resolve(ctx, purpose, c.InvoiceGroupID, mailLang(d, c))
	if err != nil {
		return err
	}
	all := map[string]string{"CLIENT_NAME": c.Name, "CLIENT_NUMBER": c.Number}
	for k, v := range vars {
		all[k] = v
	}
	subject, body := mail.Render(tpl, all)
	_, err = mail.Enqueue(ctx, tx, mail.Message{To: to, Subject: subject, Text: body, Purpose: purpose, ClientID: c.ID, At: d.Now()})
	if errors.Is(err, mail.ErrInvalidAddress) {
		d.Log.Warn("auth.noticeMail: client e-mail invalid", "client_id", c.ID, "purpose", purpose)
		return nil
	}
	return err
}
