package admin

import (
	"context"
	"database/sql"
	"strings"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/web"
)

// ClientOut is a client as the API returns it.
type ClientOut struct {
	ID             int64  `json:"id"`
	ExternalID     string `json:"external_id"`
	Number         string `json:"number"`
	Username       string `json:"username"`
	InvoiceGroupID int64  `json:"invoice_group_id"`
	Name           string `json:"name"`
	IsBusiness     bool   `json:"is_business"`
	Company        string `json:"company"`
	RegistrationNo string `json:"registration_no"`
	VATNo          string `json:"vat_no"`
	Email          string `json:"email"`
	Phone          string `json:"phone"`
	Mobile         string `json:"mobile"`
	Street         string `json:"street"`
	City           string `json:"city"`
	Postcode       string `json:"postcode"`
	Country        string `json:"country"`
	InvStreet      string `json:"inv_street"`
	InvCity        string `json:"inv_city"`
	InvPostcode    string `json:"inv_postcode"`
	InvCountry     string `json:"inv_country"`
	Language       string `json:"language"`
	Active         bool   `json:"active"`
}

func clientOut(c core.Client) ClientOut {
	return ClientOut{ID: c.ID, ExternalID: c.ExternalID, Number: c.Number, Username: c.Username, InvoiceGroupID: c.InvoiceGroupID,
		Name: c.Name, IsBusiness: c.IsBusiness, Company: c.Company, RegistrationNo: c.RegistrationNo, VATNo: c.VATNo,
		Email: c.Email, Phone: c.Phone, Mobile: c.Mobile, Street: c.Street, City: c.City, Postcode: c.Postcode, Country: c.Country,
		InvStreet: c.InvStreet, InvCity: c.InvCity, InvPostcode: c.InvPostcode, InvCountry: c.InvCountry, Language: c.Language,
		Active: c.Active}
}

var exClientOut = ClientOut{ID: 42, ExternalID: "CRM-000123", Number: "100123", InvoiceGroupID: 1, Name: "Jana Nováková",
	Email: "jana@example.net", Mobile: "+420 777 123 456", Street: "Korunní 5", City: "Praha", Postcode: "120 00", Country: "CZ",
	Language: "cs", Active: true}

// ClientListParams filter clients.list.
type ClientListParams struct {
	Query          string `json:"query" validate:"max=100" doc:"matches number, username, name, company, e-mail, phone"`
	InvoiceGroupID int64  `json:"invoice_group_id" validate:"gte=0"`
	Limit          int    `json:"limit" validate:"gte=0,lte=500" doc:"default 50"`
	Offset         int    `json:"offset" validate:"gte=0"`
}

// ClientEditParams change some fields of a client; fields left out keep their value.
type ClientEditParams struct {
	rpc.ClientRef
	Number         *string `json:"number" validate:"omitempty,min=1,max=32" doc:"not another client's number or username"`
	Username       *string `json:"username" validate:"omitempty,max=64" doc:"not another client's number or username (in any case); a new one only while ci_enable_login_name_creation is on; empty removes it"`
	InvoiceGroupID *int64  `json:"invoice_group_id" validate:"omitempty,gte=0" doc:"0 removes the group"`
	Name           *string `json:"name" validate:"omitempty,min=1,max=200"`
	IsBusiness     *bool   `json:"is_business"`
	Company        *string `json:"company" validate:"omitempty,max=200"`
	RegistrationNo *string `json:"registration_no" validate:"omitempty,max=32"`
	VATNo          *string `json:"vat_no" validate:"omitempty,max=32"`
	Email          *string `json:"email" validate:"omitempty,max=254"`
	Phone          *string `json:"phone" validate:"omitempty,max=32"`
	Mobile         *string `json:"mobile" validate:"omitempty,max=32"`
	Street         *string `json:"street" validate:"omitempty,max=200"`
	City           *string `json:"city" validate:"omitempty,max=100"`
	Postcode       *string `json:"postcode" validate:"omitempty,max=16"`
	Country        *string `json:"country" validate:"omitempty,max=2"`
	InvStreet      *string `json:"inv_street" validate:"omitempty,max=200"`
	InvCity        *string `json:"inv_city" validate:"omitempty,max=100"`
	InvPostcode    *string `json:"inv_postcode" validate:"omitempty,max=16"`
	InvCountry     *string `json:"inv_country" validate:"omitempty,max=2"`
	Language       *string `json:"language" validate:"omitempty,oneof=en cs"`
	Active         *bool   `json:"active"`
}

