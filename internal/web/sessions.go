package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io/fs"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/settings"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations is the sessions table's migration source.
func Migrations() db.Source {
	sub, _ := fs.Sub(migrations, "migrations")
	return db.Source{Name: "web", FS: sub}
}

// Session kinds.
const (
	KindClient = "client"
	KindStaff  = "staff"
)

// Session is a logged-in client or staff member.
type Session struct {
	IDHash     string
	Kind       string
	ClientID   int64
	StaffID    int64
	Restricted bool  // one-time password login: may only set a new password
	ViewAs     int64 // staff viewing the portal as this client
	// PersonID, Person and Role name the invited person of the account who logged in
	// (modules/people): 0, "" and "" for the account holder (the owner).
	PersonID  int64
	Person    string
	Role      string
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time

	client *core.Client // the client's row, read with a client session
}

// NewToken returns 32 random bytes, base64url-encoded, for sessions and password links.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is how tokens are stored: SHA-256 is enough for 256-bit random secrets.
func HashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

func (w *Web) cookieName(c *fiber.Ctx, kind string) string {
	if kind == KindStaff {
		return w.hostCookie(c, "asid")
	}
	return w.hostCookie(c, "sid")
}

// hostCookie is the name of a cookie that must come from this very origin: over TLS it
// gets the __Host- prefix, which browsers accept only Secure, with Path=/ and without
// Domain, so a sibling subdomain or a plain-HTTP answer cannot set it. Plain HTTP
// (local development) keeps the bare name, which browsers would refuse prefixed.
func (w *Web) hostCookie(c *fiber.Ctx, base string) string {
	if w.IsHTTPS(c) {
		return "__Host-" + base
	}
	return base
}

func (w *Web) setCookie(c *fiber.Ctx, name, value string, expires time.Time) {
	c.Cookie(&fiber.Cookie{
		Name: name, Value: value, Path: "/", Expires: expires,
		HTTPOnly: true, Secure: w.IsHTTPS(c), SameSite: fiber.CookieSameSiteLaxMode,
	})
}

func (w *Web) timeouts() (idle, absolute time.Duration) {
	return time.Duration(settings.SessionIdleMinutes.Get(w.Settings)) * time.Minute,
		time.Duration(settings.SessionAbsoluteHours.Get(w.Settings)) * time.Hour
}

