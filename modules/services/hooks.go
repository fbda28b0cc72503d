package services

import (
	"context"
	"database/sql"
	"time"

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
	h.CopyServices = CopyServices
}

// CopyServices gives toClientID a copy of every service of fromClientID that is not
// terminated (the sign-up's template customer): tariff, kind, name, state, price and
// parameters; not the external id, the installation address, IP or MAC address, which
// belong to one connection. It returns how many services it copied.
func CopyServices(ctx context.Context, tx *sql.Tx, fromClientID, toClientID int64, now time.Time) (int, error) {
	list, err := ListServices(ctx, tx, fromClientID, ListFilter{WithParams: true})
	if err != nil {
		return 0, err
	}
	for _, s := range list {
		s.ID, s.ExternalID, s.ClientID = 0, "", toClientID
		s.Address, s.IP, s.MAC = "", "", ""
		s.ActivatedOn = now.Format("2006-01-02")
		if _, err := SaveService(ctx, tx, s, now); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

func brief(s Service) app.ServiceBrief {
	return app.ServiceBrief{ID: s.ID, ExternalID: s.ExternalID, ClientID: s.ClientID, Name: s.Name, Kind: s.Kind, State: s.State,
		TariffExternalID: s.Tariff.ExternalID}
}
