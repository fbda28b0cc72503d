package requests

import (
	"errors"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// RequestListParams filter requests.list.
type RequestListParams struct {
	ClientID         int64  `json:"client_id" validate:"gte=0" doc:"only this client's requests, by portal id..."`
	ClientExternalID string `json:"client_external_id" validate:"max=64" doc:"...or by external id; neither: every request"`
	State            string `json:"state" validate:"omitempty,oneof=new in_progress done rejected"`
	Limit            int    `json:"limit" validate:"gte=0,lte=1000" doc:"default 200"`
}

// RequestStateParams change a support request's state.
type RequestStateParams struct {
	ID         int64  `json:"id" validate:"required_without=ExternalID,gte=0" doc:"portal id of the request"`
	ExternalID string `json:"external_id" validate:"max=64"`
	State      string `json:"state" validate:"required,oneof=new in_progress done rejected"`
}

// RequestUpdateParams are a staff change to a support request (requests.update).
type RequestUpdateParams struct {
	ID         int64   `json:"id" validate:"required_without=ExternalID,gte=0" doc:"portal id of the request"`
	ExternalID string  `json:"external_id" validate:"max=64"`
	State      string  `json:"state" validate:"omitempty,oneof=new in_progress done rejected" doc:"the new state; empty keeps it"`
	Reply      string  `json:"reply" validate:"max=40000" doc:"a reply the client sees on the request's page; empty adds none"`
	Assignees  []int64 `json:"assignees" validate:"omitempty,max=100,dive,gt=0" doc:"staff ids the request is assigned to (replaces them); absent keeps them"`
	Author     string  `json:"author" validate:"max=200" doc:"shown beside the reply; default the API account's name"`
}

// RequestOut is a support request a client sent from the portal.
type RequestOut struct {
	ID         int64     `json:"id"`
	ExternalID string    `json:"external_id"`
	ClientID   int64     `json:"client_id"`
	Subject    string    `json:"subject"`
	Category   string    `json:"category" doc:"technical, service_change, invoicing or other"`
	Body       string    `json:"body"`
	State      string    `json:"state"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// RequestList is the result of requests.list.
type RequestList struct {
	Requests []RequestOut `json:"requests"`
}

func requestOut(r Request) RequestOut {
	return RequestOut{ID: r.ID, ExternalID: r.ExternalID, ClientID: r.ClientID, Subject: r.Subject, Category: r.Category, Body: r.Body,
		State: r.State, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

var exRequest = RequestOut{ID: 7, ClientID: 42, Subject: "Move my connection", Category: "service_change",
	Body: "I am moving to Korunní 7 on 1 December.", State: "new", CreatedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC),
	UpdatedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}

// methods are the module's API methods; 600 is their place in the reference
// (docs/api.md), after the custom buttons.
func (m *Module) methods() []*rpc.Method {
	return rpc.Ordered(600,
		rpc.Def("requests.list", perm.RequestsRead, "Lists support requests clients sent from the portal (of one client, or all), newest first.",
			RequestListParams{State: "new"}, RequestList{[]RequestOut{exRequest}},
			func(c *rpc.Call, p *RequestListParams) (RequestList, error) {
				f := Filter{State: p.State, Limit: p.Limit}
				if p.ClientID != 0 || p.ClientExternalID != "" {
					cl, err := rpc.ClientOf(c, rpc.ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
					if err != nil {
						return RequestList{}, err
					}
					f.ClientID = cl.ID
				}
				list, err := ListRequests(c.Ctx, c.Q, f)
				out := RequestList{Requests: make([]RequestOut, 0, len(list))}
				for _, r := range list {
					out.Requests = append(out.Requests, requestOut(r))
				}
				return out, err
			}),
		rpc.Def("requests.setState", perm.RequestsWrite, "Sets a support request's state (new, in_progress, done, rejected); the client sees it in the portal.",
			RequestStateParams{ID: 7, State: "in_progress"}, func() RequestOut { r := exRequest; r.State = "in_progress"; return r }(),
			func(c *rpc.Call, p *RequestStateParams) (RequestOut, error) {
				id := p.ID
				if id == 0 {
					var err error
					if id, err = rpc.IDByExternal(c.Ctx, c.Q, "support_requests", p.ExternalID); err != nil {
						return RequestOut{}, rpc.AsApp(err, "request with external_id", p.ExternalID)
					}
				}
				r, err := SetState(c.Ctx, c.Tx, id, p.State, c.Now)
				if errors.Is(err, core.ErrNotFound) {
					return RequestOut{}, rpc.NotFound("request", id)
				}
				if err != nil {
					return RequestOut{}, err
				}
				c.Audit(r.ClientID, "request %d state %s", id, p.State)
				return requestOut(r), nil
			}),
		rpc.Def("requests.update", perm.RequestsWrite, "Changes a support request as staff do in the console: state, assignees and a reply the client sees, in one step and one history entry each.",
			RequestUpdateParams{ID: 7, State: "done", Reply: "Moved on 1 December.", Assignees: []int64{3}}, func() RequestOut { r := exRequest; r.State = "done"; return r }(),
			func(c *rpc.Call, p *RequestUpdateParams) (RequestOut, error) {
				id := p.ID
				if id == 0 {
					var err error
					if id, err = rpc.IDByExternal(c.Ctx, c.Q, "support_requests", p.ExternalID); err != nil {
						return RequestOut{}, rpc.AsApp(err, "request with external_id", p.ExternalID)
					}
				}
				author := p.Author
				if author == "" {
					author = c.Staff.Name
				}
				r, detail, mailed, err := UpdateAndMail(c.Ctx, c.Tx, m.d, id, Change{State: p.State, Reply: p.Reply, Assignees: p.Assignees}, author)
				if err != nil {
					return RequestOut{}, rpc.FromService(err, "")
				}
				if mailed {
					c.Message("the client is mailed about the reply")
				}
				c.Audit(r.ClientID, "%s", detail)
				return requestOut(r), nil
			}),
	)
}
