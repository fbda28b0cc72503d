package sms

import (
	"time"

	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// SMSOut is one SMS of the log.
type SMSOut struct {
	ID        int64     `json:"id"`
	ClientID  int64     `json:"client_id"`
	Number    string    `json:"number"`
	Text      string    `json:"text"`
	Parts     int       `json:"parts"`
	Status    string    `json:"status"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error"`
	CreatedAt time.Time `json:"created_at"`
	SentAt    string    `json:"sent_at"`
}

// SMSListParams choose a client's SMS log.
type SMSListParams struct {
	rpc.ClientOnly
	Limit int `json:"limit" validate:"gte=0,lte=1000" doc:"default 100"`
}

// SMSList is the result of sms.list.
type SMSList struct {
	SMS []SMSOut `json:"sms"`
}

// methods is the API's sms.list, at its place in the reference (docs/api.md).
func (m *Module) methods() []*rpc.Method {
	return rpc.Ordered(430,
		rpc.Def("sms.list", perm.SMSRead, "Lists the SMS a client sent from the portal, newest first, with their delivery state.",
			SMSListParams{ClientOnly: rpc.ClientOnly{ClientExternalID: "CRM-000123"}},
			SMSList{[]SMSOut{{ID: 12, ClientID: 42, Number: "+420777123456", Text: "Hello", Parts: 1, Status: "sent", Attempts: 1,
				CreatedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC), SentAt: "2026-11-02T09:00:03Z"}}},
			func(c *rpc.Call, p *SMSListParams) (SMSList, error) {
				cl, err := rpc.ClientOf(c, rpc.ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
				if err != nil {
					return SMSList{}, err
				}
				if p.Limit == 0 {
					p.Limit = 100
				}
				list, err := ListMessages(c.Ctx, c.Q, cl.ID, p.Limit)
				out := SMSList{SMS: make([]SMSOut, 0, len(list))}
				for _, m := range list {
					sent := ""
					if !m.SentAt.IsZero() {
						sent = m.SentAt.UTC().Format(time.RFC3339)
					}
					out.SMS = append(out.SMS, SMSOut{ID: m.ID, ClientID: m.ClientID, Number: m.Number, Text: m.Text, Parts: m.Parts,
						Status: m.Status, Attempts: m.Attempts, LastError: m.LastError, CreatedAt: m.CreatedAt.UTC(), SentAt: sent})
				}
				return out, err
			}),
	)
}