// StartSession creates a session for a client (kind client) or staff member (kind
// staff) and sets its cookie. It always issues a new id, whatever the browser sent, so
// a session id planted before login is useless (session fixation). Any session the
// browser already had of the same kind is ended.
func (w *Web) StartSession(c *fiber.Ctx, s Session) error {
	if old := c.Cookies(w.cookieName(c, s.Kind)); old != "" {
		w.DB.W.ExecContext(c.UserContext(), `DELETE FROM sessions WHERE id_hash = ?`, HashToken(old))
	}
	tok := NewToken()
	now := w.Now()
	_, abs := w.timeouts()
	s.IDHash = HashToken(tok)
	s.CreatedAt, s.LastSeen, s.ExpiresAt = now, now, now.Add(abs)
	var cid, sid any
	if s.ClientID != 0 {
		cid = s.ClientID
	}
	if s.StaffID != 0 {
		sid = s.StaffID
	}
	ua := c.Get(fiber.HeaderUserAgent)
	if len(ua) > 300 {
		ua = ua[:300]
	}
	_, err := w.DB.W.ExecContext(c.UserContext(), `INSERT INTO sessions (id_hash, kind, client_id, staff_id, restricted, view_as,
		person_id, person, role, created_at, last_seen, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.IDHash, s.Kind, cid, sid, s.Restricted, s.ViewAs, s.PersonID, s.Person, s.Role,
		core.Now(now), core.Now(now), core.Now(s.ExpiresAt), w.ClientIP(c), ua)
	if err != nil {
		return err
	}
	w.setCookie(c, w.cookieName(c, s.Kind), tok, time.Time{})
	st := w.state(c)
	if s.Kind == KindStaff {
		st.staff = &s
	} else {
		st.session = &s
		st.client = nil
		w.tagPerson(c, &s)
	}
	// Known devices and the new-device mail are the account holder's (and staff's).
	if (s.Kind == KindClient && s.ViewAs == 0 && s.PersonID == 0) || s.Kind == KindStaff {
		dev := Device(ua)
		isNew, err := w.rememberDevice(c.UserContext(), s, dev, now)
		if err != nil {
			w.Log.Error("web.StartSession: known devices", "err", err)
		} else if w.SessionStarted != nil {
			w.SessionStarted(c, s, dev, isNew)
		}
	}
	return nil
}

// rememberDevice records that the owner of s (a client, or a staff member in the
// console) logged in from device and reports whether that is news: the owner had a
// known device before, and not this one. Logins without a User-Agent record nothing.
func (w *Web) rememberDevice(ctx context.Context, s Session, device string, now time.Time) (bool, error) {
	if device == "" {
		return false, nil
	}
	table, col, id := "known_devices", "client_id", s.ClientID
	if s.Kind == KindStaff {
		table, col, id = "staff_known_devices", "staff_id", s.StaffID
	}
	var isNew bool
	err := w.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE `+table+` SET last_seen = ? WHERE `+col+` = ? AND device = ?`,
			core.Now(now), id, device)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		var others int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE `+col+` = ?`, id).Scan(&others); err != nil {
			return err
		}
		isNew = others > 0
		_, err = tx.ExecContext(ctx, `INSERT INTO `+table+` (`+col+`, device, first_seen, last_seen) VALUES (?, ?, ?, ?)`,
			id, device, core.Now(now), core.Now(now))
		return err
	})
	return isNew, err
}

// EndSession deletes the current session of a kind from the store and clears its
// cookie, so a replayed cookie is worthless.
func (w *Web) EndSession(c *fiber.Ctx, kind string) {
	name := w.cookieName(c, kind)
	if tok := c.Cookies(name); tok != "" {
		w.DB.W.ExecContext(c.UserContext(), `DELETE FROM sessions WHERE id_hash = ?`, HashToken(tok))
	}
	c.Cookie(&fiber.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(1, 0),
		HTTPOnly: true, Secure: w.IsHTTPS(c), SameSite: fiber.CookieSameSiteLaxMode})
	st := w.state(c)
	if kind == KindStaff {
		st.staff = nil
	} else {
		st.session, st.client = nil, nil
	}
}

// EndClientSessions ends every session of a client except the one whose hash is keep
// (pass "" to end all), e.g. after a password change.
func EndClientSessions(ctx context.Context, tx *sql.Tx, clientID int64, keep string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE client_id = ? AND kind = 'client' AND id_hash <> ?`, clientID, keep)
	return err
}

