package usage

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// MaxPush is the most records one usage.push takes (about 2.5 MB of JSON).
const MaxPush = 10_000

// PushParams carry many usage records.
type PushParams struct {
	Records []RecordFields `json:"records" validate:"required,min=1,max=10000,dive"`
}

// RecordFields are one usage record as the billing system sends it.
type RecordFields struct {
	ExternalID        string    `json:"external_id" validate:"required,max=64" doc:"the billing system's id of the record: a resend replaces it"`
	ServiceExternalID string    `json:"service_external_id" validate:"required,max=64" doc:"the service that was used, by external id (its client owns the record)"`
	At                time.Time `json:"at" doc:"RFC 3339 time the usage started"`
	Type              string    `json:"type" validate:"required,oneof=call sms data other"`
	Destination       string    `json:"destination" validate:"max=200" doc:"called number and destination name, or a description"`
	Quantity          int64     `json:"quantity" doc:"in unit; 0 or more, at most a month of calling, 10 TB, 100,000 messages"`
	Unit              string    `json:"unit" validate:"required,oneof=s min msg pcs B kB MB GB" doc:"call: s or min; sms: msg; data: B, kB, MB or GB; other: any"`
	Rate              string    `json:"rate" validate:"max=20" doc:"price per unit used, a decimal such as \"0.49\" (in currency, not minor units)"`
	Cost              int64     `json:"cost" validate:"money" doc:"in minor units (haléř, cent)"`
	Currency          string    `json:"currency" validate:"omitempty,len=3,alpha" doc:"default CZK"`
}

// PushResult counts what a push stored.
type PushResult struct {
	Stored int `json:"stored" doc:"records created or replaced"`
}

var exRecord = RecordFields{ExternalID: "CDR-2026-11-000123", ServiceExternalID: "SVC-VOIP-1", At: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC),
	Type: "call", Destination: "+420 601 234 567 Czech Republic mobile", Quantity: 125, Unit: "s", Rate: "0.49", Cost: 147, Currency: "CZK"}

func (m *Module) methods() []*rpc.Method {
	return rpc.Ordered(400,
		rpc.Def("usage.push", perm.UsageWrite, "Stores up to 10,000 usage records (calls, SMS, data sessions) in one transaction, "+
			"idempotent on external_id: a resend replaces the records. Any invalid record fails the whole call, naming it by its path, "+
			"and nothing is stored.",
			PushParams{Records: []RecordFields{exRecord}}, PushResult{Stored: 1},
			func(c *rpc.Call, p *PushParams) (PushResult, error) {
				n, err := Push(c.Ctx, m.d.Hooks, c, p.Records)
				if err == nil {
					c.Audit(0, "usage records=%d", n)
				}
				return PushResult{Stored: n}, err
			}),
		rpc.Def("usage.list", perm.UsageRead, "Lists a client's usage records, newest first, 1000 at a time: pass the last record's cursor to read on.",
			ListParams{ClientExternalID: "CRM-000123", From: "2026-11-01", To: "2026-12-01"},
			ListResult{Records: []RecordOut{{ID: 9, Cursor: "1762077600.9", RecordFields: exRecord}}},
			func(c *rpc.Call, p *ListParams) (ListResult, error) { return m.listAPI(c, p) }),
	)
}

