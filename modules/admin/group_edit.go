package admin

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"net/url"
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

// Refusals of StoreGroup, each wrapped in a *core.FieldError naming the field.
var (
	ErrGroupEmail    = errors.New("must be an e-mail address")
	ErrGroupWeb      = errors.New("must be an http or https address")
	ErrGroupIBAN     = errors.New("must be an IBAN: two letters, two digits, then up to 30 letters or digits")
	ErrGroupCurrency = errors.New("must be a three-letter currency code such as CZK")
	ErrGroupCountry  = errors.New("must be a two-letter country code such as CZ")
	ErrGroupTooLong  = errors.New("is too long")
	ErrGroupTaken    = errors.New("is the external id of another invoice group")
)

// groupField is one input of the invoice group form: its name (the API's), label key
// and the longest value the API accepts.
type groupField struct {
	Name, Label string
	Max         int
}

// groupFields are the form's inputs in order: the group, then the supplier identity
// the portal's footer and invoices show.
var groupFields = []groupField{{"name", "admin.groups.name", 200}, {"external_id", "admin.groups.external_id", 64},
	{"supplier_name", "admin.groups.supplier_name", 200}, {"street", "admin.client.street", 200}, {"city", "admin.client.city", 100},
	{"postcode", "admin.client.postcode", 16}, {"country", "admin.client.country", 2},
	{"registration_no", "admin.client.registration_no", 32}, {"vat_no", "admin.client.vat_no", 32},
	{"phone", "admin.client.phone", 32}, {"email", "admin.client.email", 254}, {"web", "admin.groups.web", 300},
	{"bank_account", "admin.groups.bank_account", 64}, {"iban", "admin.groups.iban", 34}, {"bic", "admin.groups.bic", 11},
	{"currency", "admin.groups.currency", 3}}

func groupValues(g core.InvoiceGroup) map[string]string {
	return map[string]string{"name": g.Name, "external_id": g.ExternalID, "supplier_name": g.SupplierName, "street": g.Street,
		"city": g.City, "postcode": g.Postcode, "country": g.Country, "registration_no": g.RegistrationNo, "vat_no": g.VATNo,
		"phone": g.Phone, "email": g.Email, "web": g.Web, "bank_account": g.BankAccount, "iban": g.IBAN, "bic": g.BIC,
		"currency": g.Currency}
}

func groupFrom(id int64, v map[string]string) core.InvoiceGroup {
	return core.InvoiceGroup{ID: id, Name: v["name"], ExternalID: v["external_id"], SupplierName: v["supplier_name"],
		Street: v["street"], City: v["city"], Postcode: v["postcode"], Country: v["country"], RegistrationNo: v["registration_no"],
		VATNo: v["vat_no"], Phone: v["phone"], Email: v["email"], Web: v["web"], BankAccount: v["bank_account"], IBAN: v["iban"],
		BIC: v["bic"], Currency: v["currency"]}
}

