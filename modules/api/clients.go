package api

import (
	"errors"
	"strings"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/modules/auth"
	"github.com/ispportal/portal/modules/services"
)

// ClientFields are a client's data as the billing system sends it.
type ClientFields struct {
	ExternalID string `json:"external_id" validate:"required,max=64" doc:"the billing system's id; the key of idempotent writes"`
	Number     string `json:"number" validate:"required,max=32" doc:"client number, the login name of the portal; not another client's number or username"`
	Username   string `json:"username" validate:"max=64" doc:"optional custom login name, not another client's number or username (in any case); a new one only while ci_enable_login_name_creation is on (a username the client already has is kept whatever the setting)"`
	// The group may be named either way; external id wins when both are given.
	InvoiceGroupID         int64  `json:"invoice_group_id" validate:"gte=0" doc:"portal id of the invoice group"`
	InvoiceGroupExternalID string `json:"invoice_group_external_id" validate:"max=64" doc:"external id of the invoice group"`
	Name                   string `json:"name" validate:"required,max=200"`
	IsBusiness             bool   `json:"is_business"`
	Company                string `json:"company" validate:"max=200"`
	RegistrationNo         string `json:"registration_no" validate:"max=32"`
	VATNo                  string `json:"vat_no" validate:"max=32"`
	Email                  string `json:"email" validate:"omitempty,email,max=254"`
	Phone                  string `json:"phone" validate:"max=32"`
	Mobile                 string `json:"mobile" validate:"max=32"`
	Street                 string `json:"street" validate:"max=200"`
	City                   string `json:"city" validate:"max=100"`
	Postcode               string `json:"postcode" validate:"max=16"`
	Country                string `json:"country" validate:"max=2" doc:"ISO 3166 alpha-2 code"`
	InvStreet              string `json:"inv_street" validate:"max=200" doc:"invoice address"`
	InvCity                string `json:"inv_city" validate:"max=100"`
	InvPostcode            string `json:"inv_postcode" validate:"max=16"`
	InvCountry             string `json:"inv_country" validate:"max=2"`
	Language               string `json:"language" validate:"omitempty,oneof=en cs" doc:"preferred portal language; empty: the browser's"`
	Active                 *bool  `json:"active" doc:"default true"`
}

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

var exClient = ClientFields{ExternalID: "CRM-000123", Number: "100123", Name: "Jana Nováková", InvoiceGroupExternalID: "residential",
	Email: "jana@example.net", Mobile: "+420 777 123 456", Street: "Korunní 5", City: "Praha", Postcode: "120 00", Country: "CZ",
	Language: "cs"}

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
	ClientRef
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

// ClientsPushParams carry many clients (and their services) in one call.
type ClientsPushParams struct {
	Clients []ClientPushItem `json:"clients" validate:"required,min=1,max=1000,dive"`
}

