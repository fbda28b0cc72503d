package requests

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
)

// showRequest shows one of the client's requests; another client's id answers 404.
func (m *Module) showRequest(c *fiber.Ctx) error {
	id, ok := parseID(c.Params("id"))
	if !ok {
		return fiber.ErrNotFound
	}
	r, err := RequestForClient(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c), id)
	if errors.Is(err, core.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplShow, "requests.show_title", r)
}

// parseID accepts only a plain positive decimal number that fits an int64.
func parseID(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int64(r-'0')
	}
	return n, n > 0
}
