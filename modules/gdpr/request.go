package gdpr

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Privacy request kinds (GDPR art. 17 erasure, art. 18 restriction) and states.
const (
	KindErasure     = "erasure"
	KindRestriction = "restriction"

	ReqOpen       = "open"
	ReqInProgress = "in_progress"
	ReqDone       = "done"
	ReqRefused    = "refused"

	// maxRequestNote bounds the client's explanation, maxRequestReply the staff's answer.
	maxRequestNote  = 2000
	maxRequestReply = 2000
)

var (
	// RequestKinds and RequestStates are the values of a request's kind and state.
	RequestKinds  = []string{KindErasure, KindRestriction}
	RequestStates = []string{ReqOpen, ReqInProgress, ReqDone, ReqRefused}

	// ErrRequestKind, ErrRequestNote and ErrRequestState are the validation errors of
	// the request service functions.
	ErrRequestKind  = errors.New("choose erasure or restriction")
	ErrRequestNote  = errors.New("the note is too long")
	ErrRequestState = errors.New("unknown state")
	// ErrReplyRequired: a refusal must give the client its reasons (GDPR art. 12(4)).
	ErrReplyRequired = errors.New("give the client the reasons for refusing the request")
	// ErrReplyLong: the answer is over maxRequestReply characters (or not text).
	ErrReplyLong = errors.New("the answer is too long")
	// errRequestOpen refuses a second open request of the same kind.
	errRequestOpen = errors.New("a request of this kind is already open")
)

// Request is an erasure or restriction request.
type Request struct {
	ID               int64
	ClientID         int64
	ClientExternalID string
	ClientNumber     string
	ClientName       string
	Kind             string
	Note             string
	State            string
	// Reply is the staff's answer to the client (the reasons of a refusal).
	Reply     string
	CreatedAt time.Time
	UpdatedAt time.Time
	HandledBy string
}

// RequestFilter selects requests: of one client, or in one state (zero: all), with
// ids below Before (0: from the newest), at most Limit (0 or more than 200: 200).
type RequestFilter struct {
	ClientID int64
	State    string
	Before   int64
	Limit    int
}

// ListRequests lists requests, newest first.
func ListRequests(ctx context.Context, q core.Querier, f RequestFilter) ([]Request, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 200
	}
	// Conditions only when set (core.Where), so the indexes on (client_id, id) and
	// (state, id) serve.
	var w core.Where
	if f.ClientID != 0 {
		w.And("r.client_id = ?", f.ClientID)
	}
	if f.State != "" {
		w.And("r.state = ?", f.State)
	}
	if f.Before != 0 {
		w.And("r.id < ?", f.Before)
	}
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.client_id, COALESCE(c.external_id, ''), c.number, c.name, r.kind, r.note, r.state, r.reply,
		r.created_at, r.updated_at, r.handled_by
		FROM gdpr_requests r JOIN clients c ON c.id = r.client_id
		`+w.SQL()+` ORDER BY r.id DESC LIMIT ?`, w.Args(f.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Request
	for rows.Next() {
		var r Request
		var created, updated string
		if err := rows.Scan(&r.ID, &r.ClientID, &r.ClientExternalID, &r.ClientNumber, &r.ClientName, &r.Kind, &r.Note, &r.State, &r.Reply,
			&created, &updated, &r.HandledBy); err != nil {
			return nil, err
		}
		r.CreatedAt, r.UpdatedAt = core.ParseTime(created), core.ParseTime(updated)
		out = append(out, r)
	}
	return out, rows.Err()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// FileRequest records a client's erasure or restriction request and audits it
// (gdpr.request.file). A second open request of the same kind is refused.
func FileRequest(ctx context.Context, d app.Deps, clientID int64, kind, note, actor, ip string) (int64, error) {
	note = strings.TrimSpace(note)
	if !contains(RequestKinds, kind) {
		return 0, &core.FieldError{Field: "kind", Err: ErrRequestKind}
	}
	if utf8.RuneCountInString(note) > maxRequestNote || !utf8.ValidString(note) {
		return 0, &core.FieldError{Field: "note", Err: ErrRequestNote}
	}
	now := core.Now(d.Now())
	var id int64
	err := d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM gdpr_requests WHERE client_id = ? AND kind = ? AND state IN ('open', 'in_progress')`,
			clientID, kind).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &core.FieldError{Field: "kind", Err: errRequestOpen}
		}
		var err error
		id, err = core.InsertID(ctx, tx, `INSERT INTO gdpr_requests (client_id, kind, note, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			clientID, kind, note, now, now)
		if err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: d.Now(), Actor: actor, Action: "privacy.request.file", ClientID: clientID,
			Detail: kind, IP: ip})
	})
	return id, err
}

// SetRequestState moves a request to state with the staff's answer to the client
// (reply: required when refusing, since the client must learn the reasons; optional
// otherwise, and when empty an earlier answer stays), audits it
// (privacy.request.<state>) with the staff member (or API account) who did it and
// mails the client, in one transaction. It reports whether the state changed (the
// same state again: nothing happens, no mail).
func SetRequestState(ctx context.Context, d app.Deps, id int64, state, reply, actor, ip string) (bool, error) {
	reply = strings.TrimSpace(strings.ReplaceAll(reply, "\r\n", "\n"))
	switch {
	case !contains(RequestStates, state):
		return false, &core.FieldError{Field: "state", Err: ErrRequestState}
	case utf8.RuneCountInString(reply) > maxRequestReply || !utf8.ValidString(reply) || strings.ContainsRune(reply, 0):
		return false, &core.FieldError{Field: "reply", Err: ErrReplyLong}
	case state == ReqRefused && reply == "":
		return false, &core.FieldError{Field: "reply", Err: ErrReplyRequired}
	}
	changed := false
	err := d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var clientID int64
		var old string
		err := tx.QueryRowContext(ctx, `SELECT client_id, state FROM gdpr_requests WHERE id = ?`, id).Scan(&clientID, &old)
		if errors.Is(err, sql.ErrNoRows) {
			return core.ErrNotFound
		}
		if err != nil || old == state {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE gdpr_requests SET state = ?, updated_at = ?, handled_by = ?,
			reply = CASE WHEN ? = '' THEN reply ELSE ? END WHERE id = ?`,
			state, core.Now(d.Now()), actor, reply, reply, id); err != nil {
			return err
		}
		if err := core.Audit(ctx, tx, core.AuditEntry{At: d.Now(), Actor: actor, Action: "privacy.request." + state, ClientID: clientID,
			Detail: "request " + old + " -> " + state, IP: ip}); err != nil {
			return err
		}
		changed = true
		return mailRequestState(ctx, tx, d, id, clientID)
	})
	return changed, err
}

