package gdpr

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// History actions, as stored.
const (
	ActionGiven     = "given"
	ActionChanged   = "changed"
	ActionWithdrawn = "withdrawn"
)

// States of a client's consent to a document.
const (
	StatusNone      = "none"
	StatusGiven     = "given"
	StatusWithdrawn = "withdrawn"
)

// Why RecordConsent refused an action. Nothing was written in any of these cases.
var (
	// ErrStale: the form was built from an older state (a replay, a second tab, or
	// another action in between).
	ErrStale = errors.New("consent: the consent changed since the form was shown")
	// ErrVersion: the form shows a version of the text that is no longer current.
	ErrVersion = errors.New("consent: a newer version of the document exists")
	// ErrNotAllowed: the action makes no sense in the current state (withdraw what
	// was never given, give twice).
	ErrNotAllowed = errors.New("consent: action not possible in the current state")
	// ErrNoPurpose: giving or changing consent needs at least one purpose ticked.
	ErrNoPurpose = errors.New("consent: no purpose chosen")
	// ErrUnknownPurpose: a purpose id that is not one of the document's.
	ErrUnknownPurpose = errors.New("consent: unknown purpose")
	// ErrUnchanged: a change that changes nothing.
	ErrUnchanged = errors.New("consent: nothing changed")
	// ErrInactive: the document is retired; consent can only be withdrawn.
	ErrInactive = errors.New("consent: document is no longer offered")
)

// Entry is one row of the consent history.
type Entry struct {
	ID            int64
	ClientID      int64
	DocumentID    int64
	DocumentTitle string
	Seq           int
	Version       int
	Action        string
	Purposes      []string // agreed after this action
	At            time.Time
	IP            string
	UserAgent     string
	Actor         string
}

// State is a client's current consent to one document, derived from the latest
// history row.
type State struct {
	Document Document
	Status   string // StatusNone, StatusGiven or StatusWithdrawn
	// Seq is the seq of the latest history row (0 when none): forms carry it.
	Seq      int
	Version  int    // version the latest action was made on
	Action   string // the latest action
	Purposes []string
	At       time.Time
}

// NeedsReview reports that consent was given to an older version of the text.
func (s State) NeedsReview() bool { return s.Status == StatusGiven && s.Version < s.Document.Version }

// Agreed reports whether a purpose is among those agreed to.
func (s State) Agreed(name string) bool {
	for _, p := range s.Purposes {
		if p == name {
			return true
		}
	}
	return false
}

func statusOf(action string) string {
	switch action {
	case ActionGiven, ActionChanged:
		return StatusGiven
	case ActionWithdrawn:
		return StatusWithdrawn
	}
	return StatusNone
}

func decodePurposes(s string) []string {
	var out []string
	_ = json.Unmarshal([]byte(s), &out) // written only by RecordConsent; garbage reads as none
	return out
}

// latest is the client's latest history row for a document.
const latest = `SELECT seq, version, action, purposes, at FROM consent_history
	WHERE client_id = ? AND document_id = ? ORDER BY seq DESC LIMIT 1`

func fillState(ctx context.Context, q core.Querier, clientID int64, st *State) error {
	var purposes, at string
	err := q.QueryRowContext(ctx, latest, clientID, st.Document.ID).Scan(&st.Seq, &st.Version, &st.Action, &purposes, &at)
	if errors.Is(err, sql.ErrNoRows) {
		st.Status = StatusNone
		return nil
	}
	if err != nil {
		return err
	}
	st.Status, st.Purposes, st.At = statusOf(st.Action), decodePurposes(purposes), core.ParseTime(at)
	return nil
}

