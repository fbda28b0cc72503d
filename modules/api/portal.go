package api

import (
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/buttons"
	"github.com/ispportal/portal/modules/requests"
)

// ButtonFields are a custom menu button (a link in the portal's menu).
type ButtonFields struct {
	ExternalID string `json:"external_id" validate:"required,max=64"`
	LabelEN    string `json:"label_en" validate:"required,max=40" doc:"English label"`
	LabelCS    string `json:"label_cs" validate:"max=40" doc:"Czech label; empty: the English one"`
	URL        string `json:"url" validate:"required,max=2000" doc:"absolute http(s) address or mailto:"`
	SortOrder  int    `json:"sort_order" validate:"gte=0,lte=1000"`
	NewTab     bool   `json:"new_tab" doc:"open in a new tab"`
	Active     *bool  `json:"active" doc:"default true"`
}

// ButtonOut is a custom button as the API returns it.
type ButtonOut struct {
	ID         int64  `json:"id"`
	ExternalID string `json:"external_id"`
	LabelEN    string `json:"label_en"`
	LabelCS    string `json:"label_cs"`
	URL        string `json:"url"`
	SortOrder  int    `json:"sort_order"`
	NewTab     bool   `json:"new_tab"`
	Active     bool   `json:"active"`
}

// ExternalOnly names a row by external id.
type ExternalOnly struct {
	ExternalID string `json:"external_id" validate:"required,max=64"`
}

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

// Lists of these methods.
type (
	ButtonList struct {
		Buttons []ButtonOut `json:"buttons"`
	}
	RequestList struct {
		Requests []RequestOut `json:"requests"`
	}
)

func requestOut(r requests.Request) RequestOut {
	return RequestOut{ID: r.ID, ExternalID: r.ExternalID, ClientID: r.ClientID, Subject: r.Subject, Category: r.Category, Body: r.Body,
		State: r.State, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

var exButton = ButtonFields{ExternalID: "speedtest", LabelEN: "Speed test", LabelCS: "Test rychlosti", URL: "https://speedtest.example.net/",
	SortOrder: 10, NewTab: true}

var exRequest = RequestOut{ID: 7, ClientID: 42, Subject: "Move my connection", Category: "service_change",
	Body: "I am moving to Korunní 7 on 1 December.", State: "new", CreatedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC),
	UpdatedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}

func (m *Module) portalMethods() []*rpc.Method {
	return []*rpc.Method{
		rpc.Def("buttons.list", perm.ButtonsRead, "Lists the custom menu buttons in menu order, switched-off ones included.",
			struct{}{}, ButtonList{[]ButtonOut{{ID: 2, ExternalID: exButton.ExternalID, LabelEN: exButton.LabelEN, LabelCS: exButton.LabelCS,
				URL: exButton.URL, SortOrder: exButton.SortOrder, NewTab: true, Active: true}}},
			func(c *rpc.Call, _ *struct{}) (ButtonList, error) {
				list, err := buttons.ListButtons(c.Ctx, c.Q, false)
				out := ButtonList{Buttons: make([]ButtonOut, 0, len(list))}
				for _, b := range list {
					out.Buttons = append(out.Buttons, ButtonOut{ID: b.ID, ExternalID: b.ExternalID, LabelEN: b.LabelEN, LabelCS: b.LabelCS,
						URL: b.URL, SortOrder: b.SortOrder, NewTab: b.NewTab, Active: b.Active})
				}
				return out, err
			}),
		rpc.Def("buttons.add", perm.ButtonsWrite, "Creates a custom menu button, or updates the one with this external_id (idempotent). "+
			"Only absolute http(s) and mailto: addresses are accepted.",
			exButton, Saved{ID: 2, Created: true},
			func(c *rpc.Call, p *ButtonFields) (Saved, error) {
				if err := buttons.CheckURL(p.URL); err != nil {
					return Saved{}, rpc.Invalid("url", strings.TrimPrefix(err.Error(), buttons.ErrInvalid.Error()+": "))
				}
				_, err := idByExternal(c.Ctx, c.Q, "custom_buttons", p.ExternalID)
				created := errors.Is(err, core.ErrNotFound)
				if err != nil && !created {
					return Saved{}, err
				}
				id, err := buttons.SaveButton(c.Ctx, c.Tx, buttons.Button{ExternalID: p.ExternalID, LabelEN: p.LabelEN, LabelCS: p.LabelCS,
					URL: p.URL, SortOrder: p.SortOrder, NewTab: p.NewTab, Active: p.Active == nil || *p.Active}, c.Now)
				if errors.Is(err, buttons.ErrInvalid) {
					return Saved{}, rpc.Invalid("", strings.TrimPrefix(err.Error(), buttons.ErrInvalid.Error()+": "))
				}
				if err != nil {
					return Saved{}, err
				}
				c.Audit(0, "button external_id=%s created=%t", p.ExternalID, created)
				return Saved{ID: id, Created: created}, nil
			}),
		rpc.Def("buttons.delete", perm.ButtonsWrite, "Deletes a custom menu button by external id. Deleting one already gone succeeds with deleted false.",
			ExternalOnly{"speedtest"}, Deleted{true},
			func(c *rpc.Call, p *ExternalOnly) (Deleted, error) {
				id, err := idByExternal(c.Ctx, c.Q, "custom_buttons", p.ExternalID)
				if errors.Is(err, core.ErrNotFound) {
					c.Message("button already absent")
					return Deleted{}, nil
				}
				if err != nil {
					return Deleted{}, err
				}
				if err := buttons.DeleteButton(c.Ctx, c.Tx, id); err != nil {
					return Deleted{}, err
				}
				c.Audit(0, "button external_id=%s deleted", p.ExternalID)
				return Deleted{true}, nil
			}),
		rpc.Def("requests.list", perm.RequestsRead, "Lists support requests clients sent from the portal (of one client, or all), newest first.",
			RequestListParams{State: "new"}, RequestList{[]RequestOut{exRequest}},
			func(c *rpc.Call, p *RequestListParams) (RequestList, error) {
				f := requests.Filter{State: p.State, Limit: p.Limit}
				if p.ClientID != 0 || p.ClientExternalID != "" {
					cl, err := client(c, ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
					if err != nil {
						return RequestList{}, err
					}
					f.ClientID = cl.ID
				}
				list, err := requests.ListRequests(c.Ctx, c.Q, f)
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
					if id, err = idByExternal(c.Ctx, c.Q, "support_requests", p.ExternalID); err != nil {
						return RequestOut{}, rpc.AsApp(err, "request with external_id", p.ExternalID)
					}
				}
				var clientID int64
				err := c.Q.QueryRowContext(c.Ctx, `SELECT client_id FROM support_requests WHERE id = ?`, id).Scan(&clientID)
				if errors.Is(err, sql.ErrNoRows) {
					return RequestOut{}, rpc.NotFound("request", id)
				}
				if err != nil {
					return RequestOut{}, err
				}
				if err := requests.SetRequestState(c.Ctx, c.Tx, id, p.State, c.Now); err != nil {
					return RequestOut{}, err
				}
				r, err := requests.RequestForClient(c.Ctx, c.Q, clientID, id)
				if err != nil {
					return RequestOut{}, err
				}
				c.Audit(clientID, "request %d state %s", id, p.State)
				return requestOut(r), nil
			}),
	}
}
