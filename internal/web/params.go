package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/core"
)

// IDParam reads the route parameter name as a row id (core.ParseID). Anything that
// is not the canonical id answers 404, like an id of a row that does not exist or is
// not the caller's, so a probe learns nothing from the spelling.
func IDParam(c *fiber.Ctx, name string) (int64, error) {
	id, ok := core.ParseID(c.Params(name))
	if !ok {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}
