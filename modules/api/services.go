package api

import (
	"errors"
	"strings"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/services"
)

// TariffFields are a tariff as the billing system sends it.
type TariffFields struct {
	ExternalID  string `json:"external_id" validate:"required,max=64"`
	Name        string `json:"name" validate:"required,max=200"`
	Kind        string `json:"kind" validate:"required,oneof=internet tv voip other"`
	Price       int64  `json:"price" validate:"gte=0,money" doc:"per month, in minor units (haléř, cent)"`
	Currency    string `json:"currency" validate:"omitempty,len=3" doc:"default CZK"`
	DownKbit    int64  `json:"down_kbit" validate:"gte=0"`
	UpKbit      int64  `json:"up_kbit" validate:"gte=0"`
	HideTraffic bool   `json:"hide_traffic" doc:"do not show transferred data and FUP in the portal"`
	FUPLimit    int64  `json:"fup_limit" validate:"gte=0" doc:"bytes per fup_period before the speed drops; 0: no FUP"`
	FUPPeriod   string `json:"fup_period" validate:"omitempty,oneof=day week month"`
	FUPDownKbit int64  `json:"fup_down_kbit" validate:"gte=0"`
	FUPUpKbit   int64  `json:"fup_up_kbit" validate:"gte=0"`
}

// TariffOut is a tariff as the API returns it.
type TariffOut struct {
	ID int64 `json:"id"`
	TariffFields
}

func tariffOut(t services.Tariff) TariffOut {
	return TariffOut{ID: t.ID, TariffFields: TariffFields{ExternalID: t.ExternalID, Name: t.Name, Kind: t.Kind, Price: t.Price,
		Currency: t.Currency, DownKbit: t.DownKbit, UpKbit: t.UpKbit, HideTraffic: t.HideTraffic, FUPLimit: t.FUPLimit,
		FUPPeriod: t.FUPPeriod, FUPDownKbit: t.FUPDownKbit, FUPUpKbit: t.FUPUpKbit}}
}

// TariffRef names a tariff by id or external id.
type TariffRef struct {
	ID         int64  `json:"id" validate:"required_without=ExternalID,gte=0"`
	ExternalID string `json:"external_id" validate:"max=64"`
}

// ServiceFields are a client's service as the billing system sends it.
type ServiceFields struct {
	ExternalID       string  `json:"external_id" validate:"required,max=64"`
	ClientID         int64   `json:"client_id" validate:"gte=0" doc:"the client, by portal id..."`
	ClientExternalID string  `json:"client_external_id" validate:"max=64" doc:"...or by external id (one of the two is required)"`
	TariffID         int64   `json:"tariff_id" validate:"gte=0" doc:"the tariff, by portal id..."`
	TariffExternalID string  `json:"tariff_external_id" validate:"max=64" doc:"...or by external id (one of the two is required)"`
	Name             string  `json:"name" validate:"required,max=200"`
	Kind             string  `json:"kind" validate:"omitempty,oneof=internet tv voip other" doc:"default: the tariff's kind"`
	State            string  `json:"state" validate:"omitempty,oneof=active suspended terminated" doc:"default active"`
	ActivatedOn      string  `json:"activated_on" validate:"omitempty,datetime=2006-01-02"`
	Address          string  `json:"address" validate:"max=300" doc:"installation address"`
	IP               string  `json:"ip" validate:"omitempty,ip"`
	DHCP             bool    `json:"dhcp" doc:"address assigned by DHCP: the portal shows \"via DHCP\" instead of ip"`
	MAC              string  `json:"mac" validate:"omitempty,mac"`
	PriceOverride    *int64  `json:"price_override" validate:"omitempty,gte=0,money" doc:"replaces the tariff's price for this service"`
	Params           []Param `json:"params" validate:"max=50,dive" doc:"lines of the configuration sheet, in order"`
}

// Param is one line of a service's configuration sheet.
type Param struct {
	Name  string `json:"name" validate:"required,max=100"`
	Value string `json:"value" validate:"max=500"`
}