// loadSession finds the live session behind a cookie, enforcing the idle and absolute
// timeouts on the server. last_seen is written at most once a minute so that reading
// pages does not turn every request into a database write.
func (w *Web) loadSession(c *fiber.Ctx, kind string) *Session {
	tok := c.Cookies(w.cookieName(c, kind))
	if tok == "" || len(tok) > 100 {
		return nil
	}
	h := HashToken(tok)
	var s Session
	var created, seen, expires string
	var cid, sid sql.NullInt64
	lead := []any{&s.Kind, &cid, &sid, &s.Restricted, &s.ViewAs, &s.PersonID, &s.Person, &s.Role, &created, &seen, &expires}
	var cl *core.Client
	var err error
	if kind == KindClient {
		// A client page needs the client's row and current settings too: one
		// statement instead of three on every page. The settings are synced before
		// the session's timeouts are read from them.
		var row core.Client
		var rev int64
		row, err = core.ScanClient(w.DB.R.QueryRowContext(c.UserContext(), `WITH s AS (SELECT kind AS s_kind,
			client_id AS s_client, staff_id AS s_staff, restricted AS s_restricted, view_as AS s_view_as,
			person_id AS s_person_id, person AS s_person, role AS s_role, created_at AS s_created, last_seen AS s_seen, expires_at AS s_expires FROM sessions WHERE id_hash = ?)
			SELECT s.*, (SELECT rev FROM settings_revision WHERE id = 1), `+core.ClientCols+`
			FROM s JOIN clients ON clients.id = s.s_client`, h), append(lead, &rev)...)
		cl = &row
		if err == nil {
			if serr := w.Settings.SyncTo(c.UserContext(), rev); serr != nil {
				w.Log.Error("web.loadSession: settings sync", "err", serr)
			} else {
				w.state(c).synced = true
			}
		}
	} else {
		err = w.DB.R.QueryRowContext(c.UserContext(), `SELECT kind, client_id, staff_id, restricted, view_as, person_id, person, role,
			created_at, last_seen, expires_at
			FROM sessions WHERE id_hash = ?`, h).Scan(lead...)
	}
	if err != nil || s.Kind != kind {
		return nil
	}
	s.IDHash, s.ClientID, s.StaffID = h, cid.Int64, sid.Int64
	s.CreatedAt, s.LastSeen, s.ExpiresAt = core.ParseTime(created), core.ParseTime(seen), core.ParseTime(expires)
	now := w.Now()
	idle, abs := w.timeouts()
	// A deactivated client has no portal access: their sessions end with the
	// deactivation, and any that slipped past it (a login decided meanwhile) ends here.
	// Staff viewing as the client keep their read-only view.
	inactive := cl != nil && !cl.Active && s.ViewAs == 0
	if inactive || now.After(s.ExpiresAt) || now.After(s.CreatedAt.Add(abs)) || now.Sub(s.LastSeen) > idle {
		w.DB.W.ExecContext(c.UserContext(), `DELETE FROM sessions WHERE id_hash = ?`, h)
		return nil
	}
	if now.Sub(s.LastSeen) > time.Minute {
		w.DB.W.ExecContext(c.UserContext(), `UPDATE sessions SET last_seen = ? WHERE id_hash = ?`, core.Now(now), h)
	}
	s.client = cl
	return &s
}

// Session returns the client session of the request, or nil.
func (w *Web) Session(c *fiber.Ctx) *Session { return w.state(c).session }

// StaffSession returns the staff session of the request, or nil.
func (w *Web) StaffSession(c *fiber.Ctx) *Session {
	st := w.state(c)
	if !st.staffLoaded {
		st.staffLoaded = true
		st.staff = w.loadSession(c, KindStaff)
	}
	return st.staff
}

// Client returns the logged-in client, loading the row once per request; nil when no
// client is logged in.
func (w *Web) Client(c *fiber.Ctx) *core.Client {
	st := w.state(c)
	if st.session == nil {
		return nil
	}
	if st.client == nil && st.session.client != nil && st.session.client.ID == st.session.ClientID {
		st.client = st.session.client
	}
	if st.client == nil {
		cl, err := core.ClientByID(c.UserContext(), w.DB.R, st.session.ClientID)
		if err != nil {
			return nil
		}
		st.client = &cl
	}
	return st.client
}

// ClientID returns the logged-in client's id, or 0. Every query for a client's rows
// filters by this value, never by an id taken from the request.
func (w *Web) ClientID(c *fiber.Ctx) int64 {
	if s := w.state(c).session; s != nil {
		return s.ClientID
	}
	return 0
}

// Staff returns the logged-in staff member, or nil.
func (w *Web) Staff(c *fiber.Ctx) *core.Staff {
	st := w.state(c)
	s := w.StaffSession(c)
	if s == nil {
		return nil
	}
	if st.staffRow == nil {
		m, err := core.StaffByID(c.UserContext(), w.DB.R, s.StaffID)
		if err != nil || !m.Active {
			return nil
		}
		st.staffRow = &m
	}
	return st.staffRow
}

