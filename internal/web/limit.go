package web

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ulule/limiter/v3"
	"github.com/ulule/limiter/v3/drivers/store/memory"
)

type limit struct {
	lim *limiter.Limiter
}

// RateLimit returns a handler that allows each client address (IPv6 per /64) at most
// limit requests per period under the bucket name, answering 429 with Retry-After
// beyond it. The address comes from ClientIP, so a forged X-Forwarded-For changes
// nothing unless it came through a trusted proxy.
func (w *Web) RateLimit(name string, count int64, period time.Duration) fiber.Handler {
	w.limitsMu.Lock()
	defer w.limitsMu.Unlock()
	l, ok := w.limits[name]
	if !ok {
		l = &limit{lim: limiter.New(memory.NewStoreWithOptions(limiter.StoreOptions{Prefix: name, CleanUpInterval: time.Minute}),
			limiter.Rate{Period: period, Limit: count})}
		w.limits[name] = l
	}
	return func(c *fiber.Ctx) error {
		if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
			return c.Next()
		}
		res, err := l.lim.Get(c.UserContext(), RateKey(w.ClientIP(c)))
		if err != nil {
			// The memory store does not fail; if it ever does, fail closed.
			return fiber.NewError(fiber.StatusTooManyRequests)
		}
		if res.Reached {
			wait := time.Until(time.Unix(res.Reset, 0))
			if wait < time.Second {
				wait = time.Second
			}
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds()+0.5)))
			return fiber.NewError(fiber.StatusTooManyRequests)
		}
		return c.Next()
	}
}
