package notify

import (
	"errors"
	"strings"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// PrefsOut is a client's notification choices.
type PrefsOut struct {
	ClientID int64 `json:"client_id"`
	// On lists the topic.channel pairs switched on ("invoice_new.email").
	On        []string `json:"on"`
	QuietFrom string   `json:"quiet_from"`
	QuietTo   string   `json:"quiet_to"`
	// Saved is false while the defaults apply.
	Saved bool `json:"saved"`
}

// PrefsSetParams replace a client's choices.
type PrefsSetParams struct {
	rpc.ClientOnly
	On        []string `json:"on" validate:"max=21,dive,max=40" doc:"topic.channel pairs to switch on; every other pair is off. Topics: invoice_new, payment, invoice_overdue, ticket_reply, fup80, fup100, outage; channels: email, sms, push"`
	QuietFrom string   `json:"quiet_from" validate:"required,max=5" doc:"HH:MM, the portal's local time"`
	QuietTo   string   `json:"quiet_to" validate:"required,max=5" doc:"HH:MM; equal to quiet_from: no quiet hours"`
}

// AnnounceParams describe an outage or maintenance notice.
type AnnounceParams struct {
	ExternalID string `json:"external_id" validate:"max=64" doc:"makes the call idempotent: a notice with this id is sent once"`
	Audience   string `json:"audience" validate:"required,oneof=all group client"`
	GroupID    int64  `json:"group_id" validate:"gte=0" doc:"the invoice group (audience group)"`
	// The client (audience client), by portal id or the billing system's id.
	ClientID         int64  `json:"client_id" validate:"gte=0" doc:"the client (audience client)"`
	ClientExternalID string `json:"client_external_id" validate:"max=64"`
	Title            string `json:"title" validate:"required,max=140" doc:"the SMS text and push title"`
	Text             string `json:"text" validate:"required,max=2000"`
}

// AnnounceResult says what notify.announce did.
type AnnounceResult struct {
	ID      int64 `json:"id"`
	Created bool  `json:"created"`
	// Clients is how many active clients the notice was for.
	Clients int `json:"clients"`
}

func prefsOut(clientID int64, p Prefs) PrefsOut {
	on := p.Pairs()
	if on == nil {
		on = []string{}
	}
	return PrefsOut{ClientID: clientID, On: on, QuietFrom: p.QuietFrom, QuietTo: p.QuietTo, Saved: p.Saved}
}

// methods are the module's API methods.
func (m *Module) methods() []*rpc.Method {
	exPrefs := PrefsOut{ClientID: 42, On: []string{"invoice_new.email", "invoice_overdue.email", "invoice_overdue.sms", "outage.push"},
		QuietFrom: "22:00", QuietTo: "07:00", Saved: true}
	return rpc.Ordered(440,
		rpc.Def("notify.preferences.get", perm.NotifyRead, "Returns a client's notification choices (the defaults while the client never saved).",
			rpc.ClientOnly{ClientExternalID: "CRM-000123"}, exPrefs,
			func(c *rpc.Call, p *rpc.ClientOnly) (PrefsOut, error) {
				cl, err := rpc.ClientOf(c, rpc.ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
				if err != nil {
					return PrefsOut{}, err
				}
				prefs, err := LoadPrefs(c.Ctx, c.Q, cl.ID)
				return prefsOut(cl.ID, prefs), err
			}),
		rpc.Def("notify.preferences.set", perm.NotifyWrite, "Replaces a client's notification choices and quiet hours.",
			PrefsSetParams{ClientOnly: rpc.ClientOnly{ClientExternalID: "CRM-000123"}, On: exPrefs.On, QuietFrom: "22:00", QuietTo: "07:00"}, exPrefs,
			func(c *rpc.Call, p *PrefsSetParams) (PrefsOut, error) {
				cl, err := rpc.ClientOf(c, rpc.ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
				if err != nil {
					return PrefsOut{}, err
				}
				prefs := Prefs{On: map[string]map[string]bool{}, QuietFrom: p.QuietFrom, QuietTo: p.QuietTo, Saved: true}
				for _, pair := range p.On {
					t, ch, _ := strings.Cut(pair, ".")
					prefs.Set(t, ch, true)
				}
				if err := SavePrefsTx(c.Ctx, c.Tx, cl.ID, &prefs, c.Now); err != nil {
					var fe *core.FieldError
					if errors.As(err, &fe) && fe.Field == "topics" {
						err = &core.FieldError{Field: "on", Err: fe.Err} // the request's name of the list
					}
					return PrefsOut{}, rpc.FromService(err, "")
				}
				c.Audit(cl.ID, "%s", prefs.Summary())
				return prefsOut(cl.ID, prefs), nil
			}),
		rpc.Def("notify.announce", perm.NotifyWrite, "Sends an outage or planned-maintenance notice to every active client, "+
			"the clients of an invoice group, or one client, on the channels each chose for outages (idempotent with external_id).",
			AnnounceParams{ExternalID: "OUT-2026-12-03", Audience: "group", GroupID: 1, Title: "Planned maintenance on 5 December, 01:00–03:00",
				Text: "We are upgrading the network in your area; the connection may drop for a few minutes."},
			AnnounceResult{ID: 3, Created: true, Clients: 120},
			func(c *rpc.Call, p *AnnounceParams) (AnnounceResult, error) {
				n := Notice{ExternalID: p.ExternalID, Audience: p.Audience, GroupID: p.GroupID, Title: p.Title, Text: p.Text}
				if p.Audience == "client" {
					cl, err := rpc.ClientOf(c, rpc.ClientRef{ID: p.ClientID, ExternalID: p.ClientExternalID})
					if err != nil {
						return AnnounceResult{}, err
					}
					n.ClientID = cl.ID
				}
				n, created, err := m.AnnounceTx(c.Ctx, c.Tx, n, c.Actor(), c.Now)
				if err != nil {
					return AnnounceResult{}, rpc.FromService(err, "")
				}
				if created {
					c.Audit(n.ClientID, "%s", n.auditDetail())
					c.AfterCommit = m.kick
				}
				return AnnounceResult{ID: n.ID, Created: created, Clients: n.Clients}, nil
			}),
	)
}