// The roles of an account's invited people (modules/people). The account holder's
// own session has no role: RoleOwner is how lists and forms name them.
const (
	RoleOwner     = "owner"
	RoleBilling   = "billing"
	RoleTechnical = "technical"
	RoleReadOnly  = "readonly"
)

// Roles are the roles an invited person may have, in the order forms list them.
var Roles = []string{RoleBilling, RoleTechnical, RoleReadOnly}

// IsOwner reports whether the session is the account holder's own (no invited
// person): only they manage the people, the contact data and the account's erasure.
func (s *Session) IsOwner() bool { return s != nil && s.PersonID == 0 }

// tagPerson puts an invited person's login into the request's context, so that every
// audit entry written for the request names them (core.Audit).
func (w *Web) tagPerson(c *fiber.Ctx, s *Session) {
	if s != nil && s.PersonID != 0 {
		c.SetUserContext(core.WithPerson(c.UserContext(), s.Person))
	}
}

// ErrNoSession is returned by helpers that need a logged-in client.
var ErrNoSession = errors.New("no session")

// SessionRow is one live session as its owner sees it in their session list.
type SessionRow struct {
	// Ref names the session in forms: the first 16 hex digits of its id hash. It is
	// no credential (the cookie holds the token, the table only its hash) and every
	// query with it is bound to the owner as well.
	Ref       string
	Device    string // Device(User-Agent)
	IP        string
	CreatedAt time.Time
	LastSeen  time.Time
	Current   bool // the session of the request that asked
}

// refLen is the length of SessionRow.Ref.
const refLen = 16

// ownerCond is the WHERE clause naming the sessions an owner may list and end: a
// client's own portal sessions (not staff viewing as the client), or a staff
// member's console sessions.
func ownerCond(kind string) string {
	if kind == KindStaff {
		return `kind = 'staff' AND staff_id = ?`
	}
	return `kind = 'client' AND client_id = ? AND view_as = 0 AND person_id = 0`
}

// ListSessions returns the live sessions of a client (kind client) or staff member
// (kind staff), the latest activity first; current is the id hash of the asking
// session, which is marked. Sessions past their idle or absolute limit are left out:
// the next request with them would end them anyway.
func (w *Web) ListSessions(ctx context.Context, kind string, owner int64, current string) ([]SessionRow, error) {
	now := w.Now()
	idle, abs := w.timeouts()
	rows, err := w.DB.R.QueryContext(ctx, `SELECT id_hash, user_agent, ip, created_at, last_seen FROM sessions
		WHERE `+ownerCond(kind)+` AND expires_at > ? AND last_seen >= ? AND created_at >= ?
		ORDER BY last_seen DESC, created_at DESC`, owner, core.Now(now), core.Now(now.Add(-idle)), core.Now(now.Add(-abs)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SessionRow
	for rows.Next() {
		var h, ua, created, seen string
		var r SessionRow
		if err := rows.Scan(&h, &ua, &r.IP, &created, &seen); err != nil {
			return nil, err
		}
		r.Ref, r.Device, r.Current = h[:refLen], Device(ua), h == current
		r.CreatedAt, r.LastSeen = core.ParseTime(created), core.ParseTime(seen)
		out = append(out, r)
	}
	return out, rows.Err()
}

// EndOwnSessions ends sessions of an owner, never the asking one (current, an id
// hash): the one named ref, or every other one when ref is "". It returns how many
// ended; a ref of another owner ends nothing.
func EndOwnSessions(ctx context.Context, tx *sql.Tx, kind string, owner int64, ref, current string) (int64, error) {
	q := `DELETE FROM sessions WHERE ` + ownerCond(kind) + ` AND id_hash <> ?`
	args := []any{owner, current}
	if ref != "" {
		if len(ref) != refLen || strings.Trim(ref, "0123456789abcdef") != "" {
			return 0, nil
		}
		q += ` AND substr(id_hash, 1, ?) = ?`
		args = append(args, refLen, ref)
	}
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
