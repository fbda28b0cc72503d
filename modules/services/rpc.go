package services

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/services/traffic"
)

// methods are the API methods of tariffs, services and traffic, in the order of the
// reference (docs/api.md): tariffs.list is the 22nd method; clients.push
// (rpc_push.go) keeps its place among the clients methods.
func (m *Module) methods() []*rpc.Method {
	return append(rpc.Ordered(220, append(m.serviceMethods(), m.trafficMethods()...)...), m.pushMethod())
}

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

func tariffOut(t Tariff) TariffOut {
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
	ExternalID       string       `json:"external_id" validate:"required,max=64"`
	ClientID         int64        `json:"client_id" validate:"gte=0" doc:"the client, by portal id..."`
	ClientExternalID string       `json:"client_external_id" validate:"max=64" doc:"...or by external id (one of the two is required)"`
	TariffID         int64        `json:"tariff_id" validate:"gte=0" doc:"the tariff, by portal id..."`
	TariffExternalID string       `json:"tariff_external_id" validate:"max=64" doc:"...or by external id (one of the two is required)"`
	Name             string       `json:"name" validate:"required,max=200"`
	Kind             string       `json:"kind" validate:"omitempty,oneof=internet tv voip other" doc:"default: the tariff's kind"`
	State            string       `json:"state" validate:"omitempty,oneof=active suspended terminated" doc:"default active"`
	ActivatedOn      string       `json:"activated_on" validate:"omitempty,datetime=2006-01-02"`
	Address          string       `json:"address" validate:"max=300" doc:"installation address"`
	IP               string       `json:"ip" validate:"omitempty,ip"`
	DHCP             bool         `json:"dhcp" doc:"address assigned by DHCP: the portal shows \"via DHCP\" instead of ip"`
	MAC              string       `json:"mac" validate:"omitempty,mac"`
	PriceOverride    *int64       `json:"price_override" validate:"omitempty,gte=0,money" doc:"replaces the tariff's price for this service"`
	Params           []SheetParam `json:"params" validate:"max=50,dive" doc:"lines of the configuration sheet, in order"`
}

// SheetParam is one line of a service's configuration sheet.
type SheetParam struct {
	Name  string `json:"name" validate:"required,max=100"`
	Value string `json:"value" validate:"max=500"`
}

// ServiceOut is a service as the API returns it.
type ServiceOut struct {
	ID               int64        `json:"id"`
	ExternalID       string       `json:"external_id"`
	ClientID         int64        `json:"client_id"`
	TariffID         int64        `json:"tariff_id"`
	TariffExternalID string       `json:"tariff_external_id"`
	Name             string       `json:"name"`
	Kind             string       `json:"kind"`
	State            string       `json:"state"`
	ActivatedOn      string       `json:"activated_on"`
	Address          string       `json:"address"`
	IP               string       `json:"ip"`
	DHCP             bool         `json:"dhcp"`
	MAC              string       `json:"mac"`
	PriceOverride    *int64       `json:"price_override"`
	Params           []SheetParam `json:"params"`
}

