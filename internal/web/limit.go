package web

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ulule/limiter/v3"
)

// Budgets several modules share, by name. Staff password attempts are one budget per
// address whether they come through the console's login form or the API's auth, so an
// attacker cannot double their guesses by using both doors.
const (
	StaffLoginBucket = "staff-login"
	StaffLoginRate   = 20 // attempts per address per minute
)

// Limiter is a named per-address budget (IPv6 per /64).
type Limiter struct {
	lim *limiter.Limiter
}

// Limiter returns the budget registered under name, creating it with limit requests
// per period on first use. Every caller of one name shares one budget; the first
// caller's numbers apply.
func (w *Web) Limiter(name string, count int64, period time.Duration) *Limiter {
	w.limitsMu.Lock()
	defer w.limitsMu.Unlock()
	l, ok := w.limits[name]
	if !ok {
		l = &limit{lim: limiter.New(w.LimitStore(name), limiter.Rate{Period: period, Limit: count})}
		w.limits[name] = l
	}
	return &Limiter{lim: l.lim}
}

// Take spends one request of ip's budget. It reports false, with how long to wait,
// when the budget is used up (or the store fails: then it fails closed).
func (l *Limiter) Take(ctx context.Context, ip string) (bool, time.Duration) {
	res, err := l.lim.Get(ctx, RateKey(ip))
	if err != nil {
		return false, time.Minute
	}
	if res.Reached {
		return false, max(time.Second, time.Until(time.Unix(res.Reset, 0)))
	}
	return true, 0
}

// LimitStore is the one place a limit's store is chosen: in this instance's memory, or
// shared by every instance through Redis (--redis) with a per-instance fallback while
// Redis is down (package ratelimit). prefix separates the keys of one limit.
func (w *Web) LimitStore(prefix string) limiter.Store {
	return w.limitStores.Store(prefix)
}

// CloseLimits closes the connections of shared limits (Redis), if any.
func (w *Web) CloseLimits() error { return w.limitStores.Close() }

type limit struct {
	lim *limiter.Limiter
}

// RateLimit returns a handler that allows each client address (IPv6 per /64) at most
// limit requests per period under the bucket name, answering 429 with Retry-After
// beyond it. The address comes from ClientIP, so a forged X-Forwarded-For changes
// nothing unless it came through a trusted proxy.
func (w *Web) RateLimit(name string, count int64, period time.Duration) fiber.Handler {
	l := w.Limiter(name, count, period)
	return func(c *fiber.Ctx) error {
		if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
			return c.Next()
		}
		ok, wait := l.Take(c.UserContext(), w.ClientIP(c))
		if !ok {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds()+0.5)))
			return fiber.NewError(fiber.StatusTooManyRequests)
		}
		return c.Next()
	}
}
