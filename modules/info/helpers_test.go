package info_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/info"
)

// world is a portal with two invoice groups and a client in each.
type world struct {
	env    *testkit.Env
	g1, g2 int64
	a, b   int64
	ctx    context.Context
	now    time.Time
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := testkit.New(t, info.New)
	w := &world{env: env, ctx: context.Background(), now: env.Clock.Now()}
	w.g1, w.g2 = env.AddGroup("Residential"), env.AddGroup("Business")
	w.a, w.b = env.AddClient("2001", w.g1), env.AddClient("2002", w.g2)
	return w
}

func (w *world) message(t *testing.T, m info.Message) int64 {
	t.Helper()
	var id int64
	w.env.Tx(func(tx *sql.Tx) error {
		var err error
		id, err = info.SaveMessage(w.ctx, tx, m, w.env.Clock.Now())
		return err
	})
	return id
}
