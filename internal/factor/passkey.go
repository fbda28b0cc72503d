package factor

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Passkey errors.
var (
	// ErrNoRP: passkeys need ci_url, whose host is the relying-party id.
	ErrNoRP = errors.New("factor: passkeys need ci_url")
	// ErrPasskey: the browser's answer does not verify (wrong origin, replayed or
	// expired challenge, unknown credential, bad signature, cloned authenticator).
	ErrPasskey = errors.New("factor: passkey not accepted")
	// ErrPasskeyName: a passkey needs a name of at most MaxPasskeyName characters.
	ErrPasskeyName = errors.New("factor: passkey name")
)

// Passkey limits.
const (
	MaxPasskeyName = 60
	MaxPasskeys    = 20
	ceremonyTTL    = 5 * time.Minute
	// Ceremony purposes.
	purposeRegister = "register"
	purposeSecond   = "second" // second factor of a pending login
	purposeLogin    = "login"  // a passkey alone (discoverable)
)

// Passkey is one registered passkey as its owner sees it.
type Passkey struct {
	ID        int64
	Name      string
	CreatedAt time.Time
	LastUsed  time.Time
	// RPID is the host it was registered for; Elsewhere is set by PasskeysOf when that
	// is not the host of ci_url now: the passkey cannot log in here any more.
	RPID      string
	Elsewhere bool
}

// relyingParty is the WebAuthn configuration from ci_url: the relying-party id is
// its host, the only accepted origin its scheme, host and port. Brands (several
// domains) do not exist yet; when they do, each brand's domain becomes an RP id.
func relyingParty(st *settings.Store) (*webauthn.WebAuthn, error) {
	u, err := url.Parse(settings.PortalURL.Get(st))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, ErrNoRP
	}
	name := settings.SystemMailName.Get(st)
	if name == "" {
		name = u.Hostname()
	}
	return webauthn.New(&webauthn.Config{RPID: u.Hostname(), RPDisplayName: name, RPOrigins: []string{u.Scheme + "://" + u.Host},
		AttestationPreference: protocol.PreferNoAttestation})
}

// PasskeysAvailable reports whether passkeys can be used (ci_url is set).
func PasskeysAvailable(st *settings.Store) bool {
	_, err := relyingParty(st)
	return err == nil
}

// RPID is the relying-party id passkeys are registered for and verified against now
// (the host of ci_url, lower case); "" when passkeys are not available.
func RPID(st *settings.Store) string {
	rp, err := relyingParty(st)
	if err != nil {
		return ""
	}
	return rpID(rp)
}

func rpID(rp *webauthn.WebAuthn) string { return strings.ToLower(rp.Config.RPID) }

// HostCount is a number of passkeys registered for one relying-party id.
type HostCount struct {
	Host  string
	Count int
}

// PasskeyHosts counts the passkeys of both audiences by the host they were registered
// for: current lists those for RPID(st) (they stop working when ci_url's host
// changes), elsewhere those for another host (orphaned by an earlier change).
func PasskeyHosts(ctx context.Context, q Querier, st *settings.Store) (current, elsewhere []HostCount, err error) {
	here := RPID(st)
	rows, err := q.QueryContext(ctx, `SELECT rp_id, COUNT(*) FROM factor_passkeys GROUP BY rp_id ORDER BY rp_id`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var h HostCount
		if err := rows.Scan(&h.Host, &h.Count); err != nil {
			return nil, nil, err
		}
		if h.Host == "" || h.Host == here {
			current = append(current, HostCount{Host: here, Count: h.Count})
		} else {
			elsewhere = append(elsewhere, h)
		}
	}
	if len(current) == 2 { // legacy rows without a host count as the current host's
		current = []HostCount{{Host: here, Count: current[0].Count + current[1].Count}}
	}
	return current, elsewhere, rows.Err()
}

// user is an account as the library sees it. Its handle is "kind:id": stable, no
// personal data, and it tells the audience of a discoverable login.
type user struct {
	k     Key
	name  string
	creds []webauthn.Credential
}

func (u *user) WebAuthnID() []byte                         { return handle(u.k) }
func (u *user) WebAuthnName() string                       { return u.name }
func (u *user) WebAuthnDisplayName() string                { return u.name }
func (u *user) WebAuthnCredentials() []webauthn.Credential { return u.creds }

func handle(k Key) []byte { return []byte(k.Kind + ":" + strconv.FormatInt(k.ID, 10)) }

func keyOfHandle(h []byte) (Key, bool) {
	kind, id, ok := strings.Cut(string(h), ":")
	n, err := strconv.ParseInt(id, 10, 64)
	return Key{kind, n}, ok && err == nil && n > 0 && (kind == KindClient || kind == KindStaff)
}

