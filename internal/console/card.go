package console

import (
	"html/template"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// CardData is what a list section of the client card renders: the client, its rows,
// and whether the staff member may use the section's form.
type CardData[T any] struct {
	Client core.Client
	List   []T
	Can    bool
}

// ListCard is a client card section that lists the client's rows with the template
// tpl (which sees CardData as .Data), shown to roles allowed read. write is the
// action of the section's form ("" for a section without one).
func ListCard[T any](w *web.Web, name string, order int, read, write perm.Action, tpl string,
	load func(c *fiber.Ctx, cl core.Client) ([]T, error)) app.CardSection {
	return app.CardSection{Name: name, Order: order, Action: read,
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			list, err := load(c, cl)
			if err != nil {
				return "", err
			}
			return w.Partial(c, tpl, CardData[T]{Client: cl, List: list, Can: write != "" && Can(w, c, write)}, errs)
		}}
}

// Get and Post declare a console page below /admin that needs act.
func Get(path string, act perm.Action, h fiber.Handler) app.StaffPage {
	return app.StaffPage{Method: fiber.MethodGet, Path: path, Action: act, Handler: h}
}

// Post declares a console form target below /admin that needs act.
func Post(path string, act perm.Action, h fiber.Handler) app.StaffPage {
	return app.StaffPage{Method: fiber.MethodPost, Path: path, Action: act, Handler: h}
}

// Menu puts a GET page into the console menu under the label key, at order.
func Menu(p app.StaffPage, key string, order int) app.StaffPage {
	p.Menu = app.MenuEntry{Key: key, Order: order}
	return p
}
