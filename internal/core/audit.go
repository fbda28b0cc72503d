package core

import (
	"context"
	"strings"
	"time"
)

type personKey struct{}

// WithPerson marks ctx as the request of an invited person of an account (their login
// name), so that Audit names them after the account's actor: "client:1001/jana".
func WithPerson(ctx context.Context, login string) context.Context {
	return context.WithValue(ctx, personKey{}, login)
}

// PersonOf returns the invited person's login WithPerson put into ctx, or "".
func PersonOf(ctx context.Context) string {
	p, _ := ctx.Value(personKey{}).(string)
	return p
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID       int64
	At       time.Time
	Actor    string // "client:1001", "staff:admin", "api:billing", "cli", "system"
	Action   string // "login.ok", "login.fail", "password.otp", "client.unlock", ...
	ClientID int64
	Detail   string // never a password, token or secret
	IP       string

	// ClientNumber is filled by AuditList: the client's number, "" when the client
	// was deleted since (ClientID stays: the log has no foreign key).
	ClientNumber string
}

// Audit appends an entry. Pass the request's transaction so the entry exists exactly
// when the action committed.
func Audit(ctx context.Context, q Querier, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	// Every module writes a subscriber's actions as "client:<number>"; the person of
	// the account who did it is added here, once for all of them.
	if p := PersonOf(ctx); p != "" && strings.HasPrefix(e.Actor, "client:") && !strings.Contains(e.Actor, "/") {
		e.Actor += "/" + p
	}
	var cid any
	if e.ClientID != 0 {
		cid = e.ClientID
	}
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log (at, actor, action, client_id, detail, ip) VALUES (?, ?, ?, ?, ?, ?)`,
		Now(e.At), e.Actor, e.Action, cid, e.Detail, e.IP)
	return err
}

// AuditFilter narrows AuditList.
type AuditFilter struct {
	Actor    string
	Action   string // prefix, e.g. "login."
	ClientID int64
	Limit    int
	Offset   int
}

// AuditList returns entries newest first. Each filter is a condition only when set
// (see Where), so the client card's lists read the client's index.
func AuditList(ctx context.Context, q Querier, f AuditFilter) ([]AuditEntry, error) {
	query, args := auditListQuery(f)
	return List(ctx, q, scanAuditEntry, query, args...)
}

func auditListQuery(f AuditFilter) (string, []any) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	var w Where
	if f.Actor != "" {
		w.And(`a.actor = ?`, f.Actor)
	}
	if f.Action != "" {
		w.And(`lower(a.action) LIKE lower(?) ESCAPE '\'`, LikeEscape(f.Action)+"%")
	}
	if f.ClientID != 0 {
		w.And(`a.client_id = ?`, f.ClientID)
	}
	return `SELECT a.id, a.at, a.actor, a.action, COALESCE(a.client_id, 0), COALESCE(c.number, ''),
		a.detail, a.ip FROM audit_log a LEFT JOIN clients c ON c.id = a.client_id` + w.SQL() + `
		ORDER BY a.id DESC LIMIT ? OFFSET ?`, w.Args(f.Limit, max(f.Offset, 0))
}

func scanAuditEntry(row Row) (AuditEntry, error) {
	var e AuditEntry
	var at string
	err := row.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.ClientID, &e.ClientNumber, &e.Detail, &e.IP)
	e.At = ParseTime(at)
	return e, err
}