// loadUser reads k's passkeys registered for rpid (the others cannot verify here).
func loadUser(ctx context.Context, q Querier, k Key, name, rpid string) (*user, error) {
	rows, err := q.QueryContext(ctx, `SELECT credential FROM factor_passkeys WHERE kind = ? AND account_id = ? AND rp_id IN (?, '') ORDER BY id`,
		k.Kind, k.ID, rpid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	u := &user{k: k, name: name}
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		var c webauthn.Credential
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return nil, err
		}
		u.creds = append(u.creds, c)
	}
	return u, rows.Err()
}

// PasskeysOf lists k's passkeys, each marked Elsewhere when it was registered for
// another host than rpid (RPID of the settings now).
func PasskeysOf(ctx context.Context, q Querier, k Key, rpid string) ([]Passkey, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, created_at, COALESCE(last_used_at, ''), rp_id FROM factor_passkeys
		WHERE kind = ? AND account_id = ? ORDER BY id`, k.Kind, k.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Passkey
	for rows.Next() {
		var p Passkey
		var created, used string
		if err := rows.Scan(&p.ID, &p.Name, &created, &used, &p.RPID); err != nil {
			return nil, err
		}
		p.Elsewhere = p.RPID != "" && p.RPID != rpid
		p.CreatedAt, p.LastUsed = core.ParseTime(created), core.ParseTime(used)
		out = append(out, p)
	}
	return out, rows.Err()
}

// saveCeremony stores a ceremony's session data and returns its token.
func saveCeremony(ctx context.Context, tx *sql.Tx, k Key, purpose string, sd *webauthn.SessionData, now time.Time) (string, error) {
	if _, err := tx.ExecContext(ctx, `DELETE FROM factor_ceremonies WHERE expires_at < ?`, core.Now(now)); err != nil {
		return "", err
	}
	sd.Expires = time.Time{} // expiry is ours, by the portal's clock
	raw, err := json.Marshal(sd)
	if err != nil {
		return "", err
	}
	tok := web.NewToken()
	_, err = tx.ExecContext(ctx, `INSERT INTO factor_ceremonies (token_hash, kind, account_id, purpose, session, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		web.HashToken(tok), k.Kind, k.ID, purpose, string(raw), core.Now(now.Add(ceremonyTTL)))
	return tok, err
}

// takeCeremony spends a ceremony of k (ID 0 for a discoverable login) and purpose:
// whatever the outcome, its challenge never verifies again.
func takeCeremony(ctx context.Context, tx *sql.Tx, tok string, k Key, purpose string, now time.Time) (webauthn.SessionData, error) {
	var sd webauthn.SessionData
	if tok == "" || len(tok) > 100 {
		return sd, ErrPasskey
	}
	var raw string
	err := tx.QueryRowContext(ctx, `DELETE FROM factor_ceremonies WHERE token_hash = ? AND kind = ? AND account_id = ? AND purpose = ?
		AND expires_at >= ? RETURNING session`, web.HashToken(tok), k.Kind, k.ID, purpose, core.Now(now)).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return sd, ErrPasskey
	}
	if err != nil {
		return sd, err
	}
	return sd, json.Unmarshal([]byte(raw), &sd)
}

// Ceremony is what a passkey page embeds: the options for the browser and the token
// of the ceremony the answer belongs to.
type Ceremony struct {
	Options string
	Token   string
}

// BeginRegistration starts registering a new passkey for k (named label in the
// authenticator): a discoverable credential, user verification preferred, none of
// k's existing passkeys again.
func BeginRegistration(ctx context.Context, tx *sql.Tx, st *settings.Store, k Key, label string, now time.Time) (Ceremony, error) {
	rp, err := relyingParty(st)
	if err != nil {
		return Ceremony{}, err
	}
	u, err := loadUser(ctx, tx, k, label, rpID(rp))
	if err != nil {
		return Ceremony{}, err
	}
	creation, sd, err := rp.BeginRegistration(u,
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementRequired),
		webauthn.WithExclusions(webauthn.Credentials(u.creds).CredentialDescriptors()))
	if err != nil {
		return Ceremony{}, err
	}
	return ceremony(ctx, tx, k, purposeRegister, creation, sd, now)
}

func ceremony(ctx context.Context, tx *sql.Tx, k Key, purpose string, opts any, sd *webauthn.SessionData, now time.Time) (Ceremony, error) {
	raw, err := json.Marshal(opts)
	if err != nil {
		return Ceremony{}, err
	}
	tok, err := saveCeremony(ctx, tx, k, purpose, sd, now)
	return Ceremony{Options: string(raw), Token: tok}, err
}

