package vouchers

import (
	"errors"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// BatchOut is a voucher batch as the API returns it.
type BatchOut struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Value     int64  `json:"value" doc:"minor units"`
	Currency  string `json:"currency"`
	Expires   string `json:"expires" doc:"last day a code can be redeemed (YYYY-MM-DD)"`
	Count     int    `json:"count"`
	Redeemed  int    `json:"redeemed"`
	Voided    bool   `json:"voided"`
	CreatedAt string `json:"created_at"`
	CreatedBy string `json:"created_by"`
}

// BatchList is the result of vouchers.batches.
type BatchList struct {
	Batches []BatchOut `json:"batches"`
}

// GenerateParams are the parameters of vouchers.generate.
type GenerateParams struct {
	Name     string `json:"name" validate:"max=100"`
	Value    int64  `json:"value" validate:"gt=0" doc:"minor units: 50000 = 500.00"`
	Currency string `json:"currency" validate:"required,len=3"`
	Expires  string `json:"expires" validate:"required" doc:"last day a code can be redeemed (YYYY-MM-DD)"`
	Count    int    `json:"count" validate:"gte=1,lte=10000"`
}

// Generated is the result of vouchers.generate: the only time the codes are shown.
type Generated struct {
	Batch BatchOut `json:"batch"`
	Codes []string `json:"codes"`
}

// BatchRef names a batch.
type BatchRef struct {
	ID int64 `json:"id" validate:"gt=0"`
}

func batchOut(b Batch) BatchOut {
	return BatchOut{ID: b.ID, Name: b.Name, Value: b.Value, Currency: b.Currency, Expires: b.Expires.Format(dayLayout), Count: b.Count,
		Redeemed: b.Redeemed, Voided: b.Voided, CreatedAt: core.Now(b.CreatedAt), CreatedBy: b.CreatedBy}
}

var exBatch = BatchOut{ID: 3, Name: "Christmas 2026", Value: 50000, Currency: "CZK", Expires: "2027-12-31", Count: 2,
	CreatedAt: "2026-12-01T09:00:00Z", CreatedBy: "api:billing"}

// methods are the module's API methods; 590 is their place in the reference.
func (m *Module) methods() []*rpc.Method {
	return rpc.Ordered(590,
		rpc.Def("vouchers.batches", perm.VouchersRead, "Lists the voucher batches, newest first, with how many codes were redeemed.",
			struct{}{}, BatchList{[]BatchOut{exBatch}},
			func(c *rpc.Call, _ *struct{}) (BatchList, error) {
				list, err := ListBatches(c.Ctx, c.Q)
				out := BatchList{Batches: make([]BatchOut, 0, len(list))}
				for _, b := range list {
					out.Batches = append(out.Batches, batchOut(b))
				}
				return out, err
			}),
		rpc.Def("vouchers.generate", perm.VouchersWrite, "Generates a batch of voucher codes and returns them. "+
			"This is the only time the codes are available: the portal keeps only their keyed hashes.",
			GenerateParams{Name: exBatch.Name, Value: 50000, Currency: "CZK", Expires: "2027-12-31", Count: 2},
			Generated{Batch: exBatch, Codes: []string{"7KQ3-M9XA-2BZT-HC4P", "R2D5-WJ8N-QF6Y-3KMT"}},
			func(c *rpc.Call, p *GenerateParams) (Generated, error) {
				b, codes, err := Generate(c.Ctx, c.Tx, NewBatch{Name: p.Name, Value: amountText(p.Value), Currency: p.Currency,
					Expires: p.Expires, Count: p.Count}, c.Actor(), c.Now)
				if fe, ok := errors.AsType[*core.FieldError](err); ok {
					return Generated{}, rpc.Invalid(fe.Field, fe.Err.Error())
				}
				if err != nil {
					return Generated{}, err
				}
				c.Audit(0, "%s", batchDetail(b))
				return Generated{Batch: batchOut(b), Codes: codes}, nil
			}),
		rpc.Def("vouchers.void", perm.VouchersWrite, "Voids a batch: none of its unredeemed codes can be redeemed any more. Voiding again changes nothing.",
			BatchRef{ID: 3}, rpc.Saved{ID: 3},
			func(c *rpc.Call, p *BatchRef) (rpc.Saved, error) {
				if err := Void(c.Ctx, c.Tx, p.ID, c.Now); errors.Is(err, core.ErrNotFound) {
					return rpc.Saved{}, rpc.NotFound("batch", p.ID)
				} else if err != nil {
					return rpc.Saved{}, err
				}
				c.Audit(0, "batch %d voided", p.ID)
				return rpc.Saved{ID: p.ID}, nil
			}),
	)
}
