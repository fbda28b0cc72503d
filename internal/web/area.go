package web

import "github.com/gofiber/fiber/v2"

// Area says who a request is for. The app marks it from the modules' declared URL
// prefixes before any session or CSRF work, so platform code asks the request
// instead of matching paths.
type Area int

// The areas.
const (
	// Client routes need a logged-in subscriber (the default of the portal's pages).
	Client Area = iota
	// Public routes are reachable without login (login form, password links).
	Public
	// Staff routes belong to the staff console: staff sessions, its layout and menu.
	Staff
	// API routes authenticate every call themselves, carry no cookies and answer JSON.
	API
	// Asset routes serve theme files: no session of any kind.
	Asset
)

// MarkArea returns a handler that marks every request it sees as area a.
func (w *Web) MarkArea(a Area) fiber.Handler {
	return func(c *fiber.Ctx) error {
		w.state(c).area = a
		return c.Next()
	}
}

// AreaOf is the area the request was marked with (Client when unmarked).
func (w *Web) AreaOf(c *fiber.Ctx) Area { return w.state(c).area }
