package requests

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// showRequest shows one of the client's requests with the staff's replies and state
// changes; another client's id answers 404.
func (m *Module) showRequest(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	r, err := RequestForClient(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c), id)
	if errors.Is(err, core.ErrNotFound) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	events, err := Events(c.UserContext(), m.d.DB.R, r.ID, true)
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplShow, "requests.show_title", showData{Request: r, Events: events})
}

// showData is a request with the history its client sees (state changes and staff
// replies; never assignments).
type showData struct {
	Request
	Events []Event
}
