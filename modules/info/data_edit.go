package info

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/settings"
)

// mailDataChange is the template purpose of the staff notification.
const mailDataChange = "info_data_change"

func registerMailDefaults(t *mail.Templates) {
	t.RegisterDefault(mailDataChange, "en", "Client $CLIENT_NUMBER$ changed their contact data",
		"Client $CLIENT_NAME$ (no. $CLIENT_NUMBER$) changed their contact data in the portal:\n\n$CHANGES$\n")
	t.RegisterDefault(mailDataChange, "cs", "Klient $CLIENT_NUMBER$ změnil kontaktní údaje",
		"Klient $CLIENT_NAME$ (č. $CLIENT_NUMBER$) změnil v portálu své kontaktní údaje:\n\n$CHANGES$\n")
}

// editPage is the view model of the data change form.
type editPage struct {
	Business bool
	Fields   []fieldDef
}

// fieldDef is one input of the form.
type fieldDef struct {
	Name, Label, Type, Auto string
	Max                     int
}

var fieldDefs = map[string]fieldDef{
	"street": {Type: "text", Auto: "address-line1", Max: 100}, "city": {Type: "text", Auto: "address-level2", Max: 100},
	"postcode": {Type: "text", Auto: "postal-code", Max: 12}, "country": {Type: "text", Auto: "country", Max: 2},
	"inv_street": {Type: "text", Auto: "off", Max: 100}, "inv_city": {Type: "text", Auto: "off", Max: 100},
	"inv_postcode": {Type: "text", Auto: "off", Max: 12}, "inv_country": {Type: "text", Auto: "off", Max: 2},
	"email": {Type: "email", Auto: "email", Max: 254}, "phone": {Type: "tel", Auto: "tel", Max: 30},
	"mobile": {Type: "tel", Auto: "tel", Max: 30}, "company": {Type: "text", Auto: "organization", Max: 150},
	"registration_no": {Type: "text", Auto: "off", Max: 20}, "vat_no": {Type: "text", Auto: "off", Max: 20},
}

func (m *Module) editData(cl *core.Client) editPage {
	var fields []fieldDef
	for _, f := range dataFields {
		if businessFields[f] && !cl.IsBusiness {
			continue
		}
		d := fieldDefs[f]
		d.Name, d.Label = f, "info.f."+f
		fields = append(fields, d)
	}
	return editPage{Business: cl.IsBusiness, Fields: fields}
}

// showDataForm shows the client's contact data in a form.
func (m *Module) showDataForm(c *fiber.Ctx) error {
	cl := m.d.Web.Client(c)
	if cl == nil {
		return fiber.ErrUnauthorized
	}
	p := m.d.Web.NewPage(c, "info.edit_title", m.editData(cl))
	p.Form = contactDataOf(*cl).Values()
	return m.d.Web.Render(c, tplEdit, p)
}

// saveDataForm validates and stores the client's new contact data, records the
// history and tells staff by e-mail in the same transaction.
func (m *Module) saveDataForm(c *fiber.Ctx) error {
	cl := m.d.Web.Client(c)
	if cl == nil {
		return fiber.ErrUnauthorized
	}
	d := contactDataFromForm(c)
	if !cl.IsBusiness {
		// Fields the form does not show keep their stored values.
		d.Company, d.Registration, d.VAT = cl.Company, cl.RegistrationNo, cl.VATNo
	}
	if errs := d.Validate(cl.IsBusiness); errs != nil {
		return m.d.Web.FormError(c, tplEdit, "info.edit_title", m.editData(cl), errs, d.Values())
	}
	ctx := c.UserContext()
	var changed []FieldChange
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		changed, err = ChangeContactData(ctx, tx, cl.ID, d, "client:"+cl.Number, m.d.Web.ClientIP(c), m.d.Now())
		if err != nil || len(changed) == 0 {
			return err
		}
		return m.notifyDataChange(ctx, tx, *cl, changed)
	})
	if err != nil {
		return err
	}
	if len(changed) == 0 {
		m.d.Web.AddFlash(c, "info", "info.edit_nothing")
	} else {
		if to := settings.DataChangeNotify.List(m.d.Settings); len(to) > 0 && m.d.KickMail != nil {
			m.d.KickMail()
		}
		m.d.Web.AddFlash(c, "ok", "info.edit_saved")
	}
	return m.d.Web.Redirect(c, pathInfo)
}

// notifyDataChange queues one mail to each address of ci_data_change_notify_email, in
// the portal's default language (staff read it, not the client).
func (m *Module) notifyDataChange(ctx context.Context, tx *sql.Tx, cl core.Client, changes []FieldChange) error {
	to := settings.DataChangeNotify.List(m.d.Settings)
	if len(to) == 0 {
		return nil
	}
	lang := settings.DefaultLanguage.Get(m.d.Settings)
	var b strings.Builder
	for _, ch := range changes {
		fmt.Fprintf(&b, "%s: %q -> %q\n", m.d.Web.Catalog.T(lang, "info.f."+ch.Field), ch.Old, ch.New)
	}
	t, err := m.d.Mail.Resolve(ctx, mailDataChange, cl.InvoiceGroupID, lang)
	if err != nil {
		return err
	}
	subject, body := mail.Render(t, map[string]string{"CLIENT_NAME": cl.Name, "CLIENT_NUMBER": cl.Number, "CHANGES": b.String()})
	for _, addr := range to {
		if _, err := mail.Enqueue(ctx, tx, mail.Message{To: []string{addr}, Subject: subject, Text: body,
			Purpose: mailDataChange, ClientID: cl.ID, At: m.d.Now()}); err != nil {
			return err
		}
	}
	return nil
}
