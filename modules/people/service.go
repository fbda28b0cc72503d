package people

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	netmail "net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Limits of the service.
const (
	// MaxPeople is how many people (pending invitations included) one account may have.
	MaxPeople = 20
	// InviteTTL is how long an invitation link works.
	InviteTTL = 72 * time.Hour
	minLogin  = 3
	maxLogin  = 64
	maxEmail  = 254
)

// Named errors of the service functions. The console and the portal translate them
// (errKey); the API and the CLI show their text.
var (
	ErrEmail      = errors.New("must be one valid e-mail address")
	ErrRole       = errors.New("must be one of billing, technical, readonly")
	ErrDuplicate  = errors.New("this address is already invited to the account")
	ErrTooMany    = fmt.Errorf("an account may have at most %d people", MaxPeople)
	ErrLogin      = errors.New("must be 3 to 64 letters, digits or . _ - @, and not digits only")
	ErrLoginTaken = errors.New("this login name is taken")
	ErrInvite     = errors.New("the invitation link is invalid, used or expired")
	ErrOwner      = errors.New("the account holder cannot be changed or removed here")
	ErrNoSender   = errors.New("the system e-mail address and its name are not set")
	ErrNoBaseURL  = errors.New("the portal address is not set: set ci_url (or server_url)")
	ErrInactive   = errors.New("the client is deactivated")
	ErrCurrent    = errors.New("the current password is wrong")
	ErrMismatch   = errors.New("the two passwords differ")
)

// ValidRole reports whether role is one an invited person may have.
func ValidRole(role string) bool { return slices.Contains(web.Roles, role) }

// cleanEmail checks an invitation's address: exactly one bare address.
func cleanEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxEmail {
		return "", &core.FieldError{Field: "email", Err: ErrEmail}
	}
	a, err := netmail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", &core.FieldError{Field: "email", Err: ErrEmail}
	}
	return s, nil
}

// Invite creates a person of the client's account with role and queues the
// invitation mail with its link in one transaction, audited as actor from ip.
func Invite(ctx context.Context, d app.Deps, clientID int64, email, role, actor, ip string) (Person, error) {
	var p Person
	err := d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var detail string
		var err error
		if p, detail, err = InviteTx(ctx, d, tx, clientID, email, role, actor); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: d.Now(), Actor: actor, Action: "person.invite", ClientID: clientID, IP: ip,
			Detail: detail})
	})
	if err == nil && d.KickMail != nil {
		d.KickMail()
	}
	return p, err
}

// InviteTx is Invite's work in the caller's transaction (the API's), without the
// audit entry; it returns the entry's detail.
func InviteTx(ctx context.Context, d app.Deps, tx *sql.Tx, clientID int64, email, role, invitedBy string) (Person, string, error) {
	email, err := cleanEmail(email)
	if err != nil {
		return Person{}, "", err
	}
	if !ValidRole(role) {
		return Person{}, "", &core.FieldError{Field: "role", Err: ErrRole}
	}
	if settings.SystemMail.Get(d.Settings) == "" || settings.SystemMailName.Get(d.Settings) == "" {
		return Person{}, "", ErrNoSender
	}
	base := settings.PortalBase(d.Settings)
	if base == "" {
		return Person{}, "", ErrNoBaseURL
	}
	cl, err := core.ClientByID(ctx, tx, clientID)
	if err != nil {
		return Person{}, "", err
	}
	if !cl.Active {
		return Person{}, "", ErrInactive
	}
	tpl, err := d.Mail.Resolve(ctx, PurposeInvite, cl.InvoiceGroupID, mailLang(d, cl))
	if err != nil {
		return Person{}, "", err
	}
	now := d.Now()
	tok := web.NewToken()
	var n, dup int
	if err := tx.QueryRowContext(ctx, `SELECT count(*), count(CASE WHEN email = ? COLLATE NOCASE THEN 1 END)
		FROM people WHERE client_id = ?`, email, clientID).Scan(&n, &dup); err != nil {
		return Person{}, "", err
	}
	if dup > 0 {
		return Person{}, "", &core.FieldError{Field: "email", Err: ErrDuplicate}
	}
	if n >= MaxPeople {
		return Person{}, "", &core.FieldError{Field: "email", Err: ErrTooMany}
	}
	id, err := core.InsertID(ctx, tx, `INSERT INTO people (client_id, email, role, invite_hash, invite_expires, invited_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, clientID, email, role, web.HashToken(tok), core.Now(now.Add(InviteTTL)), invitedBy, core.Now(now))
	if err != nil {
		return Person{}, "", err
	}
	p, err := byID(ctx, tx, clientID, id)
	if err != nil {
		return Person{}, "", err
	}
	subject, body := mail.Render(tpl, map[string]string{"CI_INVITE_LINK": base + strings.TrimPrefix(pathAccept, "/") + "?token=" + tok,
		"CLIENT_NAME": cl.Name, "CLIENT_NUMBER": cl.Number, "ROLE": role})
	// The token leaves the outbox once the mail is done (mail.Message.Secrets).
	if _, err := mail.Enqueue(ctx, tx, mail.Message{To: []string{email}, Subject: subject, Text: body, Purpose: PurposeInvite,
		ClientID: clientID, At: now, Secrets: []string{tok}, ExpiresAt: now.Add(InviteTTL)}); err != nil {
		if errors.Is(err, mail.ErrInvalidAddress) {
			return Person{}, "", &core.FieldError{Field: "email", Err: ErrEmail}
		}
		return Person{}, "", err
	}
	return p, fmt.Sprintf("person %d <%s> as %s", id, email, role), nil
}

// mailLang is the language of a client's mails.
func mailLang(d app.Deps, c core.Client) string {
	if web.Supported(c.Language) {
		return c.Language
	}
	return settings.DefaultLanguage.Get(d.Settings)
}

// checkLogin validates a login name a person chooses: its shape, and no client's
// number or username and no other person's login (the login form tries those first).
func checkLogin(ctx context.Context, q core.Querier, login string) error {
	if n := utf8.RuneCountInString(login); n < minLogin || n > maxLogin {
		return &core.FieldError{Field: "login", Err: ErrLogin}
	}
	digits := true
	for _, r := range login {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r)
		if !ok {
			return &core.FieldError{Field: "login", Err: ErrLogin}
		}
		digits = digits && r >= '0' && r <= '9'
	}
	if digits {
		return &core.FieldError{Field: "login", Err: ErrLogin} // the shape of client numbers
	}
	var taken int
	if err := q.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM clients WHERE username = ? COLLATE NOCASE OR number = ?)
		+ (SELECT count(*) FROM people WHERE login = ?)`, login, login, login).Scan(&taken); err != nil {
		return err
	}
	if taken > 0 {
		return &core.FieldError{Field: "login", Err: ErrLoginTaken}
	}
	return nil
}