// ServiceOut is a service as the API returns it.
type ServiceOut struct {
	ID               int64   `json:"id"`
	ExternalID       string  `json:"external_id"`
	ClientID         int64   `json:"client_id"`
	TariffID         int64   `json:"tariff_id"`
	TariffExternalID string  `json:"tariff_external_id"`
	Name             string  `json:"name"`
	Kind             string  `json:"kind"`
	State            string  `json:"state"`
	ActivatedOn      string  `json:"activated_on"`
	Address          string  `json:"address"`
	IP               string  `json:"ip"`
	DHCP             bool    `json:"dhcp"`
	MAC              string  `json:"mac"`
	PriceOverride    *int64  `json:"price_override"`
	Params           []Param `json:"params"`
}

func serviceOut(s services.Service) ServiceOut {
	ps := make([]Param, 0, len(s.Params))
	for _, p := range s.Params {
		ps = append(ps, Param{Name: p.Name, Value: p.Value})
	}
	return ServiceOut{ID: s.ID, ExternalID: s.ExternalID, ClientID: s.ClientID, TariffID: s.TariffID, TariffExternalID: s.Tariff.ExternalID,
		Name: s.Name, Kind: s.Kind, State: s.State, ActivatedOn: s.ActivatedOn, Address: s.Address, IP: s.IP, DHCP: s.DHCP,
		MAC: s.MAC, PriceOverride: s.PriceOverride, Params: ps}
}

// ServiceRef names a service by id or external id.
type ServiceRef struct {
	ID         int64  `json:"id" validate:"required_without=ExternalID,gte=0"`
	ExternalID string `json:"external_id" validate:"max=64"`
}

// ServiceListParams name the client whose services to list.
type ServiceListParams struct {
	ClientID         int64  `json:"client_id" validate:"required_without=ClientExternalID,gte=0"`
	ClientExternalID string `json:"client_external_id" validate:"max=64"`
	IncludeEnded     bool   `json:"include_terminated" doc:"also list terminated services"`
}

// TariffList and ServiceList are the returns of the list methods.
type (
	TariffList struct {
		Tariffs []TariffOut `json:"tariffs"`
	}
	ServiceList struct {
		Services []ServiceOut `json:"services"`
	}
)

var exTariff = TariffFields{ExternalID: "T-FIBER-250", Name: "Fiber 250", Kind: "internet", Price: 49900, Currency: "CZK",
	DownKbit: 250000, UpKbit: 50000}

var exServicePush = ServiceFields{ExternalID: "SVC-9001", TariffExternalID: "T-FIBER-250", Name: "Internet Fiber 250",
	Address: "Korunní 5, Praha", IP: "192.0.2.15", MAC: "00:11:22:33:44:55", ActivatedOn: "2026-01-15",
	Params: []Param{{Name: "Gateway", Value: "192.0.2.1"}}}

var exService = func() ServiceFields { s := exServicePush; s.ClientExternalID = "CRM-000123"; return s }()

var exServiceOut = ServiceOut{ID: 7, ExternalID: "SVC-9001", ClientID: 42, TariffID: 3, TariffExternalID: "T-FIBER-250",
	Name: "Internet Fiber 250", Kind: "internet", State: "active", ActivatedOn: "2026-01-15", Address: "Korunní 5, Praha",
	IP: "192.0.2.15", MAC: "00:11:22:33:44:55", Params: []Param{{Name: "Gateway", Value: "192.0.2.1"}}}