// Push validates and stores records in the call's transaction; the first bad record
// fails the call with its path (records[3].unit).
func Push(ctx context.Context, h *app.Hooks, c *rpc.Call, in []RecordFields) (int, error) {
	if h == nil || h.ServiceByExternalID == nil {
		return 0, rpc.Invalid("records", "the services module is not mounted: usage records cannot name a service")
	}
	type svc struct{ id, client int64 }
	services := map[string]svc{}
	w, err := NewWriter(ctx, c.Tx)
	if err != nil {
		return 0, err
	}
	defer w.Close()
	for i, f := range in {
		at := "records[" + strconv.Itoa(i) + "]."
		s, ok := services[f.ServiceExternalID]
		if !ok {
			b, err := h.ServiceByExternalID(ctx, c.Tx, f.ServiceExternalID)
			if errors.Is(err, core.ErrNotFound) {
				return 0, rpc.Invalid(at+"service_external_id", "no service with external_id "+f.ServiceExternalID)
			}
			if err != nil {
				return 0, err
			}
			s = svc{b.ID, b.ClientID}
			services[f.ServiceExternalID] = s
		}
		r := Record{ExternalID: strings.TrimSpace(f.ExternalID), ClientID: s.client, ServiceID: s.id, At: f.At, Type: f.Type,
			Destination: f.Destination, Quantity: f.Quantity, Unit: f.Unit, Rate: f.Rate, Cost: f.Cost, Currency: f.Currency}
		if r.Currency == "" {
			r.Currency = "CZK"
		}
		r.Currency = strings.ToUpper(r.Currency)
		if err := CheckRecord(r, c.Now); err != nil {
			return 0, recordError(at, r, err)
		}
		if err := w.Put(ctx, r); errors.Is(err, ErrOtherClient) {
			return 0, rpc.Conflict(at+"external_id", "record "+r.ExternalID+" belongs to another client")
		} else if err != nil {
			return 0, err
		}
	}
	return len(in), nil
}

// recordError words a record's field error for the API.
func recordError(at string, r Record, err error) error {
	var fe *core.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	msg := fe.Err.Error()
	switch fe.Err {
	case ErrUnit:
		msg = "unit " + r.Unit + " does not fit type " + r.Type + " (allowed: " + AllowedUnits(r.Type) + ")"
	case ErrQuantity:
		msg = "must be between 0 and " + strconv.FormatInt(MaxQuantity(r.Unit), 10) + " " + r.Unit
	}
	return rpc.Invalid(at+fe.Field, msg)
}

// ListParams select a client's records for usage.list.
type ListParams struct {
	ClientID         int64  `json:"client_id" validate:"required_without=ClientExternalID,gte=0"`
	ClientExternalID string `json:"client_external_id" validate:"max=64"`
	From             string `json:"from" validate:"required,datetime=2006-01-02" doc:"first day (server's time zone)"`
	To               string `json:"to" validate:"required,datetime=2006-01-02" doc:"day after the last"`
	After            string `json:"after" validate:"max=40" doc:"cursor of the last record read; empty: the newest"`
}

// RecordOut is a stored record.
type RecordOut struct {
	ID     int64  `json:"id"`
	Cursor string `json:"cursor"`
	RecordFields
}

// ListResult is one page of records.
type ListResult struct {
	Records []RecordOut `json:"records"`
}

func (m *Module) listAPI(c *rpc.Call, p *ListParams) (ListResult, error) {
	out := ListResult{Records: []RecordOut{}}
	cl, err := rpc.ClientOf(c, rpc.ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
	if err != nil {
		return out, err
	}
	from, _ := time.ParseInLocation(rpc.DateLayout, p.From, time.Local)
	to, _ := time.ParseInLocation(rpc.DateLayout, p.To, time.Local)
	list, err := List(c.Ctx, c.Q, cl.ID, Filter{From: from, To: to}, ParseCursor(p.After), 1000)
	if err != nil {
		return out, err
	}
	ext := m.serviceExternalIDs(c.Ctx, c.Q, cl.ID)
	for _, r := range list {
		out.Records = append(out.Records, RecordOut{ID: r.ID, Cursor: Cursor{r.At.Unix(), r.ID}.String(), RecordFields: RecordFields{
			ExternalID: r.ExternalID, ServiceExternalID: ext[r.ServiceID], At: r.At.UTC(), Type: r.Type, Destination: r.Destination,
			Quantity: r.Quantity, Unit: r.Unit, Rate: r.Rate, Cost: r.Cost, Currency: r.Currency}})
	}
	return out, nil
}

// serviceExternalIDs maps a client's service ids to external ids (empty without the
// services module).
func (m *Module) serviceExternalIDs(ctx context.Context, q core.Querier, clientID int64) map[int64]string {
	out := map[int64]string{}
	for _, s := range m.services(ctx, q, clientID) {
		out[s.ID] = s.ExternalID
	}
	return out
}