// checkPassword applies the password policy (internal/password) and the confirmation.
func checkPassword(d app.Deps, pw, pw2 string, personal ...string) error {
	if err := password.Check(pw, settings.PasswordMinLength.Get(d.Settings), personal...); err != nil {
		return &core.FieldError{Field: "password", Err: err}
	}
	if pw != pw2 {
		return &core.FieldError{Field: "password2", Err: ErrMismatch}
	}
	return nil
}

// Invitation returns the pending person a link's token belongs to; ErrInvite when the
// token is unknown, used or expired.
func Invitation(ctx context.Context, d app.Deps, token string) (Person, error) {
	if token == "" || len(token) > 100 {
		return Person{}, ErrInvite
	}
	p, err := byInvite(ctx, d.DB.R, web.HashToken(token))
	if errors.Is(err, core.ErrNotFound) || (err == nil && (p.Expired(d.Now()) || !p.Active)) {
		return Person{}, ErrInvite
	}
	return p, err
}

// Accept turns an invitation into a login: the person chooses a login name and a
// password. The link works once: the update that spends it is the one that checks it.
func Accept(ctx context.Context, d app.Deps, token, login, pw, pw2, ip string) (Person, error) {
	p, err := Invitation(ctx, d, token)
	if err != nil {
		return Person{}, err
	}
	login = strings.TrimSpace(login)
	if err := checkLogin(ctx, d.DB.R, login); err != nil {
		return Person{}, err
	}
	if err := checkPassword(d, pw, pw2, login, p.Email); err != nil {
		return Person{}, err
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return Person{}, err
	}
	now := d.Now()
	err = d.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE people SET login = ?, password_hash = ?, accepted_at = ?, invite_hash = NULL,
			invite_expires = NULL WHERE id = ? AND invite_hash = ? AND login IS NULL AND invite_expires > ? AND active = 1`,
			login, hash, core.Now(now), p.ID, web.HashToken(token), core.Now(now))
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return &core.FieldError{Field: "login", Err: ErrLoginTaken}
			}
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrInvite // spent by a parallel request, or expired meanwhile
		}
		cl, err := core.ClientByID(ctx, tx, p.ClientID)
		if err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "client:" + cl.Number + "/" + login, Action: "person.accept",
			ClientID: p.ClientID, IP: ip, Detail: fmt.Sprintf("person %d", p.ID)})
	})
	p.Login = login
	return p, err
}

// loadChangeable returns a person of the client's account for a change by the holder
// or staff; id 0 (the holder) is ErrOwner.
func loadChangeable(ctx context.Context, q core.Querier, clientID, id int64) (Person, error) {
	if id == 0 {
		return Person{}, &core.FieldError{Field: "id", Err: ErrOwner}
	}
	return byID(ctx, q, clientID, id)
}

// Change is one change of a person by the holder or staff, in a transaction; it
// returns the audit entry's detail.
type Change func(ctx context.Context, tx *sql.Tx, clientID, id int64) (detail string, err error)

// Apply runs a change in its own transaction with its audit entry (action, actor, ip):
// the portal, the console and the CLI; the API runs the Change in its call's.
func Apply(ctx context.Context, d app.Deps, clientID, id int64, ch Change, action, actor, ip string) error {
	return d.DB.Tx(ctx, func(tx *sql.Tx) error {
		detail, err := ch(ctx, tx, clientID, id)
		if err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: d.Now(), Actor: actor, Action: action, ClientID: clientID, IP: ip,
			Detail: detail})
	})
}

// one loads the person of a change; id 0 (the holder) is ErrOwner.
func one(ctx context.Context, tx *sql.Tx, clientID, id int64, do func(p Person) (string, error)) (string, error) {
	p, err := loadChangeable(ctx, tx, clientID, id)
	if err != nil {
		return "", err
	}
	detail, err := do(p)
	return fmt.Sprintf("person %d: %s", p.ID, detail), err
}

// SetRole changes a person's role; their sessions end (trigger), so the new role
// applies at once.
func SetRole(role string) Change {
	return func(ctx context.Context, tx *sql.Tx, clientID, id int64) (string, error) {
		if !ValidRole(role) {
			return "", &core.FieldError{Field: "role", Err: ErrRole}
		}
		return one(ctx, tx, clientID, id, func(p Person) (string, error) {
			_, err := tx.ExecContext(ctx, `UPDATE people SET role = ? WHERE id = ?`, role, p.ID)
			return p.Role + " -> " + role, err
		})
	}
}

// SetActive disables (their sessions end) or enables a person's login.
func SetActive(active bool) Change {
	return func(ctx context.Context, tx *sql.Tx, clientID, id int64) (string, error) {
		return one(ctx, tx, clientID, id, func(p Person) (string, error) {
			_, err := tx.ExecContext(ctx, `UPDATE people SET active = ? WHERE id = ?`, active, p.ID)
			return fmt.Sprintf("active %t", active), err
		})
	}
}

// ActiveAction is the audit action of SetActive.
func ActiveAction(active bool) string {
	if active {
		return "person.enable"
	}
	return "person.disable"
}

// Remove deletes a person (their sessions end, a pending link dies with the row).
func Remove(ctx context.Context, tx *sql.Tx, clientID, id int64) (string, error) {
	return one(ctx, tx, clientID, id, func(p Person) (string, error) {
		if err := lockout.Clear(ctx, tx, lockout.KindClient, lockout.Person(p.ID)); err != nil {
			return "", err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM people WHERE id = ?`, p.ID)
		return "removed " + p.Email, err
	})
}

