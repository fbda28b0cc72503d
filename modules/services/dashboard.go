package services

import (
	"html/template"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/modules/services/traffic"
)

// dashService is one service of the dashboard card: its state and, for an Internet
// service with a FUP whose traffic is shown, the meter of the current period.
type dashService struct {
	ID                int64
	Name, Kind, State string
	FUP               *FUPStatus
	FUPUsed, FUPLimit string
	TrafficURL        string
}

// dashboardCard declares the services card (always on, like the Services tab).
func (m *Module) dashboardCard() app.DashboardCard {
	return app.DashboardCard{Name: "services", Order: 20, Render: m.renderDashboardCard}
}

func (m *Module) renderDashboardCard(c *fiber.Ctx) (template.HTML, error) {
	ctx := c.UserContext()
	list, err := ListServices(ctx, m.d.DB.R, m.d.Web.ClientID(c), ListFilter{})
	if err != nil {
		return "", err
	}
	lang := m.d.Web.Lang(c)
	out := make([]dashService, 0, len(list))
	for _, s := range list {
		v := m.view(s, lang)
		d := dashService{ID: s.ID, Name: s.Name, Kind: s.Kind, State: s.State, TrafficURL: v.TrafficURL}
		if v.TrafficURL != "" {
			f, ok, err := FUP(ctx, m.store(), s, m.d.Now())
			if err != nil {
				return "", err
			}
			if ok {
				d.FUP, d.FUPUsed, d.FUPLimit = &f, traffic.FormatBytes(f.Used, lang), traffic.FormatBytes(f.Limit, lang)
			}
		}
		out = append(out, d)
	}
	return m.d.Web.Partial(c, "services/dashboard", out, nil)
}
