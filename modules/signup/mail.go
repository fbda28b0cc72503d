package signup

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Mail purposes of the module (staff may store their own texts per language).
const (
	PurposeLink     = "signup_link"     // the confirmation link
	PurposeExisting = "signup_existing" // to the owner of an address that tried to sign up again
	PurposeStaff    = "signup_staff"    // to ci_signup_notify_email: a sign-up was confirmed
	PurposeApproved = "signup_approved"
	PurposeRejected = "signup_rejected"
)

// registerMailDefaults registers the built-in texts in English and Czech.
func registerMailDefaults(t *mail.Templates) {
	t.RegisterDefault(PurposeLink, "en", "Confirm your sign-up",
		"Hello $NAME$,\n\nto finish creating your client portal account (login name $LOGIN$), open this link:\n\n$SIGNUP_LINK$\n\n"+
			"The link works once and for 24 hours. If you did not sign up, ignore this e-mail: nothing is created until the link is used.\n")
	t.RegisterDefault(PurposeLink, "cs", "Potvrďte registraci",
		"Dobrý den, $NAME$,\n\nzaložení účtu v zákaznickém portálu (přihlašovací jméno $LOGIN$) dokončíte otevřením tohoto odkazu:\n\n$SIGNUP_LINK$\n\n"+
			"Odkaz funguje jednou a 24 hodin. Pokud jste se neregistrovali, e-mail ignorujte: dokud odkaz nepoužijete, nic se nezaloží.\n")
	t.RegisterDefault(PurposeExisting, "en", "Someone tried to sign up with your address",
		"Hello $CLIENT_NAME$,\n\nsomeone tried to create a new client portal account with your e-mail address. You already have an "+
			"account (client number $CLIENT_NUMBER$), so no new one was created.\n\nIf it was you, log in:\n$LOGIN_LINK$\n\n"+
			"or, if you forgot your password, create a new one:\n$RESET_LINK$\n\nIf it was not you, ignore this e-mail.\n")
	t.RegisterDefault(PurposeExisting, "cs", "Někdo se pokusil registrovat s vaší adresou",
		"Dobrý den, $CLIENT_NAME$,\n\nněkdo se pokusil založit nový účet v zákaznickém portálu s vaší e-mailovou adresou. Účet už máte "+
			"(číslo klienta $CLIENT_NUMBER$), proto žádný nový nevznikl.\n\nPokud jste to byli vy, přihlaste se:\n$LOGIN_LINK$\n\n"+
			"nebo si, pokud jste heslo zapomněli, vytvořte nové:\n$RESET_LINK$\n\nPokud jste to nebyli vy, e-mail ignorujte.\n")
	t.RegisterDefault(PurposeStaff, "en", "New sign-up: $NAME$",
		"A visitor confirmed a sign-up.\n\nName: $NAME$\nE-mail: $EMAIL$\nClient number: $CLIENT_NUMBER$\nState: $STATE$\n\n"+
			"Approve or reject it on the console's Sign-ups page:\n$CONSOLE_LINK$\n")
	t.RegisterDefault(PurposeStaff, "cs", "Nová registrace: $NAME$",
		"Návštěvník potvrdil registraci.\n\nJméno: $NAME$\nE-mail: $EMAIL$\nČíslo klienta: $CLIENT_NUMBER$\nStav: $STATE$\n\n"+
			"Schválit nebo zamítnout ji můžete na stránce Registrace v administraci:\n$CONSOLE_LINK$\n")
	t.RegisterDefault(PurposeApproved, "en", "Your account is approved",
		"Hello $CLIENT_NAME$,\n\nyour client portal account (client number $CLIENT_NUMBER$, login name $LOGIN$) is approved. Log in:\n$LOGIN_LINK$\n")
	t.RegisterDefault(PurposeApproved, "cs", "Váš účet byl schválen",
		"Dobrý den, $CLIENT_NAME$,\n\nváš účet v zákaznickém portálu (číslo klienta $CLIENT_NUMBER$, přihlašovací jméno $LOGIN$) byl schválen. Přihlaste se:\n$LOGIN_LINK$\n")
	t.RegisterDefault(PurposeRejected, "en", "Your sign-up was not accepted",
		"Hello $CLIENT_NAME$,\n\nwe are sorry: your client portal account (client number $CLIENT_NUMBER$) was not accepted, and you cannot log in.\n\n"+
			"Reason: $REASON$\n\nIf you have questions, reply to this e-mail or contact us.\n")
	t.RegisterDefault(PurposeRejected, "cs", "Vaši registraci jsme nepřijali",
		"Dobrý den, $CLIENT_NAME$,\n\nje nám líto, váš účet v zákaznickém portálu (číslo klienta $CLIENT_NUMBER$) jsme nepřijali a přihlásit se nelze.\n\n"+
			"Důvod: $REASON$\n\nMáte-li dotazy, odpovězte na tento e-mail nebo nás kontaktujte.\n")
}

