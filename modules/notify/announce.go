package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// Limits of a notice: the title is the SMS text and the push title.
const (
	MaxNoticeTitle = 140
	MaxNoticeText  = 2000
)

// Named errors of Announce.
var (
	ErrNoticeTitle    = errors.New("a title of 1 to 140 characters on one line is required")
	ErrNoticeText     = errors.New("a text of at most 2000 characters is required")
	ErrNoticeAudience = errors.New("choose every client, an invoice group or one client")
)

// Audiences are who a notice is for.
var Audiences = []string{"all", "group", "client"}

// Notice is an outage or maintenance notice.
type Notice struct {
	ID         int64
	ExternalID string
	Title      string
	Text       string
	Audience   string // all, group, client
	GroupID    int64
	ClientID   int64
	Clients    int
	CreatedBy  string
	CreatedAt  time.Time
}

// Announce stores a notice and tells each client of its audience (active clients)
// on the channels they chose for outages, in one transaction with the audit entry.
// With an ExternalID that is already stored, it changes and sends nothing and returns
// the stored notice (created false).
func (m *Module) Announce(ctx context.Context, n Notice, actor, ip string) (Notice, bool, error) {
	var err error
	now := m.d.Now()
	created := false
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		if n, created, err = m.AnnounceTx(ctx, tx, n, actor, now); err != nil || !created {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "notifications.announce", ClientID: n.ClientID,
			Detail: n.auditDetail(), IP: ip})
	})
	if err == nil && created {
		m.kick()
	}
	return n, created, err
}

func (n Notice) auditDetail() string {
	return fmt.Sprintf("notice %d to %s (%d clients): %s", n.ID, n.Audience, n.Clients, n.Title)
}

// kick wakes the worker for push notifications just queued (after the commit).
func (m *Module) kick() {
	if m.loop != nil {
		m.loop.Kick()
	}
}

// checkNotice validates a notice before it is stored.
func checkNotice(n *Notice) error {
	var err error
	if n.Title, err = core.Line(n.Title); err != nil || n.Title == "" || utf8.RuneCountInString(n.Title) > MaxNoticeTitle {
		return &core.FieldError{Field: "title", Err: ErrNoticeTitle}
	}
	if n.Text, err = core.Text(n.Text); err != nil || n.Text == "" || utf8.RuneCountInString(n.Text) > MaxNoticeText {
		return &core.FieldError{Field: "text", Err: ErrNoticeText}
	}
	switch {
	case n.Audience == "all":
		n.GroupID, n.ClientID = 0, 0
	case n.Audience == "group" && n.GroupID > 0:
		n.ClientID = 0
	case n.Audience == "client" && n.ClientID > 0:
		n.GroupID = 0
	default:
		return &core.FieldError{Field: "audience", Err: ErrNoticeAudience}
	}
	return nil
}

// AnnounceTx is Announce in the caller's transaction, without its audit entry.
func (m *Module) AnnounceTx(ctx context.Context, tx *sql.Tx, n Notice, actor string, now time.Time) (Notice, bool, error) {
	if err := checkNotice(&n); err != nil {
		return n, false, err
	}
	n.CreatedBy, n.CreatedAt = actor, now
	created := false
	err := func() error {
		if n.ExternalID != "" {
			stored, err := noticeByExternalID(ctx, tx, n.ExternalID)
			if err == nil {
				n = stored
				return nil
			}
			if !errors.Is(err, core.ErrNotFound) {
				return err
			}
		}
		if n.Audience == "group" {
			if _, err := core.GroupByID(ctx, tx, n.GroupID); err != nil {
				return &core.FieldError{Field: "group_id", Err: ErrNoticeAudience}
			}
		}
		if n.Audience == "client" {
			if _, err := core.ClientByID(ctx, tx, n.ClientID); err != nil {
				return &core.FieldError{Field: "client", Err: ErrNoticeAudience}
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO notify_notices (external_id, title, text, audience, group_id, client_id,
			created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, core.NullText(n.ExternalID), n.Title, n.Text,
			n.Audience, core.Null(n.GroupID), core.Null(n.ClientID), actor, core.Now(now)).Scan(&n.ID); err != nil {
			return err
		}
		created = true
		ids, err := core.List(ctx, tx, core.ScanValue[int64], `SELECT id FROM clients WHERE active = 1
			AND (? = 'all' OR (? = 'group' AND invoice_group_id = ?) OR (? = 'client' AND id = ?)) ORDER BY id`,
			n.Audience, n.Audience, n.GroupID, n.Audience, n.ClientID)
		if err != nil {
			return err
		}
		key := "notice:" + strconv.FormatInt(n.ID, 10)
		for _, cid := range ids {
			if _, err := m.Emit(ctx, tx, app.Event{ClientID: cid, Topic: TopicOutage, Key: key,
				Vars: map[string]string{"TITLE": n.Title, "TEXT": n.Text}}); err != nil {
				return err
			}
		}
		n.Clients = len(ids)
		_, err = tx.ExecContext(ctx, `UPDATE notify_notices SET clients = ? WHERE id = ?`, n.Clients, n.ID)
		return err
	}()
	return n, created, err
}

const noticeCols = `id, COALESCE(external_id, ''), title, text, audience, COALESCE(group_id, 0), COALESCE(client_id, 0), clients,
	created_by, created_at`

func scanNotice(r core.Row) (Notice, error) {
	var n Notice
	var created string
	err := r.Scan(&n.ID, &n.ExternalID, &n.Title, &n.Text, &n.Audience, &n.GroupID, &n.ClientID, &n.Clients, &n.CreatedBy, &created)
	n.CreatedAt = core.ParseTime(created)
	return n, err
}

func noticeByExternalID(ctx context.Context, q core.Querier, ext string) (Notice, error) {
	n, err := scanNotice(q.QueryRowContext(ctx, `SELECT `+noticeCols+` FROM notify_notices WHERE external_id = ?`, ext))
	if errors.Is(err, sql.ErrNoRows) {
		return n, core.ErrNotFound
	}
	return n, err
}

// ListNotices lists the latest notices, newest first.
func ListNotices(ctx context.Context, q core.Querier, limit int) ([]Notice, error) {
	return core.List(ctx, q, scanNotice, `SELECT `+noticeCols+` FROM notify_notices ORDER BY id DESC LIMIT ?`, limit)
}
