package admin

import (
	"errors"
	"strings"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// GroupFields are an invoice group (a supplier identity) as the billing system sends it.
type GroupFields struct {
	ExternalID     string `json:"external_id" validate:"required,max=64"`
	Name           string `json:"name" validate:"required,max=200"`
	SupplierName   string `json:"supplier_name" validate:"max=200"`
	Street         string `json:"street" validate:"max=200"`
	City           string `json:"city" validate:"max=100"`
	Postcode       string `json:"postcode" validate:"max=16"`
	Country        string `json:"country" validate:"max=2"`
	RegistrationNo string `json:"registration_no" validate:"max=32"`
	VATNo          string `json:"vat_no" validate:"max=32"`
	Phone          string `json:"phone" validate:"max=32"`
	Email          string `json:"email" validate:"omitempty,email,max=254"`
	Web            string `json:"web" validate:"omitempty,http_url,max=300"`
	BankAccount    string `json:"bank_account" validate:"max=64"`
	IBAN           string `json:"iban" validate:"max=34"`
	BIC            string `json:"bic" validate:"max=11"`
	Currency       string `json:"currency" validate:"omitempty,len=3" doc:"default CZK"`
}

// GroupOut is an invoice group as the API returns it.
type GroupOut struct {
	ID int64 `json:"id"`
	GroupFields
}

// GroupRef names an invoice group by id or external id.
type GroupRef struct {
	ID         int64  `json:"id" validate:"required_without=ExternalID,gte=0"`
	ExternalID string `json:"external_id" validate:"max=64"`
}

// GroupList is the return of invoiceGroups.list.
type GroupList struct {
	Groups []GroupOut `json:"invoice_groups"`
}

func groupOut(g core.InvoiceGroup) GroupOut {
	return GroupOut{ID: g.ID, GroupFields: GroupFields{ExternalID: g.ExternalID, Name: g.Name, SupplierName: g.SupplierName,
		Street: g.Street, City: g.City, Postcode: g.Postcode, Country: g.Country, RegistrationNo: g.RegistrationNo, VATNo: g.VATNo,
		Phone: g.Phone, Email: g.Email, Web: g.Web, BankAccount: g.BankAccount, IBAN: g.IBAN, BIC: g.BIC, Currency: g.Currency}}
}

var exGroup = GroupFields{ExternalID: "residential", Name: "Residential", SupplierName: "NetWave s.r.o.", Street: "Vinohradská 12",
	City: "Praha 2", Postcode: "120 00", Country: "CZ", RegistrationNo: "12345678", VATNo: "CZ12345678", Email: "podpora@netwave.example",
	BankAccount: "2400123456/2010", IBAN: "CZ6520100000002400123456", BIC: "FIOBCZPPXXX", Currency: "CZK"}

// groupMethods are the API methods of invoice groups (the console's groups).
func (m *Module) groupMethods() []*rpc.Method {
	return []*rpc.Method{
		rpc.Def("invoiceGroups.list", perm.GroupsRead, "Lists every invoice group by name.", struct{}{}, GroupList{[]GroupOut{{ID: 1, GroupFields: exGroup}}},
			func(c *rpc.Call, _ *struct{}) (GroupList, error) {
				list, err := core.Groups(c.Ctx, c.Q)
				out := GroupList{Groups: make([]GroupOut, 0, len(list))}
				for _, g := range list {
					out.Groups = append(out.Groups, groupOut(g))
				}
				return out, err
			}),
		rpc.Def("invoiceGroups.get", perm.GroupsRead, "Returns one invoice group.", GroupRef{ExternalID: "residential"}, GroupOut{ID: 1, GroupFields: exGroup},
			func(c *rpc.Call, p *GroupRef) (GroupOut, error) {
				id := p.ID
				if id == 0 {
					var err error
					if id, err = rpc.GroupID(c, p.ExternalID); err != nil {
						return GroupOut{}, rpc.AsApp(err, "invoice group with external_id", p.ExternalID)
					}
				}
				g, err := core.GroupByID(c.Ctx, c.Q, id)
				return groupOut(g), rpc.AsApp(err, "invoice group", id)
			}),
		rpc.Def("invoiceGroups.add", perm.GroupsWrite, "Creates an invoice group, or updates every field of the group with this external_id (idempotent).",
			exGroup, rpc.Saved{ID: 1, Created: true},
			func(c *rpc.Call, p *GroupFields) (rpc.Saved, error) {
				id, err := rpc.GroupID(c, p.ExternalID)
				created := errors.Is(err, core.ErrNotFound)
				if err != nil && !created {
					return rpc.Saved{}, err
				}
				g := core.InvoiceGroup{ID: id, ExternalID: strings.TrimSpace(p.ExternalID), Name: p.Name, SupplierName: p.SupplierName,
					Street: p.Street, City: p.City, Postcode: p.Postcode, Country: p.Country, RegistrationNo: p.RegistrationNo,
					VATNo: p.VATNo, Phone: p.Phone, Email: p.Email, Web: p.Web, BankAccount: p.BankAccount, IBAN: p.IBAN, BIC: p.BIC,
					Currency: p.Currency}
				if id, err = StoreGroup(c.Ctx, c.Tx, g, c.Now); err != nil {
					return rpc.Saved{}, rpc.FromService(err, "")
				}
				c.Audit(0, "invoice group external_id=%s created=%t", g.ExternalID, created)
				return rpc.Saved{ID: id, Created: created}, nil
			}),
	}
}
