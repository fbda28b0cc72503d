package rates

import (
	"strconv"
	"strings"

	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// PushParams carry a price list and (some of) its rates.
type PushParams struct {
	List  ListFields   `json:"list"`
	Rates []RateFields `json:"rates" validate:"max=50000,dive" doc:"upserted by prefix and effective_from; rates not named stay"`
}

// ListFields are a price list as the billing system sends it.
type ListFields struct {
	ExternalID       string `json:"external_id" validate:"required,max=64"`
	Name             string `json:"name" validate:"required,max=200"`
	TariffExternalID string `json:"tariff_external_id" validate:"max=64" doc:"the tariff whose clients see the list; empty: every client"`
	Currency         string `json:"currency" validate:"omitempty,len=3,alpha" doc:"default CZK"`
}

// RateFields are one destination's rate.
type RateFields struct {
	Prefix         string `json:"prefix" validate:"required,max=20" doc:"dialled digits without + (420601)"`
	Destination    string `json:"destination" validate:"required,max=200"`
	Price          string `json:"price" validate:"required,max=20" doc:"per minute, a decimal in the list's currency (\"0.49\")"`
	ConnectionFee  string `json:"connection_fee" validate:"max=20" doc:"per call, a decimal; default 0"`
	FirstIncrement int    `json:"first_increment" validate:"omitempty,min=1,max=3600" doc:"seconds billed first; default 1"`
	NextIncrement  int    `json:"next_increment" validate:"omitempty,min=1,max=3600" doc:"seconds billed after; default 1"`
	EffectiveFrom  string `json:"effective_from" validate:"required,datetime=2006-01-02"`
}

// PushResult says what a push stored.
type PushResult struct {
	ListID  int64 `json:"list_id"`
	Created bool  `json:"created" doc:"the list is new"`
	Stored  int   `json:"stored" doc:"rates created or replaced"`
}

// ListOut is a price list as the API lists it.
type ListOut struct {
	ID int64 `json:"id"`
	ListFields
	Rates int `json:"rates"`
}

// ListsResult lists the price lists.
type ListsResult struct {
	Lists []ListOut `json:"lists"`
}

var (
	exList = ListFields{ExternalID: "PL-VOICE-HOME", Name: "Voice – Home", TariffExternalID: "T-VOIP-HOME", Currency: "CZK"}
	exRate = RateFields{Prefix: "420601", Destination: "Czech Republic – mobile", Price: "0.49", ConnectionFee: "0", FirstIncrement: 60,
		NextIncrement: 1, EffectiveFrom: "2026-01-01"}
)

func (m *Module) methods() []*rpc.Method {
	return rpc.Ordered(450,
		rpc.Def("rates.push", perm.RatesWrite, "Creates or updates a price list by external_id and stores up to 50,000 of its rates "+
			"(by prefix and effective_from, idempotent). Push a long list in several calls; any invalid rate fails the call and nothing is stored.",
			PushParams{List: exList, Rates: []RateFields{exRate}}, PushResult{ListID: 4, Created: true, Stored: 1},
			func(c *rpc.Call, p *PushParams) (PushResult, error) {
				out, err := m.push(c, p)
				if err == nil {
					c.Audit(0, "rate list external_id=%s created=%t rates=%d", p.List.ExternalID, out.Created, out.Stored)
				}
				return out, err
			}),
		rpc.Def("rates.lists", perm.RatesRead, "Lists every price list with its number of rates.", struct{}{},
			ListsResult{Lists: []ListOut{{ID: 4, ListFields: exList, Rates: 1250}}},
			func(c *rpc.Call, _ *struct{}) (ListsResult, error) {
				out := ListsResult{Lists: []ListOut{}}
				all, err := AllLists(c.Ctx, c.Q)
				for _, l := range all {
					n, err := Count(c.Ctx, c.Q, l.ID, Query{})
					if err != nil {
						return out, err
					}
					out.Lists = append(out.Lists, ListOut{ID: l.ID, Rates: n, ListFields: ListFields{ExternalID: l.ExternalID, Name: l.Name,
						TariffExternalID: l.TariffExternalID, Currency: l.Currency}})
				}
				return out, err
			}),
		rpc.Def("rates.delete", perm.RatesWrite, "Deletes a price list with all its rates. Deleting a list that is already gone succeeds with deleted false.",
			rpc.ExternalOnly{ExternalID: "PL-VOICE-HOME"}, rpc.Deleted{Deleted: true},
			func(c *rpc.Call, p *rpc.ExternalOnly) (rpc.Deleted, error) {
				ok, err := DeleteList(c.Ctx, c.Tx, strings.TrimSpace(p.ExternalID))
				if err == nil {
					c.Audit(0, "rate list external_id=%s deleted=%t", p.ExternalID, ok)
				}
				return rpc.Deleted{Deleted: ok}, err
			}),
	)
}

// push stores the list and its rates in the call's transaction.
func (m *Module) push(c *rpc.Call, p *PushParams) (PushResult, error) {
	l := List{ExternalID: strings.TrimSpace(p.List.ExternalID), Name: p.List.Name, TariffExternalID: strings.TrimSpace(p.List.TariffExternalID),
		Currency: strings.ToUpper(p.List.Currency)}
	if l.Currency == "" {
		l.Currency = "CZK"
	}
	var out PushResult
	var err error
	if out.ListID, out.Created, err = SaveList(c.Ctx, c.Tx, l, c.Now); err != nil {
		return out, err
	}
	w, err := NewRateWriter(c.Ctx, c.Tx)
	if err != nil {
		return out, err
	}
	defer w.Close()
	for i, f := range p.Rates {
		at := "rates[" + strconv.Itoa(i) + "]."
		r := Rate{Prefix: f.Prefix, Destination: f.Destination, FirstIncrement: max(f.FirstIncrement, 1), NextIncrement: max(f.NextIncrement, 1),
			EffectiveFrom: f.EffectiveFrom}
		if strings.Trim(f.Prefix, "0123456789") != "" {
			return out, rpc.Invalid(at+"prefix", "must be digits only, without + or spaces")
		}
		if r.Price, err = ParsePrice(f.Price); err != nil {
			return out, rpc.Invalid(at+"price", err.Error())
		}
		if f.ConnectionFee != "" {
			if r.ConnectionFee, err = ParsePrice(f.ConnectionFee); err != nil {
				return out, rpc.Invalid(at+"connection_fee", err.Error())
			}
		}
		if err := w.Put(c.Ctx, out.ListID, r); err != nil {
			return out, err
		}
		out.Stored++
	}
	return out, nil
}
