package signup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	netmail "net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/settings"
)

// Errors of the service functions. The form's messages are translation keys of the
// module (see fieldKeys); the API and the CLI show the text.
var (
	ErrName       = errors.New("enter your name (at most 200 characters)")
	ErrEmail      = errors.New("enter one valid e-mail address")
	ErrUsername   = errors.New("a login name has 3 to 40 letters, digits, dots, dashes or underscores and starts with a letter or digit")
	ErrTaken      = errors.New("this login name is taken")
	ErrMismatch   = errors.New("the two passwords differ")
	ErrCurrency   = errors.New("choose one of the currencies offered")
	ErrConsent    = errors.New("this consent is required")
	ErrReason     = errors.New("give a reason (at most 500 characters)")
	ErrNotPending = errors.New("the sign-up is not awaiting a decision (unconfirmed, or already decided)")
	// ErrLinkDead refuses a confirmation link that is unknown, used or expired.
	ErrLinkDead = errors.New("signup: link unknown, used or expired")
	// ErrChanged refuses a confirmation after the offer changed under it (the login
	// name was taken meanwhile, the address became a client's, a consent text has a
	// new version): nothing is created, the visitor signs up again.
	ErrChanged = errors.New("signup: the offer changed since the form was sent")
	// ErrClosed: sign-up is off or has no usable template customer.
	ErrClosed = errors.New("signup: sign-up is closed")
)

var usernameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{2,39}$`)

// Form is what a visitor sent.
type Form struct {
	Name, Email, Username string
	Password, Password2   string
	Currency              string
	Language              string
	// Ticked are the consent documents the visitor ticked.
	Ticked map[int64]bool
	// Trap is the honeypot field: a person never sees it, so it stays empty.
	Trap          string
	IP, UserAgent string
	// BrandID is the brand of the host the form was sent on (0: the default brand).
	BrandID int64
}

// Offer is what the form offers: the currencies and the consents of the template
// customer that a new account must give.
type Offer struct {
	Template   core.Client
	Currencies []string
	Consents   []app.ConsentGiven
}

// LoadOffer reads a brand's (0: the default brand's) template customer and its
// consents; ErrClosed when sign-up is off there or the template customer does not exist.
func (m *Module) LoadOffer(ctx context.Context, q core.Querier, brand int64) (Offer, error) {
	st := m.d.Settings.Brand(brand)
	if !m.open(st) {
		return Offer{}, ErrClosed
	}
	tpl, err := core.ClientByNumber(ctx, q, settings.SignupTemplateClient.Get(st))
	if errors.Is(err, core.ErrNotFound) {
		return Offer{}, ErrClosed
	}
	if err != nil {
		return Offer{}, err
	}
	o := Offer{Template: tpl, Currencies: settings.SignupCurrencies.List(st)}
	if h := m.d.Hooks.Consents; h.Given != nil && h.Give != nil {
		if o.Consents, err = h.Given(ctx, q, tpl.ID); err != nil {
			return Offer{}, err
		}
	}
	return o, nil
}

// check validates a form against the offer and returns the field errors (nil: none).
func (m *Module) check(f *Form, o Offer) map[string]error {
	errs := map[string]error{}
	f.Name, f.Email, f.Username, f.Currency = strings.TrimSpace(f.Name), strings.TrimSpace(f.Email),
		strings.TrimSpace(f.Username), strings.TrimSpace(f.Currency)
	if n, err := core.Line(f.Name); err != nil || n == "" || utf8.RuneCountInString(n) > 200 {
		errs["name"] = ErrName
	} else {
		f.Name = n
	}
	if a, err := netmail.ParseAddress(f.Email); err != nil || a.Address != f.Email || len(f.Email) > 254 {
		errs["email"] = ErrEmail
	}
	if !usernameRE.MatchString(f.Username) {
		errs["username"] = ErrUsername
	}
	if err := password.Check(f.Password, settings.PasswordMinLength.Get(m.d.Settings), f.Username, f.Email); err != nil {
		errs["password"] = err
	} else if f.Password != f.Password2 {
		errs["password2"] = ErrMismatch
	}
	if !slices.Contains(o.Currencies, f.Currency) {
		errs["currency"] = ErrCurrency
	}
	for _, c := range o.Consents {
		if !f.Ticked[c.DocumentID] {
			errs["consent_"+strconv.FormatInt(c.DocumentID, 10)] = ErrConsent
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// Submit handles a sent form: field errors come back as a map (nothing stored). A
// filled honeypot, and an address that already belongs to a client, answer like a
// stored sign-up; the address's owner gets a mail instead of a link. Otherwise the
// sign-up is stored and its confirmation link mailed, valid LinkTTL.
func (m *Module) Submit(ctx context.Context, f Form) (map[string]error, error) {
	o, err := m.LoadOffer(ctx, m.d.DB.R, f.BrandID)
	if err != nil {
		return nil, err
	}
	if errs := m.check(&f, o); errs != nil {
		return errs, nil
	}
	// The hash is made before anything is looked up, on every path (the honeypot
	// too), so that an address that is a client's does not answer faster than a new
	// one (argon2id takes tens of milliseconds): the timing must not tell either.
	hash, err := password.Hash(f.Password)
	if err != nil {
		return nil, err
	}
	now := m.d.Now()
	if strings.TrimSpace(f.Trap) != "" {
		// A robot: the same answer, nothing stored or sent; the audit keeps the address.
		return nil, m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
			return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "visitor", Action: "signups.trap", IP: f.IP})
		})
	}
	var fieldErrs map[string]error
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := pruneStale(ctx, tx, now); err != nil {
			return err
		}
		owner, err := emailOwner(ctx, tx, f.Email)
		if err == nil {
			if err := m.mailOwner(ctx, tx, owner, f.Email, now); err != nil {
				return err
			}
			return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "visitor", Action: "signups.existing", ClientID: owner.ID, IP: f.IP})
		}
		if !errors.Is(err, core.ErrNotFound) {
			return err
		}
		taken, err := m.usernameTaken(ctx, tx, f.Username, now)
		if err != nil {
			return err
		}
		if taken {
			fieldErrs = map[string]error{"username": ErrTaken}
			return nil
		}
		s := Signup{Email: f.Email, Name: f.Name, Username: f.Username, PasswordHash: hash, Currency: f.Currency,
			Language: f.Language, Consents: o.Consents, IP: f.IP, UserAgent: truncate(f.UserAgent, 500), BrandID: f.BrandID}
		id, tok, err := insert(ctx, tx, s, now)
		if err != nil {
			return err
		}
		s.ID = id
		if err := m.mailLink(ctx, tx, s, tok, o.Template.InvoiceGroupID, now); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "visitor", Action: "signups.submit", IP: f.IP,
			Detail: fmt.Sprintf("sign-up %d, login name %q", id, f.Username)})
	})
	if err != nil || fieldErrs != nil {
		return fieldErrs, err
	}
	m.kickMail()
	return nil, nil
}

// usernameTaken reports whether a client has the login name (as username or number)
// or a live sign-up asked for it.
func (m *Module) usernameTaken(ctx context.Context, q core.Querier, username string, now time.Time) (bool, error) {
	// CheckLoginNames compares a username with other clients' usernames and numbers;
	// the placeholder number (a control character no client number has) matches none.
	err := core.CheckLoginNames(ctx, q, core.Client{Number: "\x00", Username: username})
	if _, ok := errors.AsType[*core.LoginNameTakenError](err); ok {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return usernameReserved(ctx, q, username, now)
}

// Checked is a live confirmation link's sign-up, for the page that asks to confirm.
func (m *Module) Checked(ctx context.Context, token string) (Signup, error) {
	s, err := byTokenHash(ctx, m.d.DB.R, hashToken(token))
	if errors.Is(err, core.ErrNotFound) || (err == nil && (s.State != StateUnverified || !m.d.Now().Before(s.ExpiresAt))) {
		return s, ErrLinkDead
	}
	return s, err
}

// Verify uses a confirmation link: in one transaction the client is created from the
// template customer, with the chosen password, copies of the template's services, the
// consents, the starting credit, and staff are told. A link works once and until it
// expires (ErrLinkDead); ErrChanged when the offer changed meanwhile.
func (m *Module) Verify(ctx context.Context, token, ip, userAgent string) (Signup, error) {
	now := m.d.Now()
	var s Signup
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		s, err = byTokenHash(ctx, tx, hashToken(token))
		if errors.Is(err, core.ErrNotFound) || (err == nil && (s.State != StateUnverified || !now.Before(s.ExpiresAt))) {
			return ErrLinkDead
		}
		if err != nil {
			return err
		}
		o, err := m.LoadOffer(ctx, tx, s.BrandID)
		if err != nil {
			return err
		}
		st := m.d.Settings.Brand(s.BrandID)
		credit, _ := core.ParseAmount(settings.SignupCredit.Get(st))
		opts := accountOpts{credit: credit, login: settings.SignupLoginBeforeApproval.Get(st), ip: ip, userAgent: userAgent}
		if s, err = m.createAccount(ctx, tx, s, o, opts, now); err != nil {
			return err
		}
		if err := m.mailStaff(ctx, tx, s, now); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "client:" + s.ClientNumber, Action: "signups.verify",
			ClientID: s.ClientID, IP: ip, Detail: fmt.Sprintf("sign-up %d from template %s, state %s", s.ID, o.Template.Number, s.State)})
	})
	if err == nil {
		m.kickMail()
	}
	return s, err
}

// accountOpts are the settings a new account is made with (the seed passes its own:
// the settings it writes are not in the snapshot yet), and where the consents came from.
type accountOpts struct {
	credit        int64 // minor units
	login         bool  // may log in before approval
	ip, userAgent string
}

// createAccount makes the client of a sign-up in tx and marks the sign-up confirmed.
func (m *Module) createAccount(ctx context.Context, tx *sql.Tx, s Signup, o Offer, opts accountOpts, now time.Time) (Signup, error) {
	if _, err := emailOwner(ctx, tx, s.Email); err == nil {
		return s, ErrChanged
	} else if !errors.Is(err, core.ErrNotFound) {
		return s, err
	}
	tpl := o.Template
	login := opts.login
	c := core.Client{Number: fmt.Sprintf("S%06d", s.ID), Username: s.Username, InvoiceGroupID: tpl.InvoiceGroupID,
		Name: s.Name, IsBusiness: tpl.IsBusiness, Email: s.Email, Country: tpl.Country, InvCountry: tpl.InvCountry,
		Language: s.Language, Active: login, BrandID: s.BrandID}
	if c.Language == "" {
		c.Language = tpl.Language
	}
	if !login {
		c.InactiveReason = "sign-up awaiting approval"
	}
	id, err := core.SaveClient(ctx, tx, c, core.Now(now))
	if _, taken := errors.AsType[*core.LoginNameTakenError](err); taken {
		return s, ErrChanged
	}
	if err != nil {
		return s, err
	}
	s.ClientID, s.ClientNumber = id, c.Number
	h := m.d.Hooks
	if err := h.SetPassword(ctx, tx, id, s.PasswordHash, now); err != nil {
		return s, err
	}
	if h.CopyServices != nil {
		if _, err := h.CopyServices(ctx, tx, tpl.ID, id, now); err != nil {
			return s, err
		}
	}
	if h.Consents.Give != nil {
		for _, doc := range s.Consents {
			err := h.Consents.Give(ctx, tx, id, doc, opts.ip, opts.userAgent, now)
			if errors.Is(err, core.ErrNotFound) {
				return s, ErrChanged
			}
			if err != nil {
				return s, err
			}
		}
	}
	if opts.credit > 0 && h.Money.Record != nil {
		if _, err := h.Money.Record(ctx, tx, app.MoneyIn{ClientID: id, ExternalID: "signup:" + strconv.FormatInt(s.ID, 10),
			PaidOn: now, Amount: opts.credit, Currency: s.Currency, Method: "other", Note: "Sign-up credit", CreatedAt: now}); err != nil {
			return s, err
		}
	}
	s.State, s.VerifiedAt = StatePending, now
	_, err = tx.ExecContext(ctx, `UPDATE signups SET state = ?, verified_at = ?, client_id = ?, password_hash = '',
		seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM signups) WHERE id = ? AND state = 'unverified'`,
		s.State, core.Now(now), id, s.ID)
	if err != nil {
		return s, err
	}
	return s, tx.QueryRowContext(ctx, `SELECT seq FROM signups WHERE id = ?`, s.ID).Scan(&s.Seq)
}

// Approve lets a pending sign-up's client log in (it activates the client) and tells
// them by mail. Approving an approved sign-up changes nothing; a rejected or
// unconfirmed one is ErrNotPending (field "id").
func (m *Module) Approve(ctx context.Context, tx *sql.Tx, id int64, actor string, now time.Time) (Signup, error) {
	s, err := ByID(ctx, tx, id)
	if err != nil {
		return s, err
	}
	if s.State == StateApproved {
		return s, nil
	}
	if s.State != StatePending {
		return s, &core.FieldError{Field: "id", Err: ErrNotPending}
	}
	if err := setActive(ctx, tx, s.ClientID, true, "", now); err != nil {
		return s, err
	}
	if err := decide(ctx, tx, &s, StateApproved, "", actor, now); err != nil {
		return s, err
	}
	return s, m.mailDecision(ctx, tx, s, now)
}

// Reject refuses a pending or approved sign-up with a reason: the client is
// deactivated (their login stops working, their sessions end) and told by mail.
func (m *Module) Reject(ctx context.Context, tx *sql.Tx, id int64, reason, actor string, now time.Time) (Signup, error) {
	reason, err := core.Line(strings.TrimSpace(reason))
	if err != nil || reason == "" || utf8.RuneCountInString(reason) > 500 {
		return Signup{}, &core.FieldError{Field: "reason", Err: ErrReason}
	}
	s, err := ByID(ctx, tx, id)
	if err != nil {
		return s, err
	}
	if s.State != StatePending && s.State != StateApproved {
		return s, &core.FieldError{Field: "id", Err: ErrNotPending}
	}
	if err := setActive(ctx, tx, s.ClientID, false, "sign-up rejected: "+reason, now); err != nil {
		return s, err
	}
	if err := decide(ctx, tx, &s, StateRejected, reason, actor, now); err != nil {
		return s, err
	}
	return s, m.mailDecision(ctx, tx, s, now)
}

func decide(ctx context.Context, tx *sql.Tx, s *Signup, state, reason, actor string, now time.Time) error {
	s.State, s.Reason, s.DecidedBy, s.DecidedAt = state, reason, actor, now
	_, err := tx.ExecContext(ctx, `UPDATE signups SET state = ?, reason = ?, decided_by = ?, decided_at = ? WHERE id = ?`,
		state, reason, actor, core.Now(now), s.ID)
	return err
}

// setActive switches the sign-up's client on or off (a deactivated client cannot log
// in and their sessions end at the next request).
func setActive(ctx context.Context, tx *sql.Tx, clientID int64, active bool, reason string, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE clients SET active = ?, inactive_reason = ?, version = version + 1, updated_at = ?
		WHERE id = ?`, active, reason, core.Now(now), clientID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrNotFound
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