// replyBlock is the staff's answer as the state mail shows it ($REPLY_BLOCK$): a
// heading in the client's language and the text, or nothing without an answer.
func replyBlock(t func(string) string, reply string) string {
	if reply == "" {
		return ""
	}
	return t("gdpr.request.reply_mail") + "\n" + reply + "\n\n"
}

// PurposeRequestState is the mail a client gets when staff (or the API) move their
// erasure or restriction request to another state.
const PurposeRequestState = "gdpr_request_state"

// registerRequestMail registers the state-change mail: the request's kind, its new
// state (both in the client's language) and the own-data page, where the client sees
// every request.
func registerRequestMail(t *mail.Templates) {
	t.RegisterDefault(PurposeRequestState, "en", "Your privacy request: $STATE$",
		"Hello $CLIENT_NAME$,\n\nyour request \"$KIND$\" (client number $CLIENT_NUMBER$, filed on $FILED$) is now: $STATE$.\n\n$REPLY_BLOCK$"+
			"You can see all your requests in the client portal under My data:\n$CI_OWN_DATA_LINK$\n")
	t.RegisterDefault(PurposeRequestState, "cs", "Vaše žádost o ochranu osobních údajů: $STATE$",
		"Dobrý den, $CLIENT_NAME$,\n\nvaše žádost „$KIND$“ (číslo klienta $CLIENT_NUMBER$, podaná $FILED$) má nyní stav: $STATE$.\n\n$REPLY_BLOCK$"+
			"Všechny své žádosti vidíte v zákaznickém portálu v části Moje údaje:\n$CI_OWN_DATA_LINK$\n")
}

// mailRequestState queues the state-change mail of request id in tx, in the client's
// language. Without a sender or an address nothing is queued (the client still sees
// the state on the own-data page).
func mailRequestState(ctx context.Context, tx *sql.Tx, d app.Deps, id, clientID int64) error {
	c, err := core.ClientByID(ctx, tx, clientID)
	if err != nil {
		return err
	}
	to := mail.Recipients(c.Email)
	if len(to) == 0 || settings.SystemMail.Get(d.Settings) == "" || settings.SystemMailName.Get(d.Settings) == "" {
		return nil
	}
	var kind, state, filed, reply string
	if err := tx.QueryRowContext(ctx, `SELECT kind, state, created_at, reply FROM gdpr_requests WHERE id = ?`, id).Scan(&kind, &state, &filed, &reply); err != nil {
		return err
	}
	lang := c.Language
	if !web.Supported(lang) {
		lang = settings.DefaultLanguage.Get(d.Settings)
	}
	tpl, err := d.Mail.Resolve(ctx, PurposeRequestState, c.InvoiceGroupID, lang)
	if err != nil {
		return err
	}
	link := ""
	if base := settings.PortalURL.Get(d.Settings.Brand(c.BrandID)); base != "" {
		link = strings.TrimRight(base, "/") + "/gdpr" + pathExport
	}
	t := func(key string) string { return d.Web.Catalog.T(lang, key) }
	subject, body := mail.Render(tpl, map[string]string{"CLIENT_NAME": c.Name, "CLIENT_NUMBER": c.Number,
		"KIND": t("gdpr.request.kind_" + kind), "STATE": t("gdpr.request.state_" + state),
		"FILED": core.ParseTime(filed).UTC().Format("2006-01-02"), "CI_OWN_DATA_LINK": link, "REPLY": reply, "REPLY_BLOCK": replyBlock(t, reply)})
	_, err = mail.Enqueue(ctx, tx, mail.Message{To: to, Subject: subject, Text: body, Purpose: PurposeRequestState,
		ClientID: c.ID, At: d.Now()})
	if errors.Is(err, mail.ErrInvalidAddress) {
		d.Log.Warn("gdpr.mailRequestState: client e-mail invalid", "client_id", c.ID)
		return nil
	}
	return err
}