// FinishRegistration verifies the browser's answer to a registration of k and stores
// the passkey under name.
func FinishRegistration(ctx context.Context, tx *sql.Tx, st *settings.Store, k Key, tok, name, response string, now time.Time) error {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > MaxPasskeyName || !utf8.ValidString(name) {
		return ErrPasskeyName
	}
	rp, err := relyingParty(st)
	if err != nil {
		return err
	}
	sd, err := takeCeremony(ctx, tx, tok, k, purposeRegister, now)
	if err != nil {
		return err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes([]byte(response))
	if err != nil {
		return ErrPasskey
	}
	u, err := loadUser(ctx, tx, k, name, rpID(rp))
	if err != nil {
		return err
	}
	if len(u.creds) >= MaxPasskeys {
		return ErrPasskey
	}
	cred, err := rp.CreateCredential(u, sd, parsed)
	if err != nil {
		return ErrPasskey
	}
	raw, err := json.Marshal(cred)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO factor_passkeys (kind, account_id, credential_id, name, credential, created_at, rp_id)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (credential_id) DO NOTHING`, k.Kind, k.ID, cred.ID, name, string(raw), core.Now(now), rpID(rp))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrPasskey // the credential is registered already
	}
	return nil
}

// BeginAssertion starts a passkey login: for k's second factor (k.ID > 0: only k's
// passkeys), or a discoverable login of kind (k.ID == 0: any passkey of that audience,
// with user verification required, since the passkey then stands for both factors).
func BeginAssertion(ctx context.Context, tx *sql.Tx, st *settings.Store, k Key, now time.Time) (Ceremony, error) {
	rp, err := relyingParty(st)
	if err != nil {
		return Ceremony{}, err
	}
	if k.ID == 0 {
		assertion, sd, err := rp.BeginDiscoverableLogin(webauthn.WithUserVerification(protocol.VerificationRequired))
		if err != nil {
			return Ceremony{}, err
		}
		return ceremony(ctx, tx, k, purposeLogin, assertion, sd, now)
	}
	u, err := loadUser(ctx, tx, k, "", rpID(rp))
	if err != nil {
		return Ceremony{}, err
	}
	if len(u.creds) == 0 {
		return Ceremony{}, ErrPasskey
	}
	assertion, sd, err := rp.BeginLogin(u, webauthn.WithUserVerification(protocol.VerificationPreferred))
	if err != nil {
		return Ceremony{}, err
	}
	return ceremony(ctx, tx, k, purposeSecond, assertion, sd, now)
}

// FinishAssertion verifies the browser's answer to a ceremony begun by BeginAssertion
// with the same k, and returns the account it proves (k itself for a second factor).
// The ceremony is spent first, so a replayed answer finds no challenge; a signature
// counter that does not grow (a cloned authenticator) is refused; the stored counter
// and last use are updated.
func FinishAssertion(ctx context.Context, tx *sql.Tx, st *settings.Store, k Key, tok, response string, now time.Time) (Key, error) {
	rp, err := relyingParty(st)
	if err != nil {
		return Key{}, err
	}
	purpose := purposeSecond
	if k.ID == 0 {
		purpose = purposeLogin
	}
	sd, err := takeCeremony(ctx, tx, tok, k, purpose, now)
	if err != nil {
		return Key{}, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes([]byte(response))
	if err != nil {
		return Key{}, ErrPasskey
	}
	var u *user
	var cred *webauthn.Credential
	if k.ID == 0 {
		var who webauthn.User
		who, cred, err = rp.ValidatePasskeyLogin(func(_, h []byte) (webauthn.User, error) {
			owner, ok := keyOfHandle(h)
			if !ok || owner.Kind != k.Kind {
				return nil, ErrPasskey
			}
			return loadUser(ctx, tx, owner, "", rpID(rp))
		}, sd, parsed)
		if err == nil {
			u = who.(*user)
		}
	} else {
		if u, err = loadUser(ctx, tx, k, "", rpID(rp)); err == nil {
			cred, err = rp.ValidateLogin(u, sd, parsed)
		}
	}
	if err != nil {
		return Key{}, ErrPasskey
	}
	if cred.Authenticator.CloneWarning {
		return Key{}, ErrPasskey
	}
	raw, err := json.Marshal(cred)
	if err != nil {
		return Key{}, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE factor_passkeys SET credential = ?, last_used_at = ? WHERE kind = ? AND account_id = ? AND credential_id = ?`,
		string(raw), core.Now(now), u.k.Kind, u.k.ID, cred.ID); err != nil {
		return Key{}, err
	}
	return u.k, nil
}

// RemovePasskey deletes passkey id of k; false when k has no such passkey.
func RemovePasskey(ctx context.Context, tx *sql.Tx, k Key, id int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM factor_passkeys WHERE id = ? AND kind = ? AND account_id = ?`, id, k.Kind, k.ID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
