package services

import (
	"context"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// setHooks answers other modules' questions about services (usage records name
// their service by external id; the usage filters and the dashboard list a client's
// services) without them reading the services table.
func setHooks(h *app.Hooks) {
	h.ServiceByExternalID = func(ctx context.Context, q core.Querier, ext string) (app.ServiceBrief, error) {
		s, err := ServiceByExternalID(ctx, q, ext)
		return brief(s), err
	}
	h.ClientServices = func(ctx context.Context, q core.Querier, clientID int64) ([]app.ServiceBrief, error) {
		list, err := ListServices(ctx, q, clientID, ListFilter{WithTerminated: true})
		out := make([]app.ServiceBrief, 0, len(list))
		for _, s := range list {
			out = append(out, brief(s))
		}
		return out, err
	}
}

func brief(s Service) app.ServiceBrief {
	return app.ServiceBrief{ID: s.ID, ExternalID: s.ExternalID, ClientID: s.ClientID, Name: s.Name, Kind: s.Kind, State: s.State,
		TariffExternalID: s.Tariff.ExternalID}
}
