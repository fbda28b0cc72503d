package gdpr

import (
	"errors"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/settings"
)

// PrivacyRequestsParams select privacy requests, newest first, a page at a time.
type PrivacyRequestsParams struct {
	State            string `json:"state" validate:"omitempty,oneof=open in_progress done refused" doc:"only this state; empty: every state"`
	ClientID         int64  `json:"client_id" validate:"gte=0" doc:"only this client's, by portal id..."`
	ClientExternalID string `json:"client_external_id" validate:"max=64" doc:"...or external id; neither: every client's"`
	Before           int64  `json:"before" validate:"gte=0" doc:"cursor: the next value of the previous page (0: from the newest)"`
	Limit            int    `json:"limit" validate:"gte=0,lte=200" doc:"at most this many (0: 50)"`
}

// PrivacyRequestOut is one erasure or restriction request.
type PrivacyRequestOut struct {
	ID               int64     `json:"id"`
	ClientID         int64     `json:"client_id"`
	ClientExternalID string    `json:"client_external_id"`
	ClientNumber     string    `json:"client_number"`
	Kind             string    `json:"kind" doc:"erasure or restriction"`
	Note             string    `json:"note" doc:"the client's explanation"`
	State            string    `json:"state" doc:"open, in_progress, done or refused"`
	Reply            string    `json:"reply" doc:"the staff's answer to the client (the reasons of a refusal)"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
	HandledBy        string    `json:"handled_by" doc:"who set the state last (staff:LOGIN or api:LOGIN)"`
}

// PrivacyRequestsOut is a page of requests and the cursor of the next one.
type PrivacyRequestsOut struct {
	Requests []PrivacyRequestOut `json:"requests"`
	Next     int64               `json:"next" doc:"pass as before for the following (older) page; 0: this was the last"`
}

// PrivacySetStateParams move a request to a state.
type PrivacySetStateParams struct {
	ID    int64  `json:"id" validate:"required,gt=0"`
	State string `json:"state" validate:"required,oneof=open in_progress done refused"`
	Reply string `json:"reply" validate:"max=2000" doc:"the answer mailed to the client and shown on their own-data page; required with refused (the reasons, GDPR art. 12(4)); empty keeps an earlier answer"`
}

// PrivacyStateOut is the outcome of privacy.setState.
type PrivacyStateOut struct {
	ID      int64  `json:"id"`
	State   string `json:"state"`
	Changed bool   `json:"changed" doc:"false: the request was in this state already (nothing changed, no mail)"`
}

// ClientExportOut is a client's own-data export, or the news that it is built in the
// background.
type ClientExportOut struct {
	ClientID int64       `json:"client_id"`
	Queued   bool        `json:"queued" doc:"true: over ci_gdpr_export_sync_rows rows; the export is built in the background and mailed to the client as a link to their own account (export is then empty)"`
	Export   *jsonExport `json:"export" doc:"the same JSON as the client's download: generated_at, client_number, sections of module, name and rows"`
}

// privacyMethods are the API methods of privacy requests and the own-data export,
// after gdpr.history in the reference.
func (m *Module) privacyMethods() []*rpc.Method {
	ex := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	list := rpc.Def("privacy.requests", perm.PrivacyRead, "Lists clients' erasure and restriction requests, newest first, "+
		"optionally of one state or client, 50 (at most 200) at a time: pass next as before to read on.",
		PrivacyRequestsParams{State: ReqOpen},
		PrivacyRequestsOut{Requests: []PrivacyRequestOut{{ID: 12, ClientID: 42, ClientExternalID: "CRM-000123", ClientNumber: "1001",
			Kind: KindErasure, Note: "I am moving abroad.", State: ReqOpen, CreatedAt: ex, UpdatedAt: ex}}, Next: 0},
		func(c *rpc.Call, p *PrivacyRequestsParams) (PrivacyRequestsOut, error) {
			f := RequestFilter{State: p.State, Before: p.Before, Limit: p.Limit}
			if f.Limit == 0 {
				f.Limit = 50
			}
			if p.ClientID != 0 || p.ClientExternalID != "" {
				cl, err := rpc.ClientOf(c, rpc.ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
				if err != nil {
					return PrivacyRequestsOut{}, err
				}
				f.ClientID = cl.ID
			}
			list, err := ListRequests(c.Ctx, c.Q, f)
			out := PrivacyRequestsOut{Requests: make([]PrivacyRequestOut, 0, len(list))}
			for _, r := range list {
				out.Requests = append(out.Requests, PrivacyRequestOut{ID: r.ID, ClientID: r.ClientID, ClientExternalID: r.ClientExternalID,
					ClientNumber: r.ClientNumber, Kind: r.Kind, Note: r.Note, State: r.State, Reply: r.Reply, CreatedAt: r.CreatedAt.UTC(),
					UpdatedAt: r.UpdatedAt.UTC(), HandledBy: r.HandledBy})
			}
			if len(list) == f.Limit {
				out.Next = list[len(list)-1].ID
			}
			return out, err
		})
	set := rpc.OwnTx(rpc.Def("privacy.setState", perm.PrivacyWrite, "Moves an erasure or restriction request to a state, as the "+
		"console's Privacy requests page does: audited as privacy.request.<state> and mailed to the client (template "+
		"gdpr_request_state). The portal erases nothing itself; mark the request done once the data is erased where it lives.",
		PrivacySetStateParams{ID: 12, State: ReqRefused, Reply: "We must keep your invoices for ten years (accounting law); everything else is erased."},
		PrivacyStateOut{ID: 12, State: ReqRefused, Changed: true},
		func(c *rpc.Call, p *PrivacySetStateParams) (PrivacyStateOut, error) {
			changed, err := SetRequestState(c.Ctx, m.d, p.ID, p.State, p.Reply, c.Actor(), c.IP)
			if err != nil {
				if errors.Is(err, core.ErrNotFound) {
					return PrivacyStateOut{}, rpc.NotFound("privacy request", p.ID)
				}
				return PrivacyStateOut{}, rpc.FromService(err, "")
			}
			c.Audit(0, "privacy request %d -> %s (changed: %v)", p.ID, p.State, changed)
			return PrivacyStateOut{ID: p.ID, State: p.State, Changed: changed}, nil
		}))
	export := rpc.OwnTx(rpc.Def("clients.export", perm.ClientsExport, "Returns everything the portal holds about a client "+
		"(the client's own-data export: profile, services, invoices and payments, tickets, SMS, consents and their history, "+
		"login history) as JSON, for answering a subject access request. An export over ci_gdpr_export_sync_rows rows is "+
		"built in the background instead and mailed to the client. Audited; administrators and support only.",
		rpc.ClientRef{ExternalID: "CRM-000123"},
		ClientExportOut{ClientID: 42, Export: &jsonExport{GeneratedAt: "2026-11-20T09:30:00Z", ClientNumber: "1001",
			Sections: []jsonSection{{Module: "gdpr", Name: "profile", Rows: []map[string]string{{"number": "1001", "name": "Jana Nováková"}}}}}},
		func(c *rpc.Call, p *rpc.ClientRef) (ClientExportOut, error) {
			cl, err := rpc.ClientOf(c, *p)
			if err != nil {
				return ClientExportOut{}, err
			}
			e, err := BuildExport(c.Ctx, m.d, cl.ID)
			if err != nil {
				return ClientExportOut{}, err
			}
			if e.Rows() <= settings.GDPRExportSyncRows.Get(m.d.Settings) {
				js := jsonOf(e)
				c.Audit(cl.ID, "own-data export, %d rows", e.Rows())
				return ClientExportOut{ClientID: cl.ID, Export: &js}, nil
			}
			err = QueueExport(c.Ctx, m.d, cl.ID, settings.DefaultLanguage.Get(m.d.Settings), c.Actor(), c.IP)
			if errors.Is(err, errExportPending) {
				c.Message("an export of this client is already being prepared")
				err = nil
			}
			if err != nil {
				return ClientExportOut{}, err
			}
			c.AfterCommit = m.kickExports
			c.Audit(cl.ID, "own-data export queued, %d rows", e.Rows())
			return ClientExportOut{ClientID: cl.ID, Queued: true}, nil
		}))
	return rpc.Ordered(492, list, set, export)
}