func serviceOut(s Service) ServiceOut {
	ps := make([]SheetParam, 0, len(s.Params))
	for _, p := range s.Params {
		ps = append(ps, SheetParam(p))
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

// ExServicePush is the example service of a push (clients.push shows it too).
var ExServicePush = ServiceFields{ExternalID: "SVC-9001", TariffExternalID: "T-FIBER-250", Name: "Internet Fiber 250",
	Address: "Korunní 5, Praha", IP: "192.0.2.15", MAC: "00:11:22:33:44:55", ActivatedOn: "2026-01-15",
	Params: []SheetParam{{Name: "Gateway", Value: "192.0.2.1"}}}

var exService = func() ServiceFields { s := ExServicePush; s.ClientExternalID = "CRM-000123"; return s }()

var exServiceOut = ServiceOut{ID: 7, ExternalID: "SVC-9001", ClientID: 42, TariffID: 3, TariffExternalID: "T-FIBER-250",
	Name: "Internet Fiber 250", Kind: "internet", State: "active", ActivatedOn: "2026-01-15", Address: "Korunní 5, Praha",
	IP: "192.0.2.15", MAC: "00:11:22:33:44:55", Params: []SheetParam{{Name: "Gateway", Value: "192.0.2.1"}}}

func (m *Module) serviceMethods() []*rpc.Method {
	return []*rpc.Method{
		rpc.Def("tariffs.list", perm.ServicesRead, "Lists every tariff.", struct{}{}, TariffList{[]TariffOut{{ID: 3, TariffFields: exTariff}}},
			func(c *rpc.Call, _ *struct{}) (TariffList, error) {
				list, err := ListTariffs(c.Ctx, c.Q)
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
		rpc.Def("tariffs.add", perm.ServicesWrite, "Creates a tariff, or updates the tariff with this external_id (idempotent).", exTariff, rpc.Saved{ID: 3, Created: true},
			func(c *rpc.Call, p *TariffFields) (rpc.Saved, error) {
				_, err := rpc.IDByExternal(c.Ctx, c.Q, "tariffs", p.ExternalID)
				created := errors.Is(err, core.ErrNotFound)
				if err != nil && !created {
					return rpc.Saved{}, err
				}
				t := Tariff{ExternalID: strings.TrimSpace(p.ExternalID), Name: p.Name, Kind: p.Kind, Price: p.Price, Currency: p.Currency,
					DownKbit: p.DownKbit, UpKbit: p.UpKbit, HideTraffic: p.HideTraffic, FUPLimit: p.FUPLimit, FUPPeriod: p.FUPPeriod,
					FUPDownKbit: p.FUPDownKbit, FUPUpKbit: p.FUPUpKbit}
				if t.Currency == "" {
					t.Currency = "CZK"
				}
				if err := t.Validate(); err != nil {
					return rpc.Saved{}, rpc.Invalid("", err.Error())
				}
				id, err := SaveTariff(c.Ctx, c.Tx, t, c.Now)
				if err != nil {
					return rpc.Saved{}, err
				}
				c.Audit(0, "tariff external_id=%s created=%t", t.ExternalID, created)
				return rpc.Saved{ID: id, Created: created}, nil
			}),
		rpc.Def("services.list", perm.ServicesRead, "Lists a client's services with their configuration parameters.",
			ServiceListParams{ClientExternalID: "CRM-000123"}, ServiceList{[]ServiceOut{exServiceOut}},
			func(c *rpc.Call, p *ServiceListParams) (ServiceList, error) {
				cl, err := rpc.ClientOf(c, rpc.ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
				if err != nil {
					return ServiceList{}, err
				}
				list, err := ListServices(c.Ctx, c.Q, cl.ID, ListFilter{WithParams: true, WithTerminated: p.IncludeEnded})
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
				s.Params, err = ServiceParams(c.Ctx, c.Q, s.ID)
				return serviceOut(s), err
			}),
		rpc.Def("services.add", perm.ServicesWrite, "Creates a service, or updates the service with this external_id (idempotent); params replace the stored ones.",
			exService, rpc.Saved{ID: 7, Created: true},
			func(c *rpc.Call, p *ServiceFields) (rpc.Saved, error) {
				s, err := UpsertService(c, *p, "")
				if err == nil {
					clientID, _ := c.AuditEntry()
					c.Audit(clientID, "service external_id=%s created=%t", p.ExternalID, s.Created)
				}
				return s, err
			}),
		rpc.Def("services.delete", perm.ServicesWrite, "Deletes a service with its traffic history. Deleting a service that is already gone succeeds with deleted false.",
			ServiceRef{ExternalID: "SVC-9001"}, rpc.Deleted{Deleted: true},
			func(c *rpc.Call, p *ServiceRef) (rpc.Deleted, error) {
				s, err := service(c, *p)
				if _, nf := err.(*rpc.AppError); nf {
					c.Message("service already absent")
					return rpc.Deleted{}, nil
				}
				if err != nil {
					return rpc.Deleted{}, err
				}
				if err := DeleteService(c.Ctx, c.Tx, s.ID); err != nil {
					return rpc.Deleted{}, err
				}
				c.Audit(s.ClientID, "service %d external_id=%s deleted", s.ID, s.ExternalID)
				return rpc.Deleted{Deleted: true}, nil
			}),
	}
}

func tariff(c *rpc.Call, id int64, ext, field string) (Tariff, error) {
	if id != 0 {
		t, err := TariffByID(c.Ctx, c.Q, id)
		if field != "" && err != nil {
			return t, rpc.Invalid(field+"tariff_id", "no tariff "+strconv.FormatInt(id, 10))
		}
		return t, rpc.AsApp(err, "tariff", id)
	}
	t, err := TariffByExternalID(c.Ctx, c.Q, ext)
	if field != "" && err != nil {
		return t, rpc.Invalid(field+"tariff_external_id", "no tariff with external_id "+ext)
	}
	return t, rpc.AsApp(err, "tariff with external_id", ext)
}

func service(c *rpc.Call, ref ServiceRef) (Service, error) {
	if ref.ID != 0 {
		s, err := ServiceByID(c.Ctx, c.Q, ref.ID)
		return s, rpc.AsApp(err, "service", ref.ID)
	}
	s, err := ServiceByExternalID(c.Ctx, c.Q, ref.ExternalID)
	return s, rpc.AsApp(err, "service with external_id", ref.ExternalID)
}

// UpsertService stores a service by external id; prefix is the item's field path in a
// bulk call (clients.push stores the services of each client with it).
func UpsertService(c *rpc.Call, f ServiceFields, prefix string) (rpc.Saved, error) {
	clientID := f.ClientID
	if f.ClientExternalID != "" {
		id, err := rpc.IDByExternal(c.Ctx, c.Q, "clients", f.ClientExternalID)
		if err != nil {
			return rpc.Saved{}, rpc.Invalid(prefix+"client_external_id", "no client with external_id "+f.ClientExternalID)
		}
		clientID = id
	}
	if clientID == 0 {
		return rpc.Saved{}, rpc.ErrInvalidParams(prefix+"client_id", "client_id or client_external_id is required")
	}
	if f.TariffID == 0 && f.TariffExternalID == "" {
		return rpc.Saved{}, rpc.ErrInvalidParams(prefix+"tariff_id", "tariff_id or tariff_external_id is required")
	}
	t, err := tariff(c, f.TariffID, f.TariffExternalID, prefix)
	if err != nil {
		return rpc.Saved{}, err
	}
	old, err := ServiceByExternalID(c.Ctx, c.Q, f.ExternalID)
	created := errors.Is(err, core.ErrNotFound)
	if err != nil && !created {
		return rpc.Saved{}, err
	}
	if !created && old.ClientID != clientID {
		// Moving a service between clients would move its traffic history with it.
		return rpc.Saved{}, rpc.Conflict(prefix+"external_id", "service "+f.ExternalID+" belongs to another client")
	}
	if _, err := core.ClientByID(c.Ctx, c.Q, clientID); err != nil {
		return rpc.Saved{}, rpc.Invalid(prefix+"client_id", "no client "+strconv.FormatInt(clientID, 10))
	}
	s := Service{ID: old.ID, ExternalID: strings.TrimSpace(f.ExternalID), ClientID: clientID, TariffID: t.ID, Kind: f.Kind,
		Name: f.Name, State: f.State, ActivatedOn: f.ActivatedOn, Address: f.Address, IP: f.IP, DHCP: f.DHCP, MAC: f.MAC,
		PriceOverride: f.PriceOverride}
	if s.Kind == "" {
		s.Kind = t.Kind
	}
	if s.State == "" {
		s.State = StateActive
	}
	for _, p := range f.Params {
		s.Params = append(s.Params, Param(p))
	}
	if err := s.Validate(); err != nil {
		return rpc.Saved{}, rpc.Invalid(strings.TrimSuffix(prefix, "."), err.Error())
	}
	id, err := SaveService(c.Ctx, c.Tx, s, c.Now)
	if err != nil {
		return rpc.Saved{}, err
	}
	c.Audit(clientID, "")
	return rpc.Saved{ID: id, Created: created}, nil
}

// TrafficPushParams carry counter readings of many
type TrafficPushParams struct {
	Samples []TrafficSample `json:"samples" validate:"required,min=1,max=100000"`
}

// TrafficSample is one reading of a service's cumulative byte counters.
type TrafficSample struct {
	ServiceID         int64     `json:"service_id" doc:"the service, by portal id..."`
	ServiceExternalID string    `json:"service_external_id" doc:"...or by external id (one of the two is required)"`
	At                time.Time `json:"at" doc:"RFC 3339 time of the reading, from 2000 to a day ahead of the portal's clock"`
	BytesDown         uint64    `json:"bytes_down" doc:"cumulative counter: bytes sent to the client since the counter started"`
	BytesUp           uint64    `json:"bytes_up" doc:"cumulative counter: bytes received from the client"`
}

// TrafficPushResult says what happened to the samples.
type TrafficPushResult struct {
	Accepted   int                `json:"accepted"`
	Duplicates int                `json:"duplicates" doc:"samples already stored (same service and second): ignored, so a resend is harmless"`
	Rejected   []TrafficRejection `json:"rejected"`
}

// TrafficRejection is a sample that was not stored.
type TrafficRejection struct {
	Index  int    `json:"index"`
	Reason string `json:"reason"`
}

func (m *Module) trafficMethods() []*rpc.Method {
	return []*rpc.Method{
		rpc.OwnTx(rpc.Def("traffic.push", perm.ServicesWrite, "Stores readings of services' cumulative traffic counters (up to 100,000 per call). "+
			"Readings already stored are ignored, so a billing system can resend a period safely; unknown services and "+
			"implausible readings are listed in rejected and the rest is stored.",
			TrafficPushParams{Samples: []TrafficSample{
				{ServiceExternalID: "SVC-9001", At: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC), BytesDown: 81234567890, BytesUp: 9123456789},
				{ServiceExternalID: "SVC-9001", At: time.Date(2026, 11, 2, 10, 5, 0, 0, time.UTC), BytesDown: 81334567890, BytesUp: 9125456789}}},
			TrafficPushResult{Accepted: 2, Rejected: []TrafficRejection{}},
			func(c *rpc.Call, p *TrafficPushParams) (TrafficPushResult, error) {
				out := TrafficPushResult{Rejected: []TrafficRejection{}}
				samples := make([]traffic.Sample, 0, len(p.Samples))
				index := make([]int, 0, len(p.Samples))
				var exts []string
				var ids []int64
				seenExt, seenID := map[string]bool{}, map[int64]bool{}
				for _, s := range p.Samples {
					if s.ServiceExternalID != "" {
						if !seenExt[s.ServiceExternalID] {
							seenExt[s.ServiceExternalID] = true
							exts = append(exts, s.ServiceExternalID)
						}
					} else if s.ServiceID > 0 && !seenID[s.ServiceID] {
						seenID[s.ServiceID] = true
						ids = append(ids, s.ServiceID)
					}
				}
				byExt, known, err := serviceRefs(c.Ctx, c.Q, exts, ids)
				if err != nil {
					return out, err
				}
				for i, s := range p.Samples {
					id := s.ServiceID
					if s.ServiceExternalID != "" {
						id = byExt[s.ServiceExternalID]
					} else if !known[id] {
						id = 0
					}
					if id <= 0 {
						out.Rejected = append(out.Rejected, TrafficRejection{Index: i, Reason: "unknown service"})
						continue
					}
					samples = append(samples, traffic.Sample{ServiceID: id, At: s.At, Down: s.BytesDown, Up: s.BytesUp})
					index = append(index, i)
				}
				res, err := TrafficStore(m.d).Ingest(c.Ctx, samples)
				if err != nil {
					return out, err
				}
				out.Accepted, out.Duplicates = res.Accepted, res.Duplicates
				for _, r := range res.Rejected {
					out.Rejected = append(out.Rejected, TrafficRejection{Index: index[r.Index], Reason: r.Reason})
				}
				c.Audit(0, "samples=%d accepted=%d duplicates=%d rejected=%d", len(p.Samples), out.Accepted, out.Duplicates, len(out.Rejected))
				return out, nil
			})),
	}
}
