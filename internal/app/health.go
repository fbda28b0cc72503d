package app

import (
	"context"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthEvery is how long a /healthz answer is reused. The probe commits a write (an
// fsync), so a flood of health checks must not keep the single writer busy.
const healthEvery = time.Second

// health answers /healthz: 200 "ok" while the database answers reads and can take
// writes (db.Writable: a committed write and room to grow), 503 otherwise. The
// reason is logged when the state changes, never sent: it can name server paths.
type health struct {
	mu  sync.Mutex
	at  time.Time
	err error
}

func (h *health) handler(d Deps) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if err := h.check(c.UserContext(), d); err != nil {
			c.Set(fiber.HeaderRetryAfter, "30")
			return c.Status(fiber.StatusServiceUnavailable).SendString("database unavailable")
		}
		return c.SendString("ok")
	}
}

func (h *health) check(ctx context.Context, d Deps) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := d.Now()
	if !h.at.IsZero() && now.Sub(h.at) < healthEvery && now.Sub(h.at) >= 0 {
		return h.err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	err := d.DB.Ping(ctx)
	if err == nil {
		err = d.DB.Writable(ctx)
	}
	switch {
	case err != nil && h.err == nil:
		d.Log.Error("app.health: database cannot take writes", "err", err)
	case err == nil && h.err != nil:
		d.Log.Info("app.health: database takes writes again")
	}
	h.at, h.err = now, err
	return err
}
