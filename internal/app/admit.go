package app

import "github.com/gofiber/fiber/v2"

// admission lets at most cap(a) page reads run their handlers at once and makes the
// rest wait in arrival order.
//
// Without it, every request goes straight to the database pool, and database/sql
// hands a freed connection to a random waiter: under load a page making three queries
// draws that lottery three times, and the unlucky ones wait many times the average
// (p99 three to four times p50 in `make bench`). A channel's waiting senders are
// woken first come, first served, so a request waits once, in line, and the pool
// itself never has waiters when cap(a) is its size.
//
// Only GET and HEAD are admitted this way. Form posts and API calls are few, may hash
// a password for tens of milliseconds (which would hold a place from every reader),
// and their writes already queue on the single writer connection.
type admission chan struct{}

func newAdmission(n int) admission {
	return make(admission, max(n, 1))
}

func (a admission) handler(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead:
	default:
		return c.Next()
	}
	a <- struct{}{}
	defer func() { <-a }()
	return c.Next()
}