// StoreGroup is the one write of an invoice group, behind the API's invoiceGroups.add
// and the console's group form: every field one line and within its limit, a name,
// an e-mail address, an http(s) web address, an IBAN and currency of the right shape,
// an external id no other group has. Refusals are *core.FieldError.
func StoreGroup(ctx context.Context, tx *sql.Tx, g core.InvoiceGroup, now time.Time) (int64, error) {
	v := groupValues(g)
	for _, f := range groupFields {
		n, err := core.Line(v[f.Name])
		if err != nil {
			return 0, &core.FieldError{Field: f.Name, Err: err}
		}
		if utf8.RuneCountInString(n) > f.Max {
			return 0, &core.FieldError{Field: f.Name, Err: ErrGroupTooLong}
		}
		v[f.Name] = n
	}
	v["iban"] = strings.ToUpper(strings.ReplaceAll(v["iban"], " ", ""))
	v["currency"], v["country"] = strings.ToUpper(v["currency"]), strings.ToUpper(v["country"])
	if v["currency"] == "" {
		v["currency"] = "CZK"
	}
	switch {
	case v["name"] == "":
		return 0, &core.FieldError{Field: "name", Err: core.ErrNotBlank}
	case v["email"] != "" && !isEmail(v["email"]):
		return 0, &core.FieldError{Field: "email", Err: ErrGroupEmail}
	case v["web"] != "" && !isWebURL(v["web"]):
		return 0, &core.FieldError{Field: "web", Err: ErrGroupWeb}
	case v["iban"] != "" && !isIBAN(v["iban"]):
		return 0, &core.FieldError{Field: "iban", Err: ErrGroupIBAN}
	case !letters(v["currency"], 3):
		return 0, &core.FieldError{Field: "currency", Err: ErrGroupCurrency}
	case v["country"] != "" && !letters(v["country"], 2):
		return 0, &core.FieldError{Field: "country", Err: ErrGroupCountry}
	}
	g = groupFrom(g.ID, v)
	if g.ExternalID != "" {
		var other int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM invoice_groups WHERE external_id = ? AND id <> ?`, g.ExternalID, g.ID).Scan(&other)
		if err == nil {
			return 0, &core.FieldError{Field: "external_id", Err: ErrGroupTaken}
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	return core.SaveGroup(ctx, tx, g, core.Now(now))
}

func isEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

func isIBAN(s string) bool {
	if len(s) < 15 || len(s) > 34 || !letters(s[:2], 2) || s[2] < '0' || s[2] > '9' || s[3] < '0' || s[3] > '9' {
		return false
	}
	for _, r := range s[4:] {
		if (r < '0' || r > '9') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// letters reports whether s is n ASCII letters.
func letters(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') {
			return false
		}
	}
	return true
}

// groupData is the invoice group page: the form, and for an existing group its clients.
type groupData struct {
	Group    core.InvoiceGroup
	Fields   []groupField
	Clients  []core.Client
	More     bool // more clients than shown
	CanWrite bool
	CanRead  struct{ Settings, Templates bool }
}

// groupClientsShown bounds the group page's client list; the client search filters the rest.
const groupClientsShown = 100

// showGroups renders GET /admin/groups: every invoice group with its client count.
func (m *Module) showGroups(c *fiber.Ctx) error {
	type row struct {
		core.InvoiceGroup
		Clients int
	}
	ctx := c.UserContext()
	groups, err := core.Groups(ctx, m.d.DB.R)
	if err != nil {
		return err
	}
	counts := map[int64]int{}
	list, err := core.List(ctx, m.d.DB.R, func(r core.Row) (struct{ ID, N int64 }, error) {
		var x struct{ ID, N int64 }
		return x, r.Scan(&x.ID, &x.N)
	}, `SELECT invoice_group_id, COUNT(*) FROM clients WHERE invoice_group_id IS NOT NULL GROUP BY invoice_group_id`)
	if err != nil {
		return err
	}
	for _, x := range list {
		counts[x.ID] = int(x.N)
	}
	rows := make([]row, 0, len(groups))
	for _, g := range groups {
		rows = append(rows, row{g, counts[g.ID]})
	}
	return m.d.Web.Show(c, tplGroups, "admin.groups.title", struct {
		Groups   []row
		CanWrite bool
	}{rows, m.can(c, perm.GroupsWrite)})
}

// showGroup renders GET /admin/groups/:id (and /admin/groups/new).
func (m *Module) showGroup(c *fiber.Ctx) error {
	g, err := m.groupOf(c)
	if err != nil {
		return err
	}
	return m.renderGroup(c, g, groupValues(g), nil)
}

// groupOf loads the group of :id; the path /groups/new is a new group.
func (m *Module) groupOf(c *fiber.Ctx) (core.InvoiceGroup, error) {
	if c.Params("id") == "" {
		return core.InvoiceGroup{Currency: "CZK"}, nil
	}
	id, err := web.IDParam(c, "id")
	if err != nil {
		return core.InvoiceGroup{}, err
	}
	return core.GroupByID(c.UserContext(), m.d.DB.R, id)
}

func (m *Module) renderGroup(c *fiber.Ctx, g core.InvoiceGroup, form, errs map[string]string) error {
	d := groupData{Group: g, Fields: groupFields, CanWrite: m.can(c, perm.GroupsWrite)}
	d.CanRead.Settings, d.CanRead.Templates = m.can(c, perm.SettingsRead), m.can(c, perm.TemplatesRead)
	if g.ID != 0 {
		list, err := core.SearchClients(c.UserContext(), m.d.DB.R, core.ClientFilter{Group: g.ID, Limit: groupClientsShown + 1})
		if err != nil {
			return err
		}
		d.Clients, d.More = list, len(list) > groupClientsShown
		if d.More {
			d.Clients = list[:groupClientsShown]
		}
	}
	title := "admin.groups.new"
	if g.ID != 0 {
		title = "admin.groups.edit"
	}
	return m.d.Web.ShowForm(c, tplGroup, title, d, errs, form)
}

// groupErrorKeys are the console's messages for StoreGroup's refusals.
var groupErrorKeys = map[error]string{ErrGroupEmail: "admin.client.err_email", ErrGroupWeb: "admin.groups.err_web",
	ErrGroupIBAN: "admin.groups.err_iban", ErrGroupCurrency: "admin.groups.err_currency", ErrGroupCountry: "admin.client.err_country",
	ErrGroupTooLong: "form.too_long", ErrGroupTaken: "admin.groups.err_taken", core.ErrNotBlank: web.KeyRequired}

// saveGroup handles POST /admin/groups/new and POST /admin/groups/:id.
func (m *Module) saveGroup(c *fiber.Ctx) error {
	ctx := c.UserContext()
	g, err := m.groupOf(c)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, f := range groupFields {
		form[f.Name] = c.FormValue(f.Name)
	}
	var id int64
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		if id, err = StoreGroup(ctx, tx, groupFrom(g.ID, form), m.d.Now()); err != nil {
			return err
		}
		action := "group.edit"
		if g.ID == 0 {
			action = "group.add"
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), action, 0, "invoice group "+strconv.FormatInt(id, 10)+": "+form["name"])
	})
	var fe *core.FieldError
	if errors.As(err, &fe) {
		key, ok := groupErrorKeys[fe.Err]
		if !ok {
			key = web.KeyControl
		}
		return m.renderGroup(c, g, form, map[string]string{fe.Field: key})
	}
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "form.saved")
	return m.d.Web.Redirect(c, "/admin/groups/"+strconv.FormatInt(id, 10))
}