func (m *Module) serviceMethods() []*rpc.Method {
	return []*rpc.Method{
		rpc.Def("tariffs.list", perm.ServicesRead, "Lists every tariff.", struct{}{}, TariffList{[]TariffOut{{ID: 3, TariffFields: exTariff}}},
			func(c *rpc.Call, _ *struct{}) (TariffList, error) {
				list, err := services.ListTariffs(c.Ctx, c.Q)
				out := TariffList{Tariffs: make([]TariffOut, 0, len(list))}
				for _, t := range list {
					out.Tariffs = append(out.Tariffs, tariffOut(t))
				}
				return out, err
			}),
		rpc.Def("tariffs.get", perm.ServicesRead, "Returns one tariff.", TariffRef{ExternalID: "T-FIBER-250"}, TariffOut{ID: 3, TariffFields: exTariff},
			func(c *rpc.Call, p *TariffRef) (TariffOut, error) {
				t, err := tariff(c, p.ID, p.ExternalID, "")
				return tariffOut(t), err
			}),
		rpc.Def("tariffs.add", perm.ServicesWrite, "Creates a tariff, or updates the tariff with this external_id (idempotent).", exTariff, Saved{ID: 3, Created: true},
			func(c *rpc.Call, p *TariffFields) (Saved, error) {
				_, err := idByExternal(c.Ctx, c.Q, "tariffs", p.ExternalID)
				created := errors.Is(err, core.ErrNotFound)
				if err != nil && !created {
					return Saved{}, err
				}
				t := services.Tariff{ExternalID: strings.TrimSpace(p.ExternalID), Name: p.Name, Kind: p.Kind, Price: p.Price, Currency: p.Currency,
					DownKbit: p.DownKbit, UpKbit: p.UpKbit, HideTraffic: p.HideTraffic, FUPLimit: p.FUPLimit, FUPPeriod: p.FUPPeriod,
					FUPDownKbit: p.FUPDownKbit, FUPUpKbit: p.FUPUpKbit}
				if t.Currency == "" {
					t.Currency = "CZK"
				}
				if err := t.Validate(); err != nil {
					return Saved{}, rpc.Invalid("", err.Error())
				}
				id, err := services.SaveTariff(c.Ctx, c.Tx, t, c.Now)
				if err != nil {
					return Saved{}, err
				}
				c.Audit(0, "tariff external_id=%s created=%t", t.ExternalID, created)
				return Saved{ID: id, Created: created}, nil
			}),
		rpc.Def("services.list", perm.ServicesRead, "Lists a client's services with their configuration parameters.",
			ServiceListParams{ClientExternalID: "CRM-000123"}, ServiceList{[]ServiceOut{exServiceOut}},
			func(c *rpc.Call, p *ServiceListParams) (ServiceList, error) {
				cl, err := client(c, ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
				if err != nil {
					return ServiceList{}, err
				}
				list, err := services.ListServices(c.Ctx, c.Q, cl.ID, services.ListFilter{WithParams: true, WithTerminated: p.IncludeEnded})
				out := ServiceList{Services: make([]ServiceOut, 0, len(list))}
				for _, s := range list {
					out.Services = append(out.Services, serviceOut(s))
				}
				return out, err
			}),
		rpc.Def("services.get", perm.ServicesRead, "Returns one service with its configuration parameters.", ServiceRef{ExternalID: "SVC-9001"}, exServiceOut,
			func(c *rpc.Call, p *ServiceRef) (ServiceOut, error) {
				s, err := service(c, *p)
				if err != nil {
					return ServiceOut{}, err
				}
				s.Params, err = services.ServiceParams(c.Ctx, c.Q, s.ID)
				return serviceOut(s), err
			}),
		rpc.Def("services.add", perm.ServicesWrite, "Creates a service, or updates the service with this external_id (idempotent); params replace the stored ones.",
			exService, Saved{ID: 7, Created: true},
			func(c *rpc.Call, p *ServiceFields) (Saved, error) {
				s, err := upsertService(c, *p, "")
				if err == nil {
					clientID, _ := c.AuditEntry()
					c.Audit(clientID, "service external_id=%s created=%t", p.ExternalID, s.Created)
				}
				return s, err
			}),
		rpc.Def("services.delete", perm.ServicesWrite, "Deletes a service with its traffic history. Deleting a service that is already gone succeeds with deleted false.",
			ServiceRef{ExternalID: "SVC-9001"}, Deleted{true},
			func(c *rpc.Call, p *ServiceRef) (Deleted, error) {
				s, err := service(c, *p)
				if _, nf := err.(*rpc.AppError); nf {
					c.Message("service already absent")
					return Deleted{}, nil
				}
				if err != nil {
					return Deleted{}, err
				}
				if err := services.DeleteService(c.Ctx, c.Tx, s.ID); err != nil {
					return Deleted{}, err
				}
				c.Audit(s.ClientID, "service %d external_id=%s deleted", s.ID, s.ExternalID)
				return Deleted{true}, nil
			}),
	}
}

func tariff(c *rpc.Call, id int64, ext, field string) (services.Tariff, error) {
	if id != 0 {
		t, err := services.TariffByID(c.Ctx, c.Q, id)
		if field != "" && err != nil {
			return t, rpc.Invalid(field+"tariff_id", "no tariff "+itoa64(id))
		}
		return t, rpc.AsApp(err, "tariff", id)
	}
	t, err := services.TariffByExternalID(c.Ctx, c.Q, ext)
	if field != "" && err != nil {
		return t, rpc.Invalid(field+"tariff_external_id", "no tariff with external_id "+ext)
	}
	return t, rpc.AsApp(err, "tariff with external_id", ext)
}

func service(c *rpc.Call, ref ServiceRef) (services.Service, error) {
	if ref.ID != 0 {
		s, err := services.ServiceByID(c.Ctx, c.Q, ref.ID)
		return s, rpc.AsApp(err, "service", ref.ID)
	}
	s, err := services.ServiceByExternalID(c.Ctx, c.Q, ref.ExternalID)
	return s, rpc.AsApp(err, "service with external_id", ref.ExternalID)
}

// upsertService stores a service by external id; prefix is the item's field path in a
// bulk call.
func upsertService(c *rpc.Call, f ServiceFields, prefix string) (Saved, error) {
	clientID := f.ClientID
	if f.ClientExternalID != "" {
		id, err := idByExternal(c.Ctx, c.Q, "clients", f.ClientExternalID)
		if err != nil {
			return Saved{}, rpc.Invalid(prefix+"client_external_id", "no client with external_id "+f.ClientExternalID)
		}
		clientID = id
	}
	if clientID == 0 {
		return Saved{}, rpc.ErrInvalidParams(prefix+"client_id", "client_id or client_external_id is required")
	}
	if f.TariffID == 0 && f.TariffExternalID == "" {
		return Saved{}, rpc.ErrInvalidParams(prefix+"tariff_id", "tariff_id or tariff_external_id is required")
	}
	t, err := tariff(c, f.TariffID, f.TariffExternalID, prefix)
	if err != nil {
		return Saved{}, err
	}
	old, err := services.ServiceByExternalID(c.Ctx, c.Q, f.ExternalID)
	created := errors.Is(err, core.ErrNotFound)
	if err != nil && !created {
		return Saved{}, err
	}
	if !created && old.ClientID != clientID {
		// Moving a service between clients would move its traffic history with it.
		return Saved{}, rpc.Conflict(prefix+"external_id", "service "+f.ExternalID+" belongs to another client")
	}
	if _, err := core.ClientByID(c.Ctx, c.Q, clientID); err != nil {
		return Saved{}, rpc.Invalid(prefix+"client_id", "no client "+itoa64(clientID))
	}
	s := services.Service{ID: old.ID, ExternalID: strings.TrimSpace(f.ExternalID), ClientID: clientID, TariffID: t.ID, Kind: f.Kind,
		Name: f.Name, State: f.State, ActivatedOn: f.ActivatedOn, Address: f.Address, IP: f.IP, DHCP: f.DHCP, MAC: f.MAC,
		PriceOverride: f.PriceOverride}
	if s.Kind == "" {
		s.Kind = t.Kind
	}
	if s.State == "" {
		s.State = services.StateActive
	}
	for _, p := range f.Params {
		s.Params = append(s.Params, services.Param{Name: p.Name, Value: p.Value})
	}
	if err := s.Validate(); err != nil {
		return Saved{}, rpc.Invalid(strings.TrimSuffix(prefix, "."), err.Error())
	}
	id, err := services.SaveService(c.Ctx, c.Tx, s, c.Now)
	if err != nil {
		return Saved{}, err
	}
	c.Audit(clientID, "")
	return Saved{ID: id, Created: created}, nil
}
