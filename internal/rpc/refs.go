package rpc

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// Shared parameter and result shapes and the lookups behind them: every module's
// methods name clients and rows by external id, answer idempotent writes and deletes,
// and carry dates the same way.

// ClientRef names a client by portal id or by the billing system's external id.
type ClientRef struct {
	ID         int64  `json:"id" validate:"required_without=ExternalID,gte=0" doc:"portal id of the client"`
	ExternalID string `json:"external_id" validate:"max=64" doc:"the billing system's id of the client"`
}

// ClientOnly names a client.
type ClientOnly struct {
	ClientID         int64  `json:"client_id" validate:"required_without=ClientExternalID,gte=0"`
	ClientExternalID string `json:"client_external_id" validate:"max=64"`
}

// ExternalOnly names a row by external id.
type ExternalOnly struct {
	ExternalID string `json:"external_id" validate:"required,max=64"`
}

// Saved is what an idempotent write returns: the row's portal id and whether this call
// created it (false: it existed and was updated).
type Saved struct {
	ID      int64 `json:"id"`
	Created bool  `json:"created"`
}

// Deleted says whether a delete removed a row (false: it was already absent).
type Deleted struct {
	Deleted bool `json:"deleted"`
}

// DateLayout is how the API writes a day.
const DateLayout = "2006-01-02"

// Day formats a day for the API; the zero time is "".
func Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(DateLayout)
}

// ParseDay reads a day the validator already checked; "" is the zero time.
func ParseDay(s string) time.Time {
	t, _ := time.Parse(DateLayout, s)
	return t
}

// ClientOf loads a client by reference; an unknown one is not_found.
func ClientOf(c *Call, ref ClientRef) (core.Client, error) {
	if ref.ID != 0 {
		cl, err := core.ClientByID(c.Ctx, c.Q, ref.ID)
		return cl, AsApp(err, "client", ref.ID)
	}
	id, err := IDByExternal(c.Ctx, c.Q, "clients", ref.ExternalID)
	if err != nil {
		return core.Client{}, AsApp(err, "client with external_id", ref.ExternalID)
	}
	cl, err := core.ClientByID(c.Ctx, c.Q, id)
	return cl, AsApp(err, "client", id)
}

// ClientID resolves a client given by id or external id in a write's params; an
// unknown one is invalid (the write names it, it is not the object of the call).
func ClientID(c *Call, id int64, ext string) (int64, error) {
	if ext != "" {
		v, err := IDByExternal(c.Ctx, c.Q, "clients", ext)
		if err != nil {
			return 0, Invalid("client_external_id", "no client with external_id "+ext)
		}
		return v, nil
	}
	if id == 0 {
		return 0, ErrInvalidParams("client_id", "client_id or client_external_id is required")
	}
	if _, err := core.ClientByID(c.Ctx, c.Q, id); err != nil {
		return 0, Invalid("client_id", "no client "+strconv.FormatInt(id, 10))
	}
	return id, nil
}

// GroupID finds an invoice group by external id.
func GroupID(c *Call, ext string) (int64, error) {
	return IDByExternal(c.Ctx, c.Q, "invoice_groups", ext)
}

// IDByExternal finds a row's id by external id in one of the tables that carry one.
// table is always a constant of the caller, never input.
func IDByExternal(ctx context.Context, q core.Querier, table, ext string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM `+table+` WHERE external_id = ?`, strings.TrimSpace(ext)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, core.ErrNotFound
	}
	return id, err
}

// Ptr returns a pointer to a copy of v (optional fields of examples and results).
func Ptr[T any](v T) *T { return &v }
