package buttons

import (
	"errors"
	"strings"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
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

// ButtonList is the result of buttons.list.
type ButtonList struct {
	Buttons []ButtonOut `json:"buttons"`
}

var exButton = ButtonFields{ExternalID: "speedtest", LabelEN: "Speed test", LabelCS: "Test rychlosti", URL: "https://speedtest.example.net/",
	SortOrder: 10, NewTab: true}

// methods are the module's API methods; 570 is their place in the reference
// (docs/api.md), after the helpdesk departments.
func (m *Module) methods() []*rpc.Method {
	return rpc.Ordered(570,
		rpc.Def("buttons.list", perm.ButtonsRead, "Lists the custom menu buttons in menu order, switched-off ones included.",
			struct{}{}, ButtonList{[]ButtonOut{{ID: 2, ExternalID: exButton.ExternalID, LabelEN: exButton.LabelEN, LabelCS: exButton.LabelCS,
				URL: exButton.URL, SortOrder: exButton.SortOrder, NewTab: true, Active: true}}},
			func(c *rpc.Call, _ *struct{}) (ButtonList, error) {
				list, err := ListButtons(c.Ctx, c.Q, false)
				out := ButtonList{Buttons: make([]ButtonOut, 0, len(list))}
				for _, b := range list {
					out.Buttons = append(out.Buttons, ButtonOut(b))
				}
				return out, err
			}),
		rpc.Def("buttons.add", perm.ButtonsWrite, "Creates a custom menu button, or updates the one with this external_id (idempotent). "+
			"Only absolute http(s) and mailto: addresses are accepted.",
			exButton, rpc.Saved{ID: 2, Created: true},
			func(c *rpc.Call, p *ButtonFields) (rpc.Saved, error) {
				_, err := rpc.IDByExternal(c.Ctx, c.Q, "custom_buttons", p.ExternalID)
				created := errors.Is(err, core.ErrNotFound)
				if err != nil && !created {
					return rpc.Saved{}, err
				}
				id, err := Save(c.Ctx, c.Tx, Button{ExternalID: p.ExternalID, LabelEN: p.LabelEN, LabelCS: p.LabelCS,
					URL: p.URL, SortOrder: p.SortOrder, NewTab: p.NewTab, Active: p.Active == nil || *p.Active}, c.Now)
				if fe, ok := errors.AsType[*core.FieldError](err); ok {
					return rpc.Saved{}, rpc.Invalid(fe.Field, strings.TrimPrefix(fe.Err.Error(), ErrInvalid.Error()+": "))
				}
				if err != nil {
					return rpc.Saved{}, err
				}
				c.Audit(0, "button external_id=%s created=%t", p.ExternalID, created)
				return rpc.Saved{ID: id, Created: created}, nil
			}),
		rpc.Def("buttons.delete", perm.ButtonsWrite, "Deletes a custom menu button by external id. Deleting one already gone succeeds with deleted false.",
			rpc.ExternalOnly{ExternalID: "speedtest"}, rpc.Deleted{Deleted: true},
			func(c *rpc.Call, p *rpc.ExternalOnly) (rpc.Deleted, error) {
				id, err := rpc.IDByExternal(c.Ctx, c.Q, "custom_buttons", p.ExternalID)
				if errors.Is(err, core.ErrNotFound) {
					c.Message("button already absent")
					return rpc.Deleted{}, nil
				}
				if err != nil {
					return rpc.Deleted{}, err
				}
				if err := DeleteButton(c.Ctx, c.Tx, id); err != nil {
					return rpc.Deleted{}, err
				}
				c.Audit(0, "button external_id=%s deleted", p.ExternalID)
				return rpc.Deleted{Deleted: true}, nil
			}),
	)
}