// ConsentState lists the client's state of every document offered to them: the
// active documents, plus retired ones the client has acted on (so that a given
// consent can still be withdrawn).
func ConsentState(ctx context.Context, q core.Querier, clientID int64) ([]State, error) {
	scan := func(row core.Row) (State, error) {
		d, err := scanDoc(row)
		return State{Document: d}, err
	}
	out, err := core.List(ctx, q, scan, `SELECT `+docCols+docFrom+` WHERE d.active = 1
		OR EXISTS (SELECT 1 FROM consent_history h WHERE h.document_id = d.id AND h.client_id = ?) ORDER BY d.id`, clientID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Document.Purposes, err = purposes(ctx, q, out[i].Document.ID); err != nil {
			return nil, err
		}
		if err := fillState(ctx, q, clientID, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ConsentStateFor is ConsentState for one document; core.ErrNotFound when the
// document does not exist or is not offered to the client.
func ConsentStateFor(ctx context.Context, q core.Querier, clientID, documentID int64) (State, error) {
	d, err := DocumentByID(ctx, q, documentID)
	if err != nil {
		return State{}, err
	}
	st := State{Document: d}
	if err := fillState(ctx, q, clientID, &st); err != nil {
		return st, err
	}
	if !d.Active && st.Status == StatusNone {
		return st, core.ErrNotFound
	}
	return st, nil
}

// ConsentHistory lists a client's consent actions in the order they happened; with
// documentID 0 for every document.
func ConsentHistory(ctx context.Context, q core.Querier, clientID, documentID int64) ([]Entry, error) {
	var w core.Where
	w.And("h.client_id = ?", clientID)
	if documentID != 0 {
		w.And("h.document_id = ?", documentID)
	}
	return core.List(ctx, q, scanEntry, `SELECT h.id, h.client_id, h.document_id, d.title, h.seq, h.version, h.action,
		h.purposes, h.at, h.ip, h.user_agent, h.actor
		FROM consent_history h JOIN consent_documents d ON d.id = h.document_id`+w.SQL()+` ORDER BY h.id`, w.Args()...)
}

func scanEntry(row core.Row) (Entry, error) {
	var e Entry
	var purposes, at string
	err := row.Scan(&e.ID, &e.ClientID, &e.DocumentID, &e.DocumentTitle, &e.Seq, &e.Version, &e.Action,
		&purposes, &at, &e.IP, &e.UserAgent, &e.Actor)
	e.Purposes, e.At = decodePurposes(purposes), core.ParseTime(at)
	return e, err
}

// Action is a consent action to record.
type Action struct {
	ClientID   int64
	DocumentID int64
	Kind       string // "give", "change" or "withdraw"
	// Version and Seq are what the client's form was built from.
	Version    int
	Seq        int
	PurposeIDs []int64
	IP         string
	UserAgent  string
	Actor      string // "client" unless set (e.g. "staff:admin", "demo")
}

// RecordConsent checks an action against the current state and appends it to the
// history. Run it in a write transaction (which begins IMMEDIATE, so concurrent
// actions are serialised and each sees the previous one): a stale seq or version, or
// an action that does not fit the state, is refused with one of the Err* values and
// writes nothing.
func RecordConsent(ctx context.Context, tx *sql.Tx, a Action, now time.Time) (Entry, error) {
	st, err := ConsentStateFor(ctx, tx, a.ClientID, a.DocumentID)
	if err != nil {
		return Entry{}, err
	}
	doc := st.Document
	if a.Seq != st.Seq {
		return Entry{}, ErrStale
	}
	if a.Version != doc.Version {
		return Entry{}, ErrVersion
	}
	var action string
	switch a.Kind {
	case "give":
		action = ActionGiven
		if st.Status == StatusGiven {
			return Entry{}, ErrNotAllowed
		}
	case "change":
		action = ActionChanged
		if st.Status != StatusGiven {
			return Entry{}, ErrNotAllowed
		}
	case "withdraw":
		action = ActionWithdrawn
		if st.Status != StatusGiven {
			return Entry{}, ErrNotAllowed
		}
	default:
		return Entry{}, ErrNotAllowed
	}
	if action != ActionWithdrawn && !doc.Active {
		return Entry{}, ErrInactive
	}
	agreed := []string{}
	if action != ActionWithdrawn {
		chosen := map[int64]bool{}
		for _, id := range a.PurposeIDs {
			chosen[id] = true
		}
		for _, p := range doc.Purposes {
			if chosen[p.ID] {
				agreed = append(agreed, p.Name)
				delete(chosen, p.ID)
			}
		}
		if len(chosen) > 0 {
			return Entry{}, ErrUnknownPurpose
		}
		if len(doc.Purposes) > 0 && len(agreed) == 0 {
			return Entry{}, ErrNoPurpose
		}
		if action == ActionChanged && st.Version == doc.Version && strings.Join(agreed, "\x00") == strings.Join(st.Purposes, "\x00") {
			return Entry{}, ErrUnchanged
		}
	}
	if a.Actor == "" {
		a.Actor = "client"
	}
	js, _ := json.Marshal(agreed)
	e := Entry{ClientID: a.ClientID, DocumentID: doc.ID, DocumentTitle: doc.Title, Seq: st.Seq + 1, Version: doc.Version,
		Action: action, Purposes: agreed, At: now, IP: a.IP, UserAgent: truncate(a.UserAgent, 500), Actor: a.Actor}
	e.ID, err = core.InsertID(ctx, tx, `INSERT INTO consent_history (client_id, document_id, seq, version, action, purposes, at,
		ip, user_agent, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.ClientID, e.DocumentID, e.Seq, e.Version, e.Action,
		string(js), core.Now(now), e.IP, e.UserAgent, e.Actor)
	if err != nil {
		return Entry{}, err
	}
	return e, nil
}

func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	for len(s) > n {
		s = s[:n]
		s = strings.ToValidUTF8(s, "")
	}
	return s
}
