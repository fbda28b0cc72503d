package services

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// labelled is a form value or field name with its label key.
type labelled struct{ Name, Label string }

// The tariff form's text inputs and FUP periods.
var (
	tariffFields = []labelled{{"price", "services.staff.f_price"}, {"currency", "services.staff.f_currency"},
		{"down", "services.staff.f_down"}, {"up", "services.staff.f_up"}, {"fup_limit", "services.staff.f_fup_limit"},
		{"fup_down", "services.staff.f_fup_down"}, {"fup_up", "services.staff.f_fup_up"}}
	tariffPeriods = []labelled{{FUPDay, "services.staff.period_day"}, {FUPWeek, "services.staff.period_week"},
		{FUPMonth, "services.staff.period_month"}}
)

// staffTariffsData is the tariffs page: the list and the form (new, or ?edit=ID).
type staffTariffsData struct {
	Tariffs  []Tariff
	Kinds    []string
	Periods  []labelled // FUP periods
	Fields   []labelled // the text inputs, in order
	Editing  int64
	CanWrite bool
}

// tariffValues are a tariff's fields as the form shows them (the FUP limit in GB,
// speeds in kbit/s, the price in the currency's main unit).
func tariffValues(t Tariff) map[string]string {
	v := map[string]string{"id": strconv.FormatInt(t.ID, 10), "name": t.Name, "kind": t.Kind,
		"price": fmt.Sprintf("%d.%02d", t.Price/100, t.Price%100), "currency": t.Currency,
		"down": strconv.FormatInt(t.DownKbit, 10), "up": strconv.FormatInt(t.UpKbit, 10),
		"fup_limit": t.FUPGB(), "fup_period": t.FUPPeriod,
		"fup_down": strconv.FormatInt(t.FUPDownKbit, 10), "fup_up": strconv.FormatInt(t.FUPUpKbit, 10)}
	if t.HideTraffic {
		v["hide_traffic"] = "1"
	}
	return v
}

// showStaffTariffs renders GET /admin/tariffs[?edit=ID].
func (m *Module) showStaffTariffs(c *fiber.Ctx) error {
	form := tariffValues(Tariff{Kind: KindInternet, Currency: "CZK", FUPPeriod: FUPMonth})
	form["id"] = ""
	var editing int64
	if e := c.Query("edit"); e != "" {
		id, ok := core.ParseID(e)
		if !ok {
			return fiber.ErrNotFound
		}
		t, err := TariffByID(c.UserContext(), m.d.DB.R, id)
		if err != nil {
			return err
		}
		form, editing = tariffValues(t), id
	}
	return m.renderStaffTariffs(c, form, nil, editing)
}

func (m *Module) renderStaffTariffs(c *fiber.Ctx, form, errs map[string]string, editing int64) error {
	list, err := ListTariffs(c.UserContext(), m.d.DB.R)
	if err != nil {
		return err
	}
	d := staffTariffsData{Tariffs: list, Kinds: Kinds, Periods: tariffPeriods, Editing: editing, Fields: tariffFields,
		CanWrite: console.Can(m.d.Web, c, perm.ServicesWrite)}
	return m.d.Web.ShowForm(c, tplStaffTariffs, "services.staff.tariffs", d, errs, form)
}

// saveStaffTariff handles POST /admin/tariffs: a new tariff (id empty) or a changed
// one, stored with SaveTariff, the function behind the API's tariffs.add. Every field
// is checked first, so that each refusal stands beside its field and nothing is
// stored unless all pass.
func (m *Module) saveStaffTariff(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form, errs := map[string]string{}, map[string]string{}
	var t Tariff
	if id := strings.TrimSpace(c.FormValue("id")); id != "" {
		n, ok := core.ParseID(id)
		if !ok {
			return fiber.ErrNotFound
		}
		old, err := TariffByID(ctx, m.d.DB.R, n)
		if err != nil {
			return err
		}
		t = old
		form["id"] = id
	}
	var bad string
	form["name"], bad = web.FormLine(c.FormValue("name"))
	switch {
	case bad != "":
		errs["name"] = bad
	case form["name"] == "":
		errs["name"] = web.KeyRequired
	case utf8.RuneCountInString(form["name"]) > 200:
		errs["name"] = "form.too_long"
	}
	t.Name = form["name"]
	form["kind"], t.Kind = c.FormValue("kind"), c.FormValue("kind")
	if !validKind(t.Kind) {
		errs["kind"] = "form.invalid"
	}
	form["price"] = strings.TrimSpace(c.FormValue("price"))
	var err error
	if t.Price, err = parseMoney(form["price"]); err != nil || core.CheckAmount(t.Price) != nil {
		errs["price"] = "services.staff.err_price"
	}
	form["currency"] = strings.ToUpper(strings.TrimSpace(c.FormValue("currency")))
	t.Currency = form["currency"]
	if !isCurrency(t.Currency) {
		errs["currency"] = "services.staff.err_currency"
	}
	for _, f := range []struct {
		name string
		dst  *int64
	}{{"down", &t.DownKbit}, {"up", &t.UpKbit}, {"fup_down", &t.FUPDownKbit}, {"fup_up", &t.FUPUpKbit}} {
		var ok bool
		if form[f.name], *f.dst, ok = formInt(c, f.name); !ok {
			errs[f.name] = "services.staff.err_speed"
		}
	}
	form["fup_limit"] = strings.TrimSpace(c.FormValue("fup_limit"))
	limit := form["fup_limit"]
	if limit == "" {
		limit = "0"
	}
	if t.FUPLimit, err = parseSize(limit + "GB"); err != nil {
		errs["fup_limit"] = "services.staff.err_fup_limit"
	}
	form["fup_period"], t.FUPPeriod = c.FormValue("fup_period"), c.FormValue("fup_period")
	if t.FUPPeriod != FUPDay && t.FUPPeriod != FUPWeek && t.FUPPeriod != FUPMonth {
		errs["fup_period"] = "form.invalid"
	}
	t.HideTraffic = formCheck(c, "hide_traffic")
	if t.HideTraffic {
		form["hide_traffic"] = "1"
	}
	if len(errs) > 0 {
		return m.renderStaffTariffs(c, form, errs, t.ID)
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err := SaveTariff(ctx, tx, t, m.d.Now())
		if err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "tariff.save", 0, fmt.Sprintf("tariff %d: %s, %d/%d kbit/s, FUP %d B/%s → %d/%d, hide traffic %t",
			id, t.Name, t.DownKbit, t.UpKbit, t.FUPLimit, t.FUPPeriod, t.FUPDownKbit, t.FUPUpKbit, t.HideTraffic))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "form.saved")
	return m.d.Web.Redirect(c, console.Path(pathStaffTariffs))
}

// isCurrency accepts three ASCII capital letters (ISO 4217 shape).
func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// FUPGB is the FUP limit in (decimal) gigabytes, as the console's form takes it.
func (t Tariff) FUPGB() string { return strconv.FormatFloat(float64(t.FUPLimit)/1e9, 'f', -1, 64) }
