package info

import (
	"errors"
	"strconv"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// MessageFields are a portal message as the billing system sends it.
type MessageFields struct {
	ExternalID       string `json:"external_id" validate:"required,max=64"`
	Kind             string `json:"kind" validate:"required,oneof=private global group" doc:"private: one client; group: an invoice group; global: everybody"`
	ClientID         int64  `json:"client_id" validate:"gte=0" doc:"private messages: the client by portal id..."`
	ClientExternalID string `json:"client_external_id" validate:"max=64" doc:"...or by external id"`
	GroupID          int64  `json:"invoice_group_id" validate:"gte=0" doc:"group messages"`
	Title            string `json:"title" validate:"required,max=200"`
	Body             string `json:"body" validate:"required,max=100000" text:"multiline" doc:"HTML; sanitised when shown"`
	ValidFrom        string `json:"valid_from" validate:"omitempty,datetime=2006-01-02"`
	ValidUntil       string `json:"valid_until" validate:"omitempty,datetime=2006-01-02" doc:"exclusive"`
}

// MessageOut is a portal message as the API returns it.
type MessageOut struct {
	ID int64 `json:"id"`
	MessageFields
}

// MessageListParams select messages.list's page.
type MessageListParams struct {
	Kind     string `json:"kind" validate:"omitempty,oneof=global group private" doc:"only messages of this kind"`
	BeforeID int64  `json:"before_id" validate:"gte=0" doc:"only messages older than this one (the last id of the previous page)"`
	Limit    int    `json:"limit" validate:"gte=0,lte=1000" doc:"default 200"`
}

// defaultAPIMessages is messages.list's page without a limit: private messages pile up
// (a few per client, kept), and a billing system that wants them all reads on.
const defaultAPIMessages = 200

// MessageList is what messages.list returns.
type MessageList struct {
	Messages []MessageOut `json:"messages"`
}

func messageOut(m Message) MessageOut {
	return MessageOut{ID: m.ID, MessageFields: MessageFields{ExternalID: m.ExternalID, Kind: m.Kind, ClientID: m.ClientID, GroupID: m.GroupID,
		Title: m.Title, Body: m.Body, ValidFrom: rpc.Day(m.ValidFrom), ValidUntil: rpc.Day(m.ValidUntil)}}
}

var exMessage = MessageFields{ExternalID: "MSG-2026-11", Kind: "global", Title: "Planned maintenance",
	Body: "<p>On 20 November between 2:00 and 4:00 the network will be unavailable.</p>", ValidFrom: "2026-11-10", ValidUntil: "2026-11-21"}

// apiField is the request path of a field PublishMessage refused.
var apiField = map[string]string{"client": "client_id", "group": "invoice_group_id", "until": "valid_until"}

// methods are messages.list, messages.add and messages.delete, at their place in the
// reference (400-420).
func (m *Module) methods() []*rpc.Method {
	return rpc.Ordered(400,
		rpc.Def("messages.list", perm.MessagesRead, "Lists portal messages (private, group and global), newest first, "+
			"200 at a time unless limit says otherwise: pass the last message's id as before_id to read on.",
			MessageListParams{Kind: KindGlobal},
			MessageList{[]MessageOut{{ID: 4, MessageFields: exMessage}}},
			func(c *rpc.Call, p *MessageListParams) (MessageList, error) {
				f := MessageFilter{Kind: p.Kind, BeforeID: p.BeforeID, Limit: p.Limit}
				if f.Limit == 0 {
					f.Limit = defaultAPIMessages
				}
				list, err := ListMessages(c.Ctx, c.Q, f)
				out := MessageList{Messages: make([]MessageOut, 0, len(list))}
				for _, m := range list {
					out.Messages = append(out.Messages, messageOut(m))
				}
				return out, err
			}),
		rpc.Def("messages.add", perm.MessagesWrite, "Creates a portal message, or updates the message with this external_id (idempotent).",
			exMessage, rpc.Saved{ID: 4, Created: true},
			func(c *rpc.Call, p *MessageFields) (rpc.Saved, error) {
				msg := Message{ExternalID: p.ExternalID, Kind: p.Kind, GroupID: p.GroupID, Title: p.Title, Body: p.Body,
					ValidFrom: rpc.ParseDay(p.ValidFrom), ValidUntil: rpc.ParseDay(p.ValidUntil)}
				if p.Kind == KindPrivate {
					id, err := rpc.ClientID(c, p.ClientID, p.ClientExternalID)
					if err != nil {
						return rpc.Saved{}, err
					}
					msg.ClientID = id
				}
				_, err := rpc.IDByExternal(c.Ctx, c.Q, "info_messages", p.ExternalID)
				created := errors.Is(err, core.ErrNotFound)
				if err != nil && !created {
					return rpc.Saved{}, err
				}
				id, err := PublishMessage(c.Ctx, c.Tx, msg, c.Now, func(int64) error {
					c.Audit(msg.ClientID, "message external_id=%s kind=%s created=%t", p.ExternalID, p.Kind, created)
					return nil
				})
				if fe, ok := errors.AsType[*core.FieldError](err); ok {
					field, ok := apiField[fe.Field]
					if !ok {
						field = fe.Field
					}
					if errors.Is(fe, ErrNoGroup) {
						return rpc.Saved{}, rpc.Invalid(field, "no invoice group "+strconv.FormatInt(p.GroupID, 10))
					}
					return rpc.Saved{}, rpc.Invalid(field, fe.Err.Error())
				}
				if err != nil {
					return rpc.Saved{}, err
				}
				return rpc.Saved{ID: id, Created: created}, nil
			}),
		rpc.Def("messages.delete", perm.MessagesWrite, "Deletes a portal message by external id. Deleting one already gone succeeds with deleted false.",
			rpc.ExternalOnly{ExternalID: "MSG-2026-11"}, rpc.Deleted{Deleted: true},
			func(c *rpc.Call, p *rpc.ExternalOnly) (rpc.Deleted, error) {
				id, err := rpc.IDByExternal(c.Ctx, c.Q, "info_messages", p.ExternalID)
				if errors.Is(err, core.ErrNotFound) {
					c.Message("message already absent")
					return rpc.Deleted{}, nil
				}
				if err != nil {
					return rpc.Deleted{}, err
				}
				err = DeleteMessage(c.Ctx, c.Tx, id, func() error {
					c.Audit(0, "message external_id=%s deleted", p.ExternalID)
					return nil
				})
				if err != nil {
					return rpc.Deleted{}, err
				}
				return rpc.Deleted{Deleted: true}, nil
			}),
	)
}
