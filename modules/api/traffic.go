package api

import (
	"time"

	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/services"
	"github.com/ispportal/portal/modules/services/traffic"
)

// TrafficPushParams carry counter readings of many services.
type TrafficPushParams struct {
	Samples []TrafficSample `json:"samples" validate:"required,min=1,max=100000"`
}

// TrafficSample is one reading of a service's cumulative byte counters.
type TrafficSample struct {
	ServiceID         int64     `json:"service_id" doc:"the service, by portal id..."`
	ServiceExternalID string    `json:"service_external_id" doc:"...or by external id (one of the two is required)"`
	At                time.Time `json:"at" doc:"RFC 3339 time of the reading"`
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
		ownTx(rpc.Def("traffic.push", perm.ServicesWrite, "Stores readings of services' cumulative traffic counters (up to 100,000 per call). "+
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
				known := map[int64]bool{}
				byExt := map[string]int64{}
				for i, s := range p.Samples {
					id := s.ServiceID
					if s.ServiceExternalID != "" {
						v, ok := byExt[s.ServiceExternalID]
						if !ok {
							if svc, err := services.ServiceByExternalID(c.Ctx, c.Q, s.ServiceExternalID); err == nil {
								v = svc.ID
								known[v] = true
							}
							byExt[s.ServiceExternalID] = v
						}
						id = v
					} else if id > 0 {
						ok, seen := known[id]
						if !seen {
							_, err := services.ServiceByID(c.Ctx, c.Q, id)
							ok = err == nil
							known[id] = ok
						}
						if !ok {
							id = 0
						}
					}
					if id <= 0 {
						out.Rejected = append(out.Rejected, TrafficRejection{Index: i, Reason: "unknown service"})
						continue
					}
					samples = append(samples, traffic.Sample{ServiceID: id, At: s.At, Down: s.BytesDown, Up: s.BytesUp})
					index = append(index, i)
				}
				res, err := services.TrafficStore(m.d).Ingest(c.Ctx, samples)
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

// ownTx marks a write method that runs its own transactions (traffic ingestion writes
// in its own, idempotent transaction); the dispatcher audits it afterwards.
func ownTx(m *rpc.Method) *rpc.Method {
	m.OwnTx = true
	return m
}
