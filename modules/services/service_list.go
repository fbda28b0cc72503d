package services

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/modules/services/traffic"
	"github.com/ispportal/portal/settings"
)

// serviceView is one service as the pages show it.
type serviceView struct {
	Service
	// Speed is "100 Mbit/s / 20 Mbit/s" (download / upload), "" when not set.
	Speed string
	// FUPSpeed is the reduced speed beyond the FUP limit, "" without FUP.
	FUPSpeed string
	// FUPLimit is the formatted data limit, "" without FUP.
	FUPLimit string
	// ViaDHCP replaces the IP address with the text "Via DHCP".
	ViaDHCP bool
	// TrafficURL is set when the Data transferred button is shown.
	TrafficURL string
}

// listData is the services page.
type listData struct {
	Services []serviceView
	SheetURL string
	// PayPath is the Pay online page, offered when a service is suspended ("" when
	// none is, or paying online is not possible).
	PayPath string
}

// trafficShown is the one rule for the Data transferred button and the traffic
// page: an Internet service that is not terminated, ci_display_graph_tab on, and a
// tariff without "do not show transferred data and FUP in the portal".
func (m *Module) trafficShown(s Service) bool {
	return s.IsInternet() && s.State != StateTerminated && !s.Tariff.HideTraffic &&
		settings.DisplayGraphTab.Get(m.d.Settings)
}

func (m *Module) view(s Service, lang string) serviceView {
	v := serviceView{Service: s, ViaDHCP: s.IsInternet() && s.DHCP}
	v.Speed = speed(s.Tariff.DownKbit, s.Tariff.UpKbit, lang)
	if s.Tariff.HasFUP() {
		v.FUPSpeed = speed(s.Tariff.FUPDownKbit, s.Tariff.FUPUpKbit, lang)
		v.FUPLimit = traffic.FormatBytes(uint64(s.Tariff.FUPLimit), lang)
	}
	if m.trafficShown(s) {
		v.TrafficURL = m.d.Web.BasePath + Prefix + "/" + strconv.FormatInt(s.ID, 10) + "/traffic"
	}
	return v
}

// speed formats download / upload speeds given in kbit/s.
func speed(down, up int64, lang string) string {
	if down <= 0 && up <= 0 {
		return ""
	}
	return traffic.FormatBits(float64(down)*1000, lang) + " / " + traffic.FormatBits(float64(up)*1000, lang)
}

// showServiceList is the Services tab: the client's active and suspended services.
func (m *Module) showServiceList(c *fiber.Ctx) error {
	list, err := ListServices(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c), ListFilter{})
	if err != nil {
		return err
	}
	lang := m.d.Web.Lang(c)
	data := listData{SheetURL: m.d.Web.BasePath + Prefix + pathSheet}
	for _, s := range list {
		data.Services = append(data.Services, m.view(s, lang))
		if s.State == StateSuspended && data.PayPath == "" && m.d.Hooks.PayPath != nil {
			data.PayPath = m.d.Hooks.PayPath(c.UserContext(), 0)
		}
	}
	return m.d.Web.Show(c, tplList, "services.title", data)
}
