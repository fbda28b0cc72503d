package info

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/core"
)

// The one rule of a message's texts, whichever way it arrives (console, API, CLI);
// the API's validate tags say the same. Both count characters: the console counted
// the body's bytes, so a Czech text took half of what the API accepted.
const (
	MaxTitle = 200    // runes of the title, after making it one line; required
	MaxBody  = 100000 // runes of the HTML body; required by PublishMessage
)

// Reasons a message field is refused, each inside a *core.FieldError.
var (
	ErrTooLong = errors.New("is too long")
	ErrNoGroup = errors.New("names no invoice group")
)

// refusal is why a message field is refused: its text for people (the CLI prints it,
// the API answers it) and its causes, ErrInvalidMessage and the reason's own error.
type refusal struct {
	text  string
	cause error
}

func (r refusal) Error() string   { return r.text }
func (r refusal) Unwrap() []error { return []error{ErrInvalidMessage, r.cause} }

func refuse(field string, cause error, text string) *core.FieldError {
	return &core.FieldError{Field: field, Err: refusal{text: text, cause: cause}}
}

// check normalises m's title (one line) and body (unified line ends) and returns the
// first refusal as a *core.FieldError naming the field: "kind", "client", "group",
// "title", "body" or "until".
func (m Message) check() (Message, error) {
	switch m.Kind {
	case KindPrivate:
		if m.ClientID <= 0 || m.GroupID != 0 {
			return m, refuse("client", ErrInvalidMessage, "a private message needs a client and no group")
		}
	case KindGlobal:
		if m.ClientID != 0 || m.GroupID != 0 {
			return m, refuse("kind", ErrInvalidMessage, "a global message has neither client nor group")
		}
	case KindGroup:
		if m.GroupID <= 0 || m.ClientID != 0 {
			return m, refuse("group", ErrInvalidMessage, "a group message needs an invoice group and no client")
		}
	default:
		return m, refuse("kind", ErrInvalidMessage, "kind must be private, global or group")
	}
	titleRule := fmt.Sprintf("title must be 1 to %d characters of text without control characters", MaxTitle)
	title, err := core.Required(m.Title)
	switch {
	case err != nil:
		return m, refuse("title", err, titleRule)
	case utf8.RuneCountInString(title) > MaxTitle:
		return m, refuse("title", ErrTooLong, titleRule)
	}
	bodyRule := fmt.Sprintf("body must be text without control characters, at most %d characters", MaxBody)
	body, err := core.Text(m.Body)
	switch {
	case err != nil:
		return m, refuse("body", err, bodyRule)
	case utf8.RuneCountInString(body) > MaxBody:
		return m, refuse("body", ErrTooLong, bodyRule)
	}
	if !m.ValidFrom.IsZero() && !m.ValidUntil.IsZero() && !m.ValidUntil.After(m.ValidFrom) {
		return m, refuse("until", ErrInvalidMessage, "until must be after from")
	}
	m.Title, m.Body = title, body
	return m, nil
}

// PublishMessage checks msg by the one rule above, with a body required and its
// invoice group looked up (SaveMessage alone takes a message without a body), saves
// it in tx, and lets audit, when not nil, write the audit entry of its id in the same
// transaction. The console, the API and the CLI all publish through it, each with its
// own actor; a refusal is a *core.FieldError.
func PublishMessage(ctx context.Context, tx *sql.Tx, msg Message, now time.Time, audit func(id int64) error) (int64, error) {
	msg, err := msg.check()
	if err != nil {
		return 0, err
	}
	if msg.Body == "" {
		return 0, refuse("body", core.ErrNotBlank, "body is required")
	}
	if msg.Kind == KindGroup {
		if _, err := core.GroupByID(ctx, tx, msg.GroupID); errors.Is(err, core.ErrNotFound) {
			return 0, refuse("group", ErrNoGroup, fmt.Sprintf("no invoice group %d", msg.GroupID))
		} else if err != nil {
			return 0, err
		}
	}
	id, err := SaveMessage(ctx, tx, msg, now)
	if err != nil || audit == nil {
		return id, err
	}
	return id, audit(id)
}

// DeleteMessage removes message id and its reading state (core.ErrNotFound if there
// is none), with the audit entry, when audit is not nil, in the same transaction.
func DeleteMessage(ctx context.Context, tx *sql.Tx, id int64, audit func() error) error {
	if err := deleteMessageRow(ctx, tx, id); err != nil || audit == nil {
		return err
	}
	return audit()
}