func (m *Module) lang(l string) string {
	if web.Supported(l) {
		return l
	}
	return settings.DefaultLanguage.Get(m.d.Settings)
}

// send renders a purpose's template and queues it in tx.
func (m *Module) send(ctx context.Context, tx *sql.Tx, purpose string, group int64, lang string, to []string, clientID int64,
	vars map[string]string, secret string, expires, now time.Time) error {
	if len(to) == 0 {
		return nil
	}
	tpl, err := m.d.Mail.Resolve(ctx, purpose, group, m.lang(lang))
	if err != nil {
		return err
	}
	subject, body := mail.Render(tpl, vars)
	msg := mail.Message{To: to, Subject: subject, Text: body, Purpose: purpose, ClientID: clientID, At: now, ExpiresAt: expires}
	if secret != "" {
		msg.Secrets = []string{secret}
	}
	_, err = mail.Enqueue(ctx, tx, msg)
	return err
}

func (m *Module) base() string { return settings.PortalBase(m.d.Settings) }

// brandBase is the portal address of a brand (0: the default one), where a visitor's
// and a client's links point: a client of one brand cannot log in on another's host.
func (m *Module) brandBase(brand int64) string { return settings.PortalBase(m.d.Settings.Brand(brand)) }

// mailLink sends the confirmation link of a new sign-up.
func (m *Module) mailLink(ctx context.Context, tx *sql.Tx, s Signup, token string, group int64, now time.Time) error {
	link := m.brandBase(s.BrandID) + strings.TrimPrefix(pathVerify, "/") + "?token=" + token
	return m.send(ctx, tx, PurposeLink, group, s.Language, []string{s.Email}, 0,
		map[string]string{"NAME": s.Name, "LOGIN": s.Username, "SIGNUP_LINK": link}, token, now.Add(LinkTTL), now)
}

// mailOwner tells the owner of an address that someone tried to sign up with it.
func (m *Module) mailOwner(ctx context.Context, tx *sql.Tx, c core.Client, email string, now time.Time) error {
	return m.send(ctx, tx, PurposeExisting, c.InvoiceGroupID, c.Language, []string{email}, c.ID,
		map[string]string{"CLIENT_NAME": c.Name, "CLIENT_NUMBER": c.Number, "LOGIN_LINK": m.brandBase(c.BrandID) + "login",
			"RESET_LINK": m.brandBase(c.BrandID) + "password/forgot"}, "", time.Time{}, now)
}

// mailStaff tells ci_signup_notify_email of a confirmed sign-up.
func (m *Module) mailStaff(ctx context.Context, tx *sql.Tx, s Signup, now time.Time) error {
	to := settings.SplitList(settings.SignupNotify.Get(m.d.Settings))
	console := m.base() + "admin/signups"
	return m.send(ctx, tx, PurposeStaff, 0, settings.DefaultLanguage.Get(m.d.Settings), to, s.ClientID,
		map[string]string{"NAME": s.Name, "EMAIL": s.Email, "CLIENT_NUMBER": s.ClientNumber, "STATE": s.State,
			"CONSOLE_LINK": console}, "", time.Time{}, now)
}

// mailDecision tells the person of an approval or a rejection.
func (m *Module) mailDecision(ctx context.Context, tx *sql.Tx, s Signup, now time.Time) error {
	c, err := core.ClientByID(ctx, tx, s.ClientID)
	if err != nil {
		return err
	}
	purpose := PurposeApproved
	if s.State == StateRejected {
		purpose = PurposeRejected
	}
	return m.send(ctx, tx, purpose, c.InvoiceGroupID, c.Language, mail.Recipients(c.Email), c.ID,
		map[string]string{"CLIENT_NAME": c.Name, "CLIENT_NUMBER": c.Number, "LOGIN": c.Username, "REASON": s.Reason,
			"LOGIN_LINK": m.brandBase(s.BrandID) + "login"}, "", time.Time{}, now)
}
