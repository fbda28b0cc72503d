package api

import (
	"errors"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/modules/info"
)

// ClientOnly names a client.
type ClientOnly struct {
	ClientID         int64  `json:"client_id" validate:"required_without=ClientExternalID,gte=0"`
	ClientExternalID string `json:"client_external_id" validate:"max=64"`
}

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

// Lists returned by the methods below.
type (
	MessageList struct {
		Messages []MessageOut `json:"messages"`
	}
)

func messageOut(m info.Message) MessageOut {
	return MessageOut{ID: m.ID, MessageFields: MessageFields{ExternalID: m.ExternalID, Kind: m.Kind, ClientID: m.ClientID, GroupID: m.GroupID,
		Title: m.Title, Body: m.Body, ValidFrom: day(m.ValidFrom), ValidUntil: day(m.ValidUntil)}}
}

var exMessage = MessageFields{ExternalID: "MSG-2026-11", Kind: "global", Title: "Planned maintenance",
	Body: "<p>On 20 November between 2:00 and 4:00 the network will be unavailable.</p>", ValidFrom: "2026-11-10", ValidUntil: "2026-11-21"}

func (m *Module) contentMethods() []*rpc.Method {
	return []*rpc.Method{
		rpc.Def("messages.list", perm.MessagesRead, "Lists every portal message (private, group and global).", struct{}{},
			MessageList{[]MessageOut{{ID: 4, MessageFields: exMessage}}},
			func(c *rpc.Call, _ *struct{}) (MessageList, error) {
				list, err := info.ListMessages(c.Ctx, c.Q)
				out := MessageList{Messages: make([]MessageOut, 0, len(list))}
				for _, m := range list {
					out.Messages = append(out.Messages, messageOut(m))
				}
				return out, err
			}),
		rpc.Def("messages.add", perm.MessagesWrite, "Creates a portal message, or updates the message with this external_id (idempotent).",
			exMessage, Saved{ID: 4, Created: true},
			func(c *rpc.Call, p *MessageFields) (Saved, error) {
				m := info.Message{ExternalID: p.ExternalID, Kind: p.Kind, GroupID: p.GroupID, Title: p.Title, Body: p.Body,
					ValidFrom: parseDay(p.ValidFrom), ValidUntil: parseDay(p.ValidUntil)}
				if p.Kind == info.KindPrivate {
					id, err := clientID(c, p.ClientID, p.ClientExternalID)
					if err != nil {
						return Saved{}, err
					}
					m.ClientID = id
				}
				if p.Kind == info.KindGroup {
					if _, err := core.GroupByID(c.Ctx, c.Q, p.GroupID); err != nil {
						return Saved{}, rpc.Invalid("invoice_group_id", "no invoice group "+itoa64(p.GroupID))
					}
				}
				_, err := idByExternal(c.Ctx, c.Q, "info_messages", p.ExternalID)
				created := errors.Is(err, core.ErrNotFound)
				if err != nil && !created {
					return Saved{}, err
				}
				if err := m.Validate(); err != nil {
					return Saved{}, rpc.Invalid("", err.Error())
				}
				id, err := info.SaveMessage(c.Ctx, c.Tx, m, c.Now)
				if err != nil {
					return Saved{}, err
				}
				c.Audit(m.ClientID, "message external_id=%s kind=%s created=%t", p.ExternalID, p.Kind, created)
				return Saved{ID: id, Created: created}, nil
			}),
		rpc.Def("messages.delete", perm.MessagesWrite, "Deletes a portal message by external id. Deleting one already gone succeeds with deleted false.",
			struct {
				ExternalID string `json:"external_id" validate:"required,max=64"`
			}{"MSG-2026-11"}, Deleted{true},
			func(c *rpc.Call, p *struct {
				ExternalID string `json:"external_id" validate:"required,max=64"`
			}) (Deleted, error) {
				id, err := idByExternal(c.Ctx, c.Q, "info_messages", p.ExternalID)
				if errors.Is(err, core.ErrNotFound) {
					c.Message("message already absent")
					return Deleted{}, nil
				}
				if err != nil {
					return Deleted{}, err
				}
				if err := info.DeleteMessage(c.Ctx, c.Tx, id); err != nil {
					return Deleted{}, err
				}
				c.Audit(0, "message external_id=%s deleted", p.ExternalID)
				return Deleted{true}, nil
			}),
	}
}
