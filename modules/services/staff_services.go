package services

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// staffServiceRow is a line of the console's services list: the service and its client.
type staffServiceRow struct {
	Service
	ClientNumber, ClientName string
}

// staffServicesData is the services list.
type staffServicesData struct {
	Q, State string
	States   []string
	List     []staffServiceRow
	CanWrite bool
}

// staffListLimit bounds the list; staff narrow it with the search.
const staffListLimit = 200

// showStaffServices renders GET /admin/services?q=&state=: every client's services,
// searched by service name, IP address, installation address or client number.
func (m *Module) showStaffServices(c *fiber.Ctx) error {
	d := staffServicesData{Q: strings.TrimSpace(c.Query("q")), State: c.Query("state"),
		States: []string{StateActive, StateSuspended, StateTerminated}, CanWrite: console.Can(m.d.Web, c, perm.ServicesWrite)}
	if utf8.RuneCountInString(d.Q) > 100 {
		d.Q = string([]rune(d.Q)[:100])
	}
	if d.State != StateActive && d.State != StateSuspended && d.State != StateTerminated {
		d.State = ""
	}
	ctx := c.UserContext()
	query, args, err := m.staffServicesSearch(ctx, d.Q, d.State)
	if err != nil {
		return err
	}
	d.List, err = core.List(ctx, m.d.DB.R, func(r core.Row) (staffServiceRow, error) {
		var row staffServiceRow
		s, err := scanService(r, &row.ClientNumber, &row.ClientName)
		row.Service = s
		return row, err
	}, query, args...)
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplStaffList, "services.staff.list", d)
}

// staffServicesSearch chooses how the list finds services containing text: on SQLite,
// a text of three characters or more that few services (by their own fields or their
// client's number and name) contain is looked up in the trigram indexes, and only
// those are checked and sorted; anything else is walked in the list's order.
func (m *Module) staffServicesSearch(ctx context.Context, text, state string) (string, []any, error) {
	like := "%" + core.LikeEscape(text) + "%"
	args := []any{state, state, like, like, like, like, like, staffListLimit}
	if !core.IndexedOn(m.d.DB.Dialect) {
		return staffServicesQuery, args, nil
	}
	phrase, few, err := core.FewTrigramHits(ctx, m.d.DB.R, text, staffServicesHits, 2)
	if err != nil || !few {
		return staffServicesQuery, args, err
	}
	return staffServicesFound, append([]any{phrase, phrase}, args...), nil
}

// staffServicesWhere is what the list shows: a state (or any) and the text (LIKE
// '%text%', escaped) in the service's name, IP address or address, or its client's
// number or name.
const staffServicesWhere = `(? = '' OR s.state = ?)
		  AND (lower(s.name) LIKE lower(?) ESCAPE '\' OR lower(s.ip_address) LIKE lower(?) ESCAPE '\'
		       OR lower(s.address) LIKE lower(?) ESCAPE '\' OR lower(c.number) LIKE lower(?) ESCAPE '\'
		       OR lower(c.name) LIKE lower(?) ESCAPE '\')
		ORDER BY c.number, s.name, s.id LIMIT ?`

// staffServicesQuery is the console's services list. CROSS JOIN has SQLite walk the
// clients in number order and each client's services in name order (index
// services_client_name), which is the list's order: it stops at the page's end
// instead of sorting every service. PostgreSQL plans the joins its own way.
const staffServicesQuery = `SELECT c.number, c.name, ` + serviceCols + ` FROM clients c CROSS JOIN services s
		JOIN tariffs t ON t.id = s.tariff_id
		WHERE s.client_id = c.id AND ` + staffServicesWhere

// staffServicesHits are the ids of the services whose own fields, or whose client's
// number or name, the trigram indexes find the phrase (given twice) in: a superset of
// what the LIKE conditions match (the indexes fold the case of every script).
const staffServicesHits = `SELECT rowid AS found FROM services_search WHERE services_search MATCH ?
		UNION SELECT hit.id FROM clients_search JOIN services hit ON hit.client_id = clients_search.rowid
		WHERE clients_search MATCH '{number name} : ' || ?`

// staffServicesFound checks and sorts only the services of staffServicesHits (SQLite).
const staffServicesFound = `SELECT c.number, c.name, ` + serviceCols + ` FROM (` + staffServicesHits + `) hits
		CROSS JOIN services s ON s.id = hits.found
		JOIN clients c ON c.id = s.client_id JOIN tariffs t ON t.id = s.tariff_id
		WHERE ` + staffServicesWhere