// ClientPushItem is one client of clients.push with its services.
type ClientPushItem struct {
	ClientFields
	Services []services.ServiceFields `json:"services" validate:"max=100,dive" doc:"the client's services, upserted by external_id; client_id/client_external_id may be left out"`
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

// PushResult counts what a bulk write did.
type PushResult struct {
	Created int     `json:"created"`
	Updated int     `json:"updated"`
	IDs     []int64 `json:"ids" doc:"portal ids in the order of the input"`
}

func (m *Module) clientMethods() []*rpc.Method {
	return []*rpc.Method{
		rpc.Def("clients.list", perm.ClientsRead, "Lists clients, ordered by number.",
			ClientListParams{Query: "nováková", Limit: 50},
			ClientList{[]ClientOut{exClientOut}},
			func(c *rpc.Call, p *ClientListParams) (ClientList, error) {
				var out ClientList
				list, err := core.SearchClients(c.Ctx, c.Q, core.ClientFilter{Query: p.Query, Group: p.InvoiceGroupID, Limit: p.Limit, Offset: p.Offset})
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
			ClientRef{ExternalID: "CRM-000123"}, exClientOut,
			func(c *rpc.Call, p *ClientRef) (ClientOut, error) {
				cl, err := client(c, *p)
				return clientOut(cl), err
			}),
		rpc.Def("clients.add", perm.ClientsWrite, "Creates a client, or updates every field of the client with this external_id (idempotent).",
			exClient, Saved{ID: 42, Created: true},
			func(c *rpc.Call, p *ClientFields) (Saved, error) {
				s, err := m.upsertClient(c, *p, "")
				if err == nil {
					c.Audit(s.ID, "external_id=%s created=%t", p.ExternalID, s.Created)
				}
				return s, err
			}),
		rpc.Def("clients.edit", perm.ClientsWrite, "Changes the given fields of a client; fields left out keep their value.",
			ClientEditParams{ClientRef: ClientRef{ExternalID: "CRM-000123"}, Email: ptr("jana.novakova@example.net")},
			exClientOut,
			func(c *rpc.Call, p *ClientEditParams) (ClientOut, error) {
				// An empty e-mail clears it; anything else must be an address.
				if p.Email != nil && *p.Email != "" && rpc.Validate.Var(*p.Email, "email") != nil {
					return ClientOut{}, rpc.ErrInvalidParams("email", "must be an e-mail address")
				}
				cl, err := client(c, p.ClientRef)
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
				if p.Username != nil {
					if err := auth.CheckUsername(m.d.Settings, cl.Username, *p.Username); err != nil {
						return ClientOut{}, rpc.Invalid("username", err.Error())
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
				if err := checkUnique(c, cl); err != nil {
					return ClientOut{}, err
				}
				if _, err := core.SaveClient(c.Ctx, c.Tx, cl, core.Now(c.Now)); err != nil {
					return ClientOut{}, err
				}
				if p.Active != nil && !*p.Active {
					if err := web.EndClientSessions(c.Ctx, c.Tx, cl.ID, ""); err != nil {
						return ClientOut{}, err
					}
				}
				c.Audit(cl.ID, "changed %s", strings.Join(changed, ", "))
				return clientOut(cl), nil
			}),
		rpc.Def("clients.deactivate", perm.ClientsWrite, "Marks a client inactive: they can no longer log in and their portal sessions end. Their data stays.",
			ClientRef{ExternalID: "CRM-000123"}, ActiveState{42, false},
			func(c *rpc.Call, p *ClientRef) (ActiveState, error) {
				var out ActiveState
				cl, err := client(c, *p)
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
			ClientRef{ExternalID: "CRM-000123"}, ActiveState{42, true},
			func(c *rpc.Call, p *ClientRef) (ActiveState, error) {
				var out ActiveState
				cl, err := client(c, *p)
				if err != nil {
					return out, err
				}
				cl.Active = true
				if _, err := core.SaveClient(c.Ctx, c.Tx, cl, core.Now(c.Now)); err != nil {
					return out, err
				}
				c.Audit(cl.ID, "activated")
				return ActiveState{ID: cl.ID, Active: true}, nil
			}),
		rpc.Def("clients.delete", perm.ClientsWrite, "Deletes a client and everything the portal holds for them (services with their traffic, invoices, payments, documents, consents); "+
			"helpdesk tickets stay with staff, without a client, and the audit log keeps the client's history. The id is never given to another client. "+
			"Deleting a client that is already gone succeeds with deleted false.",
			ClientRef{ExternalID: "CRM-000123"}, Deleted{true},
			func(c *rpc.Call, p *ClientRef) (Deleted, error) {
				var out Deleted
				cl, err := client(c, *p)
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
				if err := services.DeleteClientServices(c.Ctx, c.Tx, cl.ID); err != nil {
					return out, err
				}
				if _, err := c.Tx.ExecContext(c.Ctx, `DELETE FROM clients WHERE id = ?`, cl.ID); err != nil {
					return out, err
				}
				c.Audit(cl.ID, "deleted number=%s external_id=%s", cl.Number, cl.ExternalID)
				out.Deleted = true
				return out, nil
			}),
		rpc.Def("clients.push", perm.ClientsWrite, "Creates or updates up to 1000 clients, each with its services, in one transaction (idempotent on external_id). "+
			"Any invalid client fails the whole call and nothing is stored.",
			ClientsPushParams{Clients: []ClientPushItem{{ClientFields: exClient, Services: []services.ServiceFields{services.ExServicePush}}}},
			PushResult{Created: 1, IDs: []int64{42}},
			func(c *rpc.Call, p *ClientsPushParams) (PushResult, error) {
				out := PushResult{IDs: make([]int64, 0, len(p.Clients))}
				pushed := 0
				for i, item := range p.Clients {
					s, err := m.upsertClient(c, item.ClientFields, "clients["+itoa(i)+"].")
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
						if _, err := services.UpsertService(c, sv, "clients["+itoa(i)+"].services["+itoa(j)+"]."); err != nil {
							return out, err
						}
						pushed++
					}
				}
				c.Audit(0, "clients created=%d updated=%d services=%d", out.Created, out.Updated, pushed)
				return out, nil
			}),
	}
}

// upsertClient stores a client by external id; prefix is the field path of the item
// in a bulk call, for messages.
func (m *Module) upsertClient(c *rpc.Call, f ClientFields, prefix string) (Saved, error) {
	cl := core.Client{ExternalID: strings.TrimSpace(f.ExternalID), Number: strings.TrimSpace(f.Number), Username: strings.TrimSpace(f.Username),
		InvoiceGroupID: f.InvoiceGroupID, Name: strings.TrimSpace(f.Name), IsBusiness: f.IsBusiness, Company: f.Company,
		RegistrationNo: f.RegistrationNo, VATNo: f.VATNo, Email: strings.TrimSpace(f.Email), Phone: f.Phone, Mobile: f.Mobile,
		Street: f.Street, City: f.City, Postcode: f.Postcode, Country: f.Country, InvStreet: f.InvStreet, InvCity: f.InvCity,
		InvPostcode: f.InvPostcode, InvCountry: f.InvCountry, Language: f.Language, Active: f.Active == nil || *f.Active}
	if f.InvoiceGroupExternalID != "" {
		gid, err := groupID(c, f.InvoiceGroupExternalID)
		if err != nil {
			return Saved{}, rpc.Invalid(prefix+"invoice_group_external_id", "no invoice group with external_id "+f.InvoiceGroupExternalID)
		}
		cl.InvoiceGroupID = gid
	} else if cl.InvoiceGroupID != 0 {
		if _, err := core.GroupByID(c.Ctx, c.Q, cl.InvoiceGroupID); err != nil {
			return Saved{}, rpc.Invalid(prefix+"invoice_group_id", "no invoice group "+itoa64(cl.InvoiceGroupID))
		}
	}
	id, err := idByExternal(c.Ctx, c.Q, "clients", cl.ExternalID)
	created := errors.Is(err, core.ErrNotFound)
	if err != nil && !created {
		return Saved{}, err
	}
	cl.ID = id
	if err := m.checkUsername(c, cl, created, prefix); err != nil {
		return Saved{}, err
	}
	if err := checkUniqueAt(c, cl, prefix); err != nil {
		return Saved{}, err
	}
	id, err = core.SaveClient(c.Ctx, c.Tx, cl, core.Now(c.Now))
	if err != nil {
		return Saved{}, err
	}
	if !cl.Active && !created {
		if err := web.EndClientSessions(c.Ctx, c.Tx, id, ""); err != nil {
			return Saved{}, err
		}
	}
	return Saved{ID: id, Created: created}, nil
}

// checkUsername refuses a username the client does not have yet while
// ci_enable_login_name_creation is off (see auth.CheckUsername).
func (m *Module) checkUsername(c *rpc.Call, cl core.Client, created bool, prefix string) error {
	if cl.Username == "" {
		return nil
	}
	old := ""
	if !created {
		prev, err := core.ClientByID(c.Ctx, c.Q, cl.ID)
		if err != nil {
			return err
		}
		old = prev.Username
	}
	if err := auth.CheckUsername(m.d.Settings, old, cl.Username); err != nil {
		return rpc.Invalid(prefix+"username", err.Error())
	}
	return nil
}

func checkUnique(c *rpc.Call, cl core.Client) error { return checkUniqueAt(c, cl, "") }

// checkUniqueAt refuses a client number or username that is another client's number
// or username (core.CheckLoginNames), with a conflict naming the field by its request
// path (prefix is the item's path in a bulk call), instead of a constraint error.
func checkUniqueAt(c *rpc.Call, cl core.Client, prefix string) error {
	err := core.CheckLoginNames(c.Ctx, c.Q, cl)
	var taken *core.LoginNameTakenError
	if errors.As(err, &taken) {
		return rpc.Conflict(prefix+taken.Field, taken.Error())
	}
	return err
}
