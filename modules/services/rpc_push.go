package services

import (
	"strconv"

	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// ClientsPushParams carry many clients (and their services) in one call.
type ClientsPushParams struct {
	Clients []ClientPushItem `json:"clients" validate:"required,min=1,max=1000,dive"`
}

// ClientPushItem is one client of clients.push with its services.
type ClientPushItem struct {
	rpc.ClientFields
	Services []ServiceFields `json:"services" validate:"max=100,dive" doc:"the client's services, upserted by external_id; client_id/client_external_id may be left out"`
}

// PushResult counts what a bulk write did.
type PushResult struct {
	Created int     `json:"created"`
	Updated int     `json:"updated"`
	IDs     []int64 `json:"ids" doc:"portal ids in the order of the input"`
}

// pushMethod is clients.push: the billing system's resync of clients with their
// services, declared here because it writes services; the clients go through the same
// upsert as the console's clients.add. It is the 10th method of the reference.
func (m *Module) pushMethod() *rpc.Method {
	meth := rpc.Def("clients.push", perm.ClientsWrite, "Creates or updates up to 1000 clients, each with its services, in one transaction (idempotent on external_id). "+
		"Any invalid client fails the whole call and nothing is stored.",
		ClientsPushParams{Clients: []ClientPushItem{{ClientFields: rpc.ExClient, Services: []ServiceFields{ExServicePush}}}},
		PushResult{Created: 1, IDs: []int64{42}},
		func(c *rpc.Call, p *ClientsPushParams) (PushResult, error) {
			out := PushResult{IDs: make([]int64, 0, len(p.Clients))}
			pushed := 0
			for i, item := range p.Clients {
				at := "clients[" + strconv.Itoa(i) + "]."
				s, err := rpc.UpsertClient(c, m.d.Settings, item.ClientFields, at)
				if err != nil {
					return out, err
				}
				if s.Created {
					out.Created++
				} else {
					out.Updated++
				}
				out.IDs = append(out.IDs, s.ID)
				for j, sv := range item.Services {
					sv.ClientID, sv.ClientExternalID = s.ID, ""
					if _, err := UpsertService(c, sv, at+"services["+strconv.Itoa(j)+"]."); err != nil {
						return out, err
					}
					pushed++
				}
			}
			c.Audit(0, "clients created=%d updated=%d services=%d", out.Created, out.Updated, pushed)
			return out, nil
		})
	meth.Order = 100
	return meth
}