// staffServiceData is the service form: a new service of Client, or Service.
type staffServiceData struct {
	Client  core.Client
	Service Service
	Tariffs []Tariff
	Kinds   []string
	States  []string
}

func serviceValues(s Service) map[string]string {
	v := map[string]string{"name": s.Name, "kind": s.Kind, "tariff": strconv.FormatInt(s.TariffID, 10), "state": s.State,
		"activated_on": s.ActivatedOn, "address": s.Address, "ip": s.IP, "mac": s.MAC}
	if s.DHCP {
		v["dhcp"] = "1"
	}
	if s.PriceOverride != nil {
		v["price"] = fmt.Sprintf("%d.%02d", *s.PriceOverride/100, *s.PriceOverride%100)
	}
	v["params"] = paramsText(s.Params)
	return v
}

// The console's parameter lines: "Name = Value", one a line, as the CLI's --param.
const (
	maxFormParams = 50
	maxParamName  = 100
	maxParamValue = 500
)

func paramsText(ps []Param) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.Name + " = " + p.Value + "\n")
	}
	return b.String()
}

// parseParams reads the parameter lines; blank lines are skipped. The error is the
// field's message key.
func parseParams(text string) ([]Param, string) {
	var out []Param
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		n, badN := web.FormLine(name)
		v, badV := web.FormLine(value)
		switch {
		case badN != "" || badV != "":
			return nil, web.KeyControl
		case !ok || n == "":
			return nil, "services.staff.err_param_line"
		case utf8.RuneCountInString(n) > maxParamName || utf8.RuneCountInString(v) > maxParamValue:
			return nil, "services.staff.err_param_long"
		}
		out = append(out, Param{Name: n, Value: v})
	}
	if len(out) > maxFormParams {
		return nil, "services.staff.err_param_count"
	}
	return out, ""
}

// posted reports whether the form sent the field at all (empty counts).
func posted(c *fiber.Ctx, name string) bool { return c.Context().PostArgs().Has(name) }

func priceText(p *int64) string {
	if p == nil {
		return "of the tariff"
	}
	return fmt.Sprintf("%d.%02d", *p/100, *p%100)
}

// showStaffServiceNew renders GET /admin/clients/:id/services/new.
func (m *Module) showStaffServiceNew(c *fiber.Ctx) error {
	cl, err := m.staffClientParam(c)
	if err != nil {
		return err
	}
	return m.renderStaffService(c, cl, Service{}, serviceValues(Service{Kind: KindInternet, State: StateActive}), nil)
}

// showStaffServiceEdit renders GET /admin/services/:id/edit.
func (m *Module) showStaffServiceEdit(c *fiber.Ctx) error {
	s, cl, err := m.staffServiceParam(c)
	if err != nil {
		return err
	}
	if s.Params, err = ServiceParams(c.UserContext(), m.d.DB.R, s.ID); err != nil {
		return err
	}
	return m.renderStaffService(c, cl, s, serviceValues(s), nil)
}

func (m *Module) staffClientParam(c *fiber.Ctx) (core.Client, error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return core.Client{}, err
	}
	return core.ClientByID(c.UserContext(), m.d.DB.R, id)
}

func (m *Module) staffServiceParam(c *fiber.Ctx) (Service, core.Client, error) {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return Service{}, core.Client{}, err
	}
	s, err := ServiceByID(c.UserContext(), m.d.DB.R, id)
	if err != nil {
		return s, core.Client{}, err
	}
	cl, err := core.ClientByID(c.UserContext(), m.d.DB.R, s.ClientID)
	return s, cl, err
}

func (m *Module) renderStaffService(c *fiber.Ctx, cl core.Client, s Service, form, errs map[string]string) error {
	tariffs, err := ListTariffs(c.UserContext(), m.d.DB.R)
	if err != nil {
		return err
	}
	d := staffServiceData{Client: cl, Service: s, Tariffs: tariffs, Kinds: Kinds, States: []string{StateActive, StateSuspended, StateTerminated}}
	title := "services.staff.edit"
	if s.ID == 0 {
		title = "services.staff.new"
	}
	return m.d.Web.ShowForm(c, tplStaffService, title, d, errs, form)
}

