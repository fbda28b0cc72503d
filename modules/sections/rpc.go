package sections

import (
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// SectionsOut are a client's section states: each section → default, show or hide.
type SectionsOut struct {
	Sections map[string]string `json:"sections" doc:"every portal section: default (the settings decide), show or hide"`
}

// SetParams are sections.set's parameters: only the sections named change.
type SetParams struct {
	rpc.ClientOnly
	Sections map[string]string `json:"sections" validate:"required,max=50" doc:"section name → default, show or hide"`
}

func (m *Module) methods() []*rpc.Method {
	return rpc.Ordered(475,
		rpc.Def("sections.get", perm.ClientsRead, "Returns a client's Show/Hide overrides of the portal sections.",
			rpc.ClientOnly{ClientID: 7}, SectionsOut{map[string]string{"invoices": "default", "helpdesk": "show", "usage": "hide"}},
			func(c *rpc.Call, p *rpc.ClientOnly) (SectionsOut, error) {
				id, err := rpc.ClientID(c, p.ClientID, p.ClientExternalID)
				if err != nil {
					return SectionsOut{}, err
				}
				cl, err := rpc.ClientOf(c, rpc.ClientRef{ID: id})
				return SectionsOut{m.States(cl)}, err
			}),
		rpc.Def("sections.set", perm.SectionsWrite, "Forces portal sections shown or hidden for one client over the settings "+
			"(default: the settings decide again); sections not named keep their state.",
			SetParams{ClientOnly: rpc.ClientOnly{ClientID: 7}, Sections: map[string]string{"helpdesk": "show", "usage": "hide"}},
			SectionsOut{map[string]string{"invoices": "default", "helpdesk": "show", "usage": "hide"}},
			func(c *rpc.Call, p *SetParams) (SectionsOut, error) {
				id, err := rpc.ClientID(c, p.ClientID, p.ClientExternalID)
				if err != nil {
					return SectionsOut{}, err
				}
				detail, err := m.Set(c.Ctx, c.Tx, id, p.Sections)
				if err != nil {
					return SectionsOut{}, rpc.FromService(err, "")
				}
				c.Audit(id, "%s", detail)
				cl, err := rpc.ClientOf(c, rpc.ClientRef{ID: id})
				return SectionsOut{m.States(cl)}, err
			}),
	)
}
