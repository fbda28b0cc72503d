package signup

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// The states of a sign-up.
const (
	StateUnverified = "unverified" // the form was sent; the link was not used yet
	StatePending    = "pending"    // confirmed: the account exists and awaits a decision
	StateApproved   = "approved"
	StateRejected   = "rejected"
)

// States are the states in the console's filter order.
var States = []string{StatePending, StateApproved, StateRejected, StateUnverified}

// Signup is one row of signups.
type Signup struct {
	ID           int64
	Email        string
	Name         string
	Username     string
	PasswordHash string
	Currency     string
	Language     string
	Consents     []app.ConsentGiven // without their texts
	ExpiresAt    time.Time
	IP           string
	UserAgent    string
	CreatedAt    time.Time
	State        string
	VerifiedAt   time.Time
	ClientID     int64
	ClientNumber string
	Seq          int64
	Reason       string
	DecidedAt    time.Time
	DecidedBy    string
	// BrandID is the brand the form was sent on (0: the default brand).
	BrandID int64
}

const cols = `s.id, s.email, s.name, s.username, s.password_hash, s.currency, s.language, s.consents, s.expires_at, s.ip,
	s.user_agent, s.created_at, s.state, COALESCE(s.verified_at, ''), COALESCE(s.client_id, 0), COALESCE(c.number, ''),
	COALESCE(s.seq, 0), s.reason, COALESCE(s.decided_at, ''), s.decided_by, s.brand_id`

const from = ` FROM signups s LEFT JOIN clients c ON c.id = s.client_id`

func scan(row core.Row) (Signup, error) {
	var s Signup
	var consents, expires, created, verified, decided string
	err := row.Scan(&s.ID, &s.Email, &s.Name, &s.Username, &s.PasswordHash, &s.Currency, &s.Language, &consents, &expires,
		&s.IP, &s.UserAgent, &created, &s.State, &verified, &s.ClientID, &s.ClientNumber, &s.Seq, &s.Reason, &decided, &s.DecidedBy, &s.BrandID)
	if errors.Is(err, sql.ErrNoRows) {
		return s, core.ErrNotFound
	}
	_ = json.Unmarshal([]byte(consents), &s.Consents) // written only by insert; garbage reads as none
	s.ExpiresAt, s.CreatedAt, s.VerifiedAt, s.DecidedAt = core.ParseTime(expires), core.ParseTime(created),
		core.ParseTime(verified), core.ParseTime(decided)
	return s, err
}

// ByID loads a sign-up; core.ErrNotFound when there is none.
func ByID(ctx context.Context, q core.Querier, id int64) (Signup, error) {
	return scan(q.QueryRowContext(ctx, `SELECT `+cols+from+` WHERE s.id = ?`, id))
}

func byTokenHash(ctx context.Context, q core.Querier, hash string) (Signup, error) {
	return scan(q.QueryRowContext(ctx, `SELECT `+cols+from+` WHERE s.token_hash = ?`, hash))
}

// Filter narrows List.
type Filter struct {
	State string // "" every state
	Limit int
}

// List lists sign-ups for staff, the newest first.
func List(ctx context.Context, q core.Querier, f Filter) ([]Signup, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 200
	}
	return core.List(ctx, q, scan, `SELECT `+cols+from+` WHERE (? = '' OR s.state = ?) ORDER BY s.id DESC LIMIT ?`,
		f.State, f.State, f.Limit)
}

// Since lists the confirmed sign-ups after the cursor (their seq), in the order they
// were confirmed, at most limit: how the billing system learns of new accounts.
func Since(ctx context.Context, q core.Querier, after int64, limit int) ([]Signup, error) {
	return core.List(ctx, q, scan, `SELECT `+cols+from+` WHERE s.seq > ? ORDER BY s.seq LIMIT ?`, after, limit)
}

// insert stores a new unverified sign-up and returns its id and the link's token.
func insert(ctx context.Context, tx *sql.Tx, s Signup, now time.Time) (int64, string, error) {
	tok, hash := newToken()
	consents := s.Consents
	for i := range consents {
		consents[i].Text = "" // the text is the document's; its version names it
	}
	js, err := json.Marshal(consents)
	if err != nil {
		return 0, "", err
	}
	id, err := core.InsertID(ctx, tx, `INSERT INTO signups (email, name, username, password_hash, currency, language, consents,
		token_hash, expires_at, ip, user_agent, created_at, brand_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		s.Email, s.Name, s.Username, s.PasswordHash, s.Currency, s.Language, string(js), hash, core.Now(now.Add(LinkTTL)),
		s.IP, s.UserAgent, core.Now(now), s.BrandID)
	return id, tok, err
}

// newToken returns a link token (32 random bytes) and the hash that is stored.
func newToken() (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// usernameReserved reports whether a live unverified sign-up already asked for the
// login name (so that two confirmations cannot race for it).
func usernameReserved(ctx context.Context, q core.Querier, username string, now time.Time) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM signups WHERE username = ? AND state = 'unverified' AND expires_at > ?`,
		username, core.Now(now)).Scan(&n)
	return n > 0, err
}

// emailOwner is a client whose e-mail address is exactly email (without regard to
// case), or core.ErrNotFound.
func emailOwner(ctx context.Context, q core.Querier, email string) (core.Client, error) {
	return core.ScanClient(q.QueryRowContext(ctx, `SELECT `+core.ClientCols+` FROM clients WHERE lower(email) = lower(?)
		ORDER BY active DESC, id LIMIT 1`, email))
}

// pruneStale removes unverified sign-ups whose link died more than a week ago: they
// hold a password hash and personal data nobody confirmed.
func pruneStale(ctx context.Context, tx *sql.Tx, now time.Time) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM signups WHERE state = 'unverified' AND expires_at < ?`, core.Now(now.Add(-7*24*time.Hour)))
	return err
}
