package admin

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

// clientsData is the client search page.
type clientsData struct {
	Q                string
	Clients          []core.Client
	Page             int
	PrevURL, NextURL string
	CanWrite         bool // may create a client by hand
}

// showClients renders GET /admin/clients?q=&page=: search by client number, username,
// name, company, e-mail or phone.
func (m *Module) showClients(c *fiber.Ctx) error {
	d := clientsData{Q: strings.TrimSpace(c.Query("q")), Page: pageParam(c)}
	if len(d.Q) > 200 {
		d.Q = d.Q[:200]
	}
	list, err := core.SearchClients(c.UserContext(), m.d.DB.R, core.ClientFilter{Query: d.Q, Limit: perPage + 1,
		Offset: (d.Page - 1) * perPage, Indexed: core.IndexedOn(m.d.DB.Dialect)})
	if err != nil {
		return err
	}
	d.PrevURL, d.NextURL = pageLinks(c, d.Page, len(list) > perPage)
	if len(list) > perPage {
		list = list[:perPage]
	}
	d.Clients = list
	d.CanWrite = m.can(c, perm.ClientsWrite)
	return m.d.Web.Show(c, tplClients, "admin.clients.title", d)
}
