package rpc

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/ispportal/portal/internal/core"
)

// The references and results several modules' methods share, so that every method
// names a client and reports a write the same way.

// ClientRef names a client by portal id or by the billing system's external id.
type ClientRef struct {
	ID         int64  `json:"id" validate:"required_without=ExternalID,gte=0" doc:"portal id of the client"`
	ExternalID string `json:"external_id" validate:"max=64" doc:"the billing system's id of the client"`
}

// ClientOnly names a client as the params of a method about one client.
type ClientOnly struct {
	ClientID         int64  `json:"client_id" validate:"required_without=ClientExternalID,gte=0"`
	ClientExternalID string `json:"client_external_id" validate:"max=64"`
}

// Saved is the result of an idempotent write: the row's id and whether it was new.
type Saved struct {
	ID      int64 `json:"id"`
	Created bool  `json:"created"`
}

// Deleted is the result of an idempotent delete.
type Deleted struct {
	Deleted bool `json:"deleted"`
}

// ClientOf loads the client ref names; an unknown one is a not-found call error.
func ClientOf(c *Call, ref ClientRef) (core.Client, error) {
	if ref.ID != 0 {
		cl, err := core.ClientByID(c.Ctx, c.Q, ref.ID)
		return cl, AsApp(err, "client", ref.ID)
	}
	id, err := clientByExternal(c.Ctx, c.Q, ref.ExternalID)
	if err != nil {
		return core.Client{}, AsApp(err, "client with external_id", ref.ExternalID)
	}
	cl, err := core.ClientByID(c.Ctx, c.Q, id)
	return cl, AsApp(err, "client", id)
}

// ClientID resolves the client a write refers to (external id wins); an unknown one
// is an invalid param, since the write itself is about something else.
func ClientID(c *Call, id int64, ext string) (int64, error) {
	if ext != "" {
		v, err := clientByExternal(c.Ctx, c.Q, ext)
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

func clientByExternal(ctx context.Context, q core.Querier, ext string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM clients WHERE external_id = ?`, strings.TrimSpace(ext)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, core.ErrNotFound
	}
	return id, err
}