// ClientList is the return of clients.list.
type ClientList struct {
	Clients []ClientOut `json:"clients"`
}

// ActiveState says whether a row is active after a call.
type ActiveState struct {
	ID     int64 `json:"id"`
	Active bool  `json:"active"`
}

// clientMethods are the API methods of clients, the console's client search domain,
// from the 3rd method of the reference (docs/api.md); clients.push is declared by
// services, which owns what it writes besides clients.
func (m *Module) clientMethods() []*rpc.Method {
	return rpc.Ordered(30,
		rpc.Def("clients.list", perm.ClientsRead, "Lists clients, ordered by number.",
			ClientListParams{Query: "nováková", Limit: 50},
			ClientList{[]ClientOut{exClientOut}},
			func(c *rpc.Call, p *ClientListParams) (ClientList, error) {
				var out ClientList
				list, err := core.SearchClients(c.Ctx, c.Q, core.ClientFilter{Query: p.Query, Group: p.InvoiceGroupID, Limit: p.Limit, Offset: p.Offset,
					Indexed: core.IndexedOn(m.d.DB.Dialect)})
				if err != nil {
					return out, err
				}
				out.Clients = make([]ClientOut, 0, len(list))
				for _, cl := range list {
					out.Clients = append(out.Clients, clientOut(cl))
				}
				return out, nil
			}),
		rpc.Def("clients.get", perm.ClientsRead, "Returns one client.",
			rpc.ClientRef{ExternalID: "CRM-000123"}, exClientOut,
			func(c *rpc.Call, p *rpc.ClientRef) (ClientOut, error) {
				cl, err := rpc.ClientOf(c, *p)
				return clientOut(cl), err
			}),
		rpc.Def("clients.add", perm.ClientsWrite, "Creates a client, or updates every field of the client with this external_id (idempotent).",
			rpc.ExClient, rpc.Saved{ID: 42, Created: true},
			func(c *rpc.Call, p *rpc.ClientFields) (rpc.Saved, error) {
				s, err := rpc.UpsertClient(c, m.d.Settings, *p, "")
				if err == nil {
					c.Audit(s.ID, "external_id=%s created=%t", p.ExternalID, s.Created)
				}
				return s, err
			}),
		rpc.Def("clients.edit", perm.ClientsWrite, "Changes the given fields of a client; fields left out keep their value.",
			ClientEditParams{ClientRef: rpc.ClientRef{ExternalID: "CRM-000123"}, Email: rpc.Ptr("jana.novakova@example.net")},
			exClientOut,
			func(c *rpc.Call, p *ClientEditParams) (ClientOut, error) {
				// An empty e-mail clears it; anything else must be an address.
				if p.Email != nil && *p.Email != "" && rpc.Validate.Var(*p.Email, "email") != nil {
					return ClientOut{}, rpc.ErrInvalidParams("email", "must be an e-mail address")
				}
				cl, err := rpc.ClientOf(c, p.ClientRef)
				if err != nil {
					return ClientOut{}, err
				}
				var changed []string
				set := func(name string, dst *string, v *string) {
					if v != nil {
						*dst = strings.TrimSpace(*v)
						changed = append(changed, name)
					}
				}
				set("number", &cl.Number, p.Number)
				set("username", &cl.Username, p.Username)
				set("name", &cl.Name, p.Name)
				set("company", &cl.Company, p.Company)
				set("registration_no", &cl.RegistrationNo, p.RegistrationNo)
				set("vat_no", &cl.VATNo, p.VATNo)
				set("email", &cl.Email, p.Email)
				set("phone", &cl.Phone, p.Phone)
				set("mobile", &cl.Mobile, p.Mobile)
				set("street", &cl.Street, p.Street)
				set("city", &cl.City, p.City)
				set("postcode", &cl.Postcode, p.Postcode)
				set("country", &cl.Country, p.Country)
				set("inv_street", &cl.InvStreet, p.InvStreet)
				set("inv_city", &cl.InvCity, p.InvCity)
				set("inv_postcode", &cl.InvPostcode, p.InvPostcode)
				set("inv_country", &cl.InvCountry, p.InvCountry)
				set("language", &cl.Language, p.Language)
				if p.IsBusiness != nil {
					cl.IsBusiness = *p.IsBusiness
					changed = append(changed, "is_business")
				}
				if p.Active != nil {
					cl.Active = *p.Active
					changed = append(changed, "active")
				}
				if p.InvoiceGroupID != nil {
					if *p.InvoiceGroupID != 0 {
						if _, err := core.GroupByID(c.Ctx, c.Q, *p.InvoiceGroupID); err != nil {
							return ClientOut{}, rpc.AsApp(err, "invoice group", *p.InvoiceGroupID)
						}
					}
					cl.InvoiceGroupID = *p.InvoiceGroupID
					changed = append(changed, "invoice_group_id")
				}
				if _, err := rpc.StoreClient(c.Ctx, c.Tx, m.d.Settings, cl, 0, c.Now); err != nil {
					return ClientOut{}, rpc.ClientError(err, "")
				}
				c.Audit(cl.ID, "changed %s", strings.Join(changed, ", "))
				return clientOut(cl), nil
			}),
		rpc.Def("clients.deactivate", perm.ClientsWrite, "Marks a client inactive: they can no longer log in and their portal sessions end. Their data stays.",
			rpc.ClientRef{ExternalID: "CRM-000123"}, ActiveState{ID: 42, Active: false},
			func(c *rpc.Call, p *rpc.ClientRef) (ActiveState, error) {
				var out ActiveState
				cl, err := rpc.ClientOf(c, *p)
				if err != nil {
					return out, err
				}
				cl.Active = false
				if _, err := core.SaveClient(c.Ctx, c.Tx, cl, core.Now(c.Now)); err != nil {
					return out, err
				}
				if err := web.EndClientSessions(c.Ctx, c.Tx, cl.ID, ""); err != nil {
					return out, err
				}
				c.Audit(cl.ID, "deactivated")
				out.ID = cl.ID
				return out, nil
			}),
		rpc.Def("clients.activate", perm.ClientsWrite, "Marks a client active again, the reverse of clients.deactivate: they can log in with their password again.",
			rpc.ClientRef{ExternalID: "CRM-000123"}, ActiveState{ID: 42, Active: true},
			func(c *rpc.Call, p *rpc.ClientRef) (ActiveState, error) {
				var out ActiveState
				cl, err := rpc.ClientOf(c, *p)
				if err != nil {
					return out, err
				}
				cl.Active, cl.InactiveReason = true, "" // the reason staff gave no longer holds
				if _, err := core.SaveClient(c.Ctx, c.Tx, cl, core.Now(c.Now)); err != nil {
					return out, err
				}
				c.Audit(cl.ID, "activated")
				return ActiveState{ID: cl.ID, Active: true}, nil
			}),
		rpc.Def("clients.delete", perm.ClientsWrite, "Deletes a client and everything the portal holds for them (services with their traffic, invoices, payments, documents, consents); "+
			"helpdesk tickets stay with staff, without a client, and the audit log keeps the client's history. The id is never given to another client. "+
			"Deleting a client that is already gone succeeds with deleted false.",
			rpc.ClientRef{ExternalID: "CRM-000123"}, rpc.Deleted{Deleted: true},
			func(c *rpc.Call, p *rpc.ClientRef) (rpc.Deleted, error) {
				var out rpc.Deleted
				cl, err := rpc.ClientOf(c, *p)
				if _, nf := err.(*rpc.AppError); nf {
					// Idempotent: a resync that deletes twice is not an error.
					c.Message("client already absent")
					return out, nil
				}
				if err != nil {
					return out, err
				}
				if err := web.EndClientSessions(c.Ctx, c.Tx, cl.ID, ""); err != nil {
					return out, err
				}
				// The modules whose data the cascade from clients does not reach
				// (services: traffic) delete it first.
				for _, del := range m.clientDeleting() {
					if err := del(c.Ctx, c.Tx, cl.ID); err != nil {
						return out, err
					}
				}
				if _, err := c.Tx.ExecContext(c.Ctx, `DELETE FROM clients WHERE id = ?`, cl.ID); err != nil {
					return out, err
				}
				c.Audit(cl.ID, "deleted number=%s external_id=%s", cl.Number, cl.ExternalID)
				out.Deleted = true
				return out, nil
			}),
	)
}

// clientDeleting are the hooks of the modules that delete their data with a client;
// none in a bare Deps.
func (m *Module) clientDeleting() []func(ctx context.Context, tx *sql.Tx, clientID int64) error {
	if m.d.Hooks == nil {
		return nil
	}
	return m.d.Hooks.ClientDeleting
}
