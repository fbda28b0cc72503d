package admin

import (
	"database/sql"
	"errors"
	"net/mail"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// clientField is one text input of the client form: its name (the API's field name),
// label key and longest value (the API's limits, so both doors accept the same).
type clientField struct {
	Name, Label string
	Max         int
	Type        string // input type: text, email, tel
}

// The form's text inputs, in the order shown, grouped as the card groups them.
var (
	clientIdentity = []clientField{{"number", "admin.client.number_long", 32, "text"}, {"username", "admin.client.username", 64, "text"},
		{"name", "admin.client.name", 200, "text"}, {"company", "admin.client.company", 200, "text"},
		{"registration_no", "admin.client.registration_no", 32, "text"}, {"vat_no", "admin.client.vat_no", 32, "text"}}
	clientContact = []clientField{{"email", "admin.client.email", 254, "email"}, {"phone", "admin.client.phone", 32, "tel"},
		{"mobile", "admin.client.mobile", 32, "tel"}, {"street", "admin.client.street", 200, "text"},
		{"city", "admin.client.city", 100, "text"}, {"postcode", "admin.client.postcode", 16, "text"},
		{"country", "admin.client.country", 2, "text"}}
	clientInvoicing = []clientField{{"inv_street", "admin.client.street", 200, "text"}, {"inv_city", "admin.client.city", 100, "text"},
		{"inv_postcode", "admin.client.postcode", 16, "text"}, {"inv_country", "admin.client.country", 2, "text"}}
)

// clientFormData is the client form: new (Client.ID 0) or an existing client.
type clientFormData struct {
	Client                       core.Client
	Identity, Contact, Invoicing []clientField
	Groups                       []core.InvoiceGroup
	UsernamesOn                  bool
	Stale                        bool // the save was refused: changed by someone else
}

// clientValues are a client's fields as the form shows them.
func clientValues(cl core.Client) map[string]string {
	v := map[string]string{"number": cl.Number, "username": cl.Username, "name": cl.Name, "company": cl.Company,
		"registration_no": cl.RegistrationNo, "vat_no": cl.VATNo, "email": cl.Email, "phone": cl.Phone, "mobile": cl.Mobile,
		"street": cl.Street, "city": cl.City, "postcode": cl.Postcode, "country": cl.Country, "inv_street": cl.InvStreet,
		"inv_city": cl.InvCity, "inv_postcode": cl.InvPostcode, "inv_country": cl.InvCountry, "language": cl.Language,
		"inactive_reason": cl.InactiveReason, "version": strconv.FormatInt(cl.Version, 10),
		"invoice_group_id": strconv.FormatInt(cl.InvoiceGroupID, 10)}
	if cl.IsBusiness {
		v["is_business"] = "1"
	}
	if cl.Active {
		v["active"] = "1"
	}
	return v
}

// showClientEdit renders GET /admin/clients/:id/edit.
func (m *Module) showClientEdit(c *fiber.Ctx) error {
	cl, err := m.clientParam(c)
	if err != nil {
		return err
	}
	return m.renderClientForm(c, cl, clientValues(cl), nil, false)
}

// showClientNew renders GET /admin/clients/new: a client created by hand, for an ISP
// whose billing system does not push clients.
func (m *Module) showClientNew(c *fiber.Ctx) error {
	return m.renderClientForm(c, core.Client{}, map[string]string{"active": "1"}, nil, false)
}

func (m *Module) renderClientForm(c *fiber.Ctx, cl core.Client, form, errs map[string]string, stale bool) error {
	groups, err := core.Groups(c.UserContext(), m.d.DB.R)
	if err != nil {
		return err
	}
	d := clientFormData{Client: cl, Identity: clientIdentity, Contact: clientContact, Invoicing: clientInvoicing,
		Groups: groups, UsernamesOn: settings.LoginNameCreation.Get(m.d.Settings), Stale: stale}
	title := "admin.client.edit"
	if cl.ID == 0 {
		title = "admin.client.new"
	}
	p := m.d.Web.NewPage(c, title, d)
	p.Form, p.Errors = form, errs
	if len(errs) > 0 || stale {
		p.Status = fiber.StatusUnprocessableEntity
		if stale {
			p.Status = fiber.StatusConflict
		}
	}
	return m.d.Web.Render(c, tplClientForm, p)
}

// readClientForm reads the posted form into cl (whose ID and ExternalID stay) and
// returns the values as typed and the field errors (message keys).
func (m *Module) readClientForm(c *fiber.Ctx, cl core.Client) (core.Client, map[string]string, map[string]string) {
	form, errs := map[string]string{}, map[string]string{}
	for _, group := range [][]clientField{clientIdentity, clientContact, clientInvoicing} {
		for _, f := range group {
			v, bad := web.FormLine(c.FormValue(f.Name))
			form[f.Name] = v
			switch {
			case bad != "":
				errs[f.Name] = bad
			case utf8.RuneCountInString(v) > f.Max:
				errs[f.Name] = "form.too_long"
			}
		}
	}
	reason, bad := web.FormLine(c.FormValue("inactive_reason"))
	form["inactive_reason"] = reason
	if bad != "" {
		errs["inactive_reason"] = bad
	} else if utf8.RuneCountInString(reason) > 500 {
		errs["inactive_reason"] = "form.too_long"
	}
	for _, k := range []string{"language", "invoice_group_id", "version"} {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	// A checkbox follows its hidden "0": the last value wins.
	for _, k := range []string{"is_business", "active"} {
		if vs := c.Request().PostArgs().PeekMulti(k); len(vs) > 0 {
			form[k] = string(vs[len(vs)-1])
		}
	}
	for _, k := range []string{"number", "name"} {
		if form[k] == "" && errs[k] == "" {
			errs[k] = web.KeyRequired
		}
	}
	if e := form["email"]; e != "" && errs["email"] == "" {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			errs["email"] = "admin.client.err_email"
		}
	}
	for _, k := range []string{"country", "inv_country"} {
		if v := form[k]; v != "" && errs[k] == "" && !isCountry(v) {
			errs[k] = "admin.client.err_country"
		}
	}
	if l := form["language"]; l != "" && !web.Supported(l) {
		errs["language"] = "form.invalid"
	}
	group, err := strconv.ParseInt(form["invoice_group_id"], 10, 64)
	if form["invoice_group_id"] == "" {
		group, err = 0, nil
	}
	if err != nil || group < 0 {
		errs["invoice_group_id"] = "form.invalid"
	} else if group != 0 {
		if _, err := core.GroupByID(c.UserContext(), m.d.DB.R, group); err != nil {
			errs["invoice_group_id"] = "form.invalid"
		}
	}
	active := form["active"] == "1"
	if !active && reason == "" && errs["inactive_reason"] == "" {
		errs["inactive_reason"] = "admin.client.err_reason"
	}
	cl.Number, cl.Username, cl.Name, cl.Company = form["number"], form["username"], form["name"], form["company"]
	cl.RegistrationNo, cl.VATNo, cl.Email, cl.Phone, cl.Mobile = form["registration_no"], form["vat_no"], form["email"], form["phone"], form["mobile"]
	cl.Street, cl.City, cl.Postcode, cl.Country = form["street"], form["city"], form["postcode"], strings.ToUpper(form["country"])
	cl.InvStreet, cl.InvCity, cl.InvPostcode, cl.InvCountry = form["inv_street"], form["inv_city"], form["inv_postcode"], strings.ToUpper(form["inv_country"])
	cl.Language, cl.InvoiceGroupID, cl.IsBusiness, cl.Active, cl.InactiveReason = form["language"], group, form["is_business"] == "1", active, reason
	return cl, form, errs
}

// isCountry accepts an ISO 3166 alpha-2 shape: two ASCII letters.
func isCountry(v string) bool {
	if len(v) != 2 {
		return false
	}
	for _, r := range v {
		if (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') {
			return false
		}
	}
	return true
}

// saveClientEdit handles POST /admin/clients/:id/edit. The form carries the version it
// showed: a client saved by someone else since is refused (409) with the form as
// typed, and nothing is overwritten.
func (m *Module) saveClientEdit(c *fiber.Ctx) error {
	cl, err := m.clientParam(c)
	if err != nil {
		return err
	}
	version, err := strconv.ParseInt(strings.TrimSpace(c.FormValue("version")), 10, 64)
	if err != nil || version <= 0 {
		return fiber.ErrBadRequest
	}
	return m.storeClientForm(c, cl, version)
}

// saveClientNew handles POST /admin/clients/new.
func (m *Module) saveClientNew(c *fiber.Ctx) error {
	return m.storeClientForm(c, core.Client{}, 0)
}

// storeClientForm checks the form and stores it with rpc.StoreClient, the function
// behind the API's clients.add and clients.edit, auditing the change.
func (m *Module) storeClientForm(c *fiber.Ctx, cl core.Client, version int64) error {
	ctx := c.UserContext()
	before := cl
	next, form, errs := m.readClientForm(c, cl)
	if len(errs) > 0 {
		return m.renderClientForm(c, before, form, errs, false)
	}
	var id int64
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		if id, err = rpc.StoreClient(ctx, tx, m.d.Settings, next, version, m.d.Now()); err != nil {
			return err
		}
		action, detail := "client.edit", "changed "+strings.Join(changedFields(before, next), ", ")
		if before.ID == 0 {
			action, detail = "client.add", "number "+next.Number
		}
		if before.ID != 0 && before.Active != next.Active {
			if next.Active {
				detail += "; activated"
			} else {
				detail += "; deactivated: " + next.InactiveReason
			}
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), action, id, detail)
	})
	var fe *core.FieldError
	var taken *core.LoginNameTakenError
	switch {
	case errors.Is(err, core.ErrStale):
		if cur, lerr := core.ClientByID(ctx, m.d.DB.R, before.ID); lerr == nil {
			before = cur
		}
		// The form keeps what was typed; its version becomes the current one, so
		// that saving again (after looking at the card) is a deliberate overwrite.
		form["version"] = strconv.FormatInt(before.Version, 10)
		return m.renderClientForm(c, before, form, nil, true)
	case errors.As(err, &taken):
		return m.renderClientForm(c, before, form, map[string]string{taken.Field: "admin.client.err_taken"}, false)
	case errors.Is(err, core.ErrUsernamesOff):
		return m.renderClientForm(c, before, form, map[string]string{"username": "admin.client.err_username_off"}, false)
	case errors.As(err, &fe):
		return m.renderClientForm(c, before, form, map[string]string{fe.Field: web.KeyControl}, false)
	case err != nil:
		return err
	}
	m.d.Web.AddFlash(c, "ok", "form.saved")
	return m.d.Web.Redirect(c, "/admin/clients/"+strconv.FormatInt(id, 10))
}

// changedFields names the fields a save changes, for the audit entry.
func changedFields(a, b core.Client) []string {
	va, vb := clientValues(a), clientValues(b)
	var out []string
	for _, group := range [][]clientField{clientIdentity, clientContact, clientInvoicing} {
		for _, f := range group {
			if va[f.Name] != vb[f.Name] {
				out = append(out, f.Name)
			}
		}
	}
	for _, k := range []string{"language", "invoice_group_id", "is_business", "active", "inactive_reason"} {
		if va[k] != vb[k] {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		out = []string{"nothing"}
	}
	return out
}
