package rates

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
)

// rateRow is a rate in the page's language.
type rateRow struct {
	Prefix, Destination, Price, Fee, Increments, From string
	Future                                            bool
}

// sortLink is a sortable column header.
type sortLink struct {
	Key, Href, Aria string
	Active, Desc    bool
}

type listData struct {
	Lists  []List
	List   List
	Search string
	Sorts  []sortLink
	Rows   []rateRow
	Pager  web.Pager
}

// showRates shows the rates of one of the client's price lists (?list=), searched
// (?q= a prefix or part of a destination), sorted (?sort=prefix|destination|price,
// ?desc=1) and paged. A list id that is not the client's shows the first list.
func (m *Module) showRates(c *fiber.Ctx) error {
	ctx, q, clientID := c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c)
	var tariffs []string
	if h := m.d.Hooks; h != nil && h.ClientServices != nil {
		services, err := h.ClientServices(ctx, q, clientID)
		if err != nil {
			return err
		}
		for _, s := range services {
			if s.State != "terminated" {
				tariffs = append(tariffs, s.TariffExternalID)
			}
		}
	}
	lists, err := ListsFor(ctx, q, tariffs)
	if err != nil {
		return err
	}
	data := listData{Lists: lists, Search: strings.TrimSpace(c.Query("q"))}
	if len([]rune(data.Search)) > 100 {
		data.Search = string([]rune(data.Search)[:100])
	}
	if len(lists) == 0 {
		return m.d.Web.Show(c, tplList, "rates.title", data)
	}
	data.List = lists[0]
	if id, err := strconv.ParseInt(c.Query("list"), 10, 64); err == nil {
		for _, l := range lists {
			if l.ID == id {
				data.List = l
			}
		}
	}
	query := Query{Search: data.Search, Sort: c.Query("sort"), Desc: c.Query("desc") == "1"}
	switch query.Sort {
	case "destination", "price":
	default:
		query.Sort = "prefix"
	}
	total, err := Count(ctx, q, data.List.ID, query)
	if err != nil {
		return err
	}
	data.Pager = web.NewPager(c, total, perPage)
	query.Limit, query.Offset = perPage, data.Pager.Offset()
	list, err := Rates(ctx, q, data.List.ID, query)
	if err != nil {
		return err
	}
	lang := m.d.Web.Lang(c)
	dec := "."
	if lang == "cs" {
		dec = ","
	}
	today := m.d.Now().Format("2006-01-02")
	for _, r := range list {
		from, _ := time.Parse("2006-01-02", r.EffectiveFrom)
		data.Rows = append(data.Rows, rateRow{Prefix: "+" + r.Prefix, Destination: r.Destination,
			Price: FormatPrice(r.Price, dec) + "\u00a0" + data.List.Currency, Fee: FormatPrice(r.ConnectionFee, dec) + "\u00a0" + data.List.Currency,
			Increments: strconv.Itoa(r.FirstIncrement) + "/" + strconv.Itoa(r.NextIncrement), From: web.FormatDate(lang, from),
			Future: r.EffectiveFrom > today})
	}
	for _, key := range []string{"prefix", "destination", "price"} {
		v := url.Values{"list": {strconv.FormatInt(data.List.ID, 10)}, "sort": {key}}
		if data.Search != "" {
			v.Set("q", data.Search)
		}
		active := key == query.Sort
		if active && !query.Desc {
			v.Set("desc", "1")
		}
		s := sortLink{Key: key, Href: m.d.Web.BasePath + Prefix + "?" + v.Encode(), Active: active, Desc: active && query.Desc, Aria: "none"}
		if active {
			s.Aria = map[bool]string{false: "ascending", true: "descending"}[query.Desc]
		}
		data.Sorts = append(data.Sorts, s)
	}
	return m.d.Web.Show(c, tplList, "rates.title", data)
}