// Unlock clears a person's login lockout (staff).
func Unlock(ctx context.Context, tx *sql.Tx, clientID, id int64) (string, error) {
	return one(ctx, tx, clientID, id, func(p Person) (string, error) {
		return "unlocked", lockout.Clear(ctx, tx, lockout.KindClient, lockout.Person(p.ID))
	})
}

// ChangePassword changes the logged-in person's own password. The current one is
// checked like a login (a wrong one counts towards the person's lockout); the
// person's other sessions end (keep is the id hash of the asking one).
func ChangePassword(ctx context.Context, d app.Deps, clientID, id int64, current, pw, pw2, keep, actor, ip string) error {
	p, err := byID(ctx, d.DB.R, clientID, id)
	if err != nil {
		return err
	}
	now := d.Now()
	a, err := lockout.Login(lockout.KindClient, d.Settings).Begin(ctx, d.DB.R, lockout.Person(p.ID), now)
	if err != nil {
		return err
	}
	if len(current) > password.MaxBytes {
		current = current[:password.MaxBytes]
	}
	if !a.Verify(current, p.hash) {
		err := d.DB.Tx(ctx, func(tx *sql.Tx) error {
			if err := a.Fail(ctx, tx); err != nil {
				return err
			}
			return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "person.password_fail", ClientID: clientID, IP: ip})
		})
		if err != nil {
			return err
		}
		return &core.FieldError{Field: "current", Err: ErrCurrent}
	}
	if err := checkPassword(d, pw, pw2, p.Login, p.Email); err != nil {
		return err
	}
	newHash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	return d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE people SET password_hash = ? WHERE id = ?`, newHash, p.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE person_id = ? AND id_hash <> ?`, p.ID, keep); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "person.password", ClientID: clientID, IP: ip})
	})
}

// find is Hooks.People.Find: the person whose accepted login is name.
func find(ctx context.Context, q core.Querier, name string) (app.Person, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > maxLogin*4 {
		return app.Person{}, core.ErrNotFound
	}
	p, err := byLogin(ctx, q, name)
	if err != nil {
		return app.Person{}, err
	}
	return app.Person{ID: p.ID, ClientID: p.ClientID, Login: p.Login, Role: p.Role, Hash: p.hash, Active: p.Active}, nil
}

// loggedIn is Hooks.People.LoggedIn.
func (m *Module) loggedIn(ctx context.Context, tx *sql.Tx, id int64, rehash string) error {
	if rehash != "" {
		_, err := tx.ExecContext(ctx, `UPDATE people SET last_login = ?, password_hash = ? WHERE id = ?`, core.Now(m.d.Now()), rehash, id)
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE people SET last_login = ? WHERE id = ?`, core.Now(m.d.Now()), id)
	return err
}
