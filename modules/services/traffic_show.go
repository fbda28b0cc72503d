package services

import (
	"errors"
	"html/template"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/modules/services/traffic"
)

// periods are the graphs of the traffic page, in order.
var periods = []traffic.Period{traffic.Day, traffic.Week, traffic.Month, traffic.Year}

// graphView is one period's graph and totals.
type graphView struct {
	Period   string // day, week, month, year
	URL      string // the page of this period alone
	SVG      template.HTML
	Down, Up string // totals, formatted
	Total    string
	Empty    bool
}

// trafficData is the traffic page.
type trafficData struct {
	Service serviceView
	Graphs  []graphView
	// Single is set on the page of one period (/traffic/year).
	Single   bool
	Empty    bool // no traffic at all in the last year
	FUP      *FUPStatus
	FUPLimit string
	FUPUsed  string
	FUPUntil time.Time // last day of the FUP period
	BackURL  string
	AllURL   string
	Links    []periodLink
}

// periodLink is one entry of the period switcher.
type periodLink struct {
	Period, URL string
	Current     bool
}

// showTraffic is the Data transferred page of one Internet service: graphs of the
// last day, week, month and year (or of one of them), totals and the FUP state.
func (m *Module) showTraffic(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	show := periods
	single := false
	if name := c.Params("period"); name != "" {
		p, ok := traffic.ParsePeriod(name)
		if !ok {
			return fiber.ErrNotFound
		}
		show, single = []traffic.Period{p}, true
	}
	ctx := c.UserContext()
	s, err := ServiceForClient(ctx, m.d.DB.R, m.d.Web.ClientID(c), id)
	if errors.Is(err, core.ErrNotFound) || err == nil && !m.trafficShown(s) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	lang := m.d.Web.Lang(c)
	st := m.store()
	now := m.d.Now()
	base := m.d.Web.BasePath + Prefix + "/" + strconv.FormatInt(id, 10) + "/traffic"
	data := trafficData{Service: m.view(s, lang), Single: single, Empty: true, BackURL: m.d.Web.BasePath + Prefix, AllURL: base}
	for _, p := range periods {
		data.Links = append(data.Links, periodLink{Period: p.String(), URL: base + "/" + p.String(), Current: single && show[0] == p})
	}
	for _, p := range show {
		ser, err := st.Series(ctx, id, p, now)
		if err != nil {
			return err
		}
		g := graphView{Period: p.String(), URL: base + "/" + p.String(),
			SVG:  traffic.RenderSVG(ser, traffic.SVGOptions{Lang: lang, ID: "tg-" + p.String(), Rate: true, Now: now}),
			Down: traffic.FormatBytes(ser.TotalDown, lang), Up: traffic.FormatBytes(ser.TotalUp, lang),
			Total: traffic.FormatBytes(ser.TotalDown+ser.TotalUp, lang), Empty: ser.TotalDown == 0 && ser.TotalUp == 0}
		data.Empty = data.Empty && g.Empty
		data.Graphs = append(data.Graphs, g)
	}
	if f, ok, err := FUP(ctx, st, s, now); err != nil {
		return err
	} else if ok {
		data.FUP = &f
		data.FUPLimit = traffic.FormatBytes(f.Limit, lang)
		data.FUPUsed = traffic.FormatBytes(f.Used, lang)
		data.FUPUntil = f.To.AddDate(0, 0, -1)
	}
	return m.d.Web.Show(c, tplTraffic, "services.traffic.title", data)
}