// saveStaffService handles POST /admin/clients/:id/services/new and POST
// /admin/services/:id/edit, storing with SaveService, the function behind the API's
// services.add. The configuration parameters a service has are kept.
func (m *Module) saveStaffService(c *fiber.Ctx) error {
	ctx := c.UserContext()
	var s Service
	var cl core.Client
	var err error
	if strings.HasSuffix(c.Path(), "/edit") {
		if s, cl, err = m.staffServiceParam(c); err != nil {
			return err
		}
		if s.Params, err = ServiceParams(ctx, m.d.DB.R, s.ID); err != nil {
			return err
		}
	} else {
		if cl, err = m.staffClientParam(c); err != nil {
			return err
		}
		s.ClientID = cl.ID
	}
	before := s
	form, errs := map[string]string{}, map[string]string{}
	for _, f := range []struct {
		name string
		dst  *string
		max  int
	}{{"name", &s.Name, 200}, {"address", &s.Address, 300}, {"ip", &s.IP, 64}, {"mac", &s.MAC, 64}} {
		v, bad := web.FormLine(c.FormValue(f.name))
		form[f.name], *f.dst = v, v
		switch {
		case bad != "":
			errs[f.name] = bad
		case utf8.RuneCountInString(v) > f.max:
			errs[f.name] = "form.too_long"
		}
	}
	if s.Name == "" && errs["name"] == "" {
		errs["name"] = web.KeyRequired
	}
	if s.IP != "" && errs["ip"] == "" {
		if _, err := netip.ParseAddr(s.IP); err != nil {
			if _, err := netip.ParsePrefix(s.IP); err != nil {
				errs["ip"] = "services.staff.err_ip"
			}
		}
	}
	form["kind"], s.Kind = c.FormValue("kind"), c.FormValue("kind")
	if !validKind(s.Kind) {
		errs["kind"] = "form.invalid"
	}
	form["state"], s.State = c.FormValue("state"), c.FormValue("state")
	if s.State != StateActive && s.State != StateSuspended && s.State != StateTerminated {
		errs["state"] = "form.invalid"
	}
	form["activated_on"] = strings.TrimSpace(c.FormValue("activated_on"))
	s.ActivatedOn = form["activated_on"]
	if s.ActivatedOn != "" {
		if _, err := time.Parse(time.DateOnly, s.ActivatedOn); err != nil {
			errs["activated_on"] = "form.invalid"
		}
	}
	form["tariff"] = c.FormValue("tariff")
	if id, ok := core.ParseID(form["tariff"]); !ok {
		errs["tariff"] = web.KeyRequired
	} else if _, err := TariffByID(ctx, m.d.DB.R, id); err != nil {
		errs["tariff"] = "form.invalid"
	} else {
		s.TariffID = id
	}
	// The price for this service only; empty: the tariff's. A form without the field
	// (an older page, a script) keeps the price and the parameters as they are.
	form["price"] = strings.TrimSpace(c.FormValue("price"))
	if posted(c, "price") {
		s.PriceOverride = nil
	}
	if form["price"] != "" {
		if p, err := parseMoney(form["price"]); err != nil || core.CheckAmount(p) != nil {
			errs["price"] = "services.staff.err_price"
		} else {
			s.PriceOverride = &p
		}
	}
	form["params"] = c.FormValue("params")
	if !posted(c, "params") {
		form["params"] = paramsText(s.Params)
	} else if ps, bad := parseParams(form["params"]); bad != "" {
		errs["params"] = bad
	} else {
		s.Params = ps
	}
	s.DHCP = formCheck(c, "dhcp")
	if s.DHCP {
		form["dhcp"] = "1"
	}
	if len(errs) > 0 {
		return m.renderStaffService(c, cl, before, form, errs)
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err := SaveService(ctx, tx, s, m.d.Now())
		if err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "service.save", cl.ID, fmt.Sprintf("service %d: %s, tariff %d, %s, ip %s, dhcp %t, price %s, %d parameters",
			id, s.Name, s.TariffID, s.State, s.IP, s.DHCP, priceText(s.PriceOverride), len(s.Params)))
	})
	var fe *core.FieldError
	if errors.As(err, &fe) {
		return m.renderStaffService(c, cl, before, form, map[string]string{"name": web.KeyControl})
	}
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "form.saved")
	return m.d.Web.Redirect(c, console.Path("/clients/"+strconv.FormatInt(cl.ID, 10)+"#c-services"))
}
