package sms

import (
	"database/sql"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
)

// maxNameRunes bounds a contact's name.
const maxNameRunes = 100

// contactForm is the view model of the add and edit form.
type contactForm struct {
	ID int64 // 0 when adding
}

func (m *Module) contactTitle(id int64) string {
	if id == 0 {
		return titleContactNew
	}
	return titleContactEdt
}

// showContactForm shows the empty add form, or the edit form of one of the client's
// contacts (another client's id answers 404).
func (m *Module) showContactForm(c *fiber.Ctx) error {
	var id int64
	form := map[string]string{}
	if c.Params("id") != "" {
		var err error
		if id, err = web.IDParam(c, "id"); err != nil {
			return err
		}
		ct, err := ContactByID(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c), id)
		if err != nil {
			return err
		}
		form["name"], form["number"] = ct.Name, ct.Number
	}
	page := m.d.Web.NewPage(c, m.contactTitle(id), contactForm{ID: id})
	page.Form = form
	return m.d.Web.Render(c, tplContactForm, page)
}

// saveContact adds or updates a contact; the number is validated and stored in
// international form.
func (m *Module) saveContact(c *fiber.Ctx) error {
	var id int64
	clientID := m.d.Web.ClientID(c)
	if c.Params("id") != "" {
		var err error
		if id, err = web.IDParam(c, "id"); err != nil {
			return err
		}
		if _, err := ContactByID(c.UserContext(), m.d.DB.R, clientID, id); err != nil {
			return err
		}
	}
	name, bad := web.FormLine(c.FormValue("name"))
	number := strings.TrimSpace(c.FormValue("number"))
	form := map[string]string{"name": name, "number": number}
	errs := map[string]string{}
	switch {
	case bad != "":
		errs["name"] = bad
	case name == "":
		errs["name"] = "sms.err_name_required"
	case utf8.RuneCountInString(name) > maxNameRunes || !utf8.ValidString(name):
		errs["name"] = "sms.err_name_long"
	}
	e164, key := m.checkNumber(number)
	if key != "" {
		errs["number"] = key
	}
	if len(errs) > 0 {
		return m.d.Web.FormError(c, tplContactForm, m.contactTitle(id), contactForm{ID: id}, errs, form)
	}
	err := m.d.DB.Tx(c.UserContext(), func(tx *sql.Tx) error {
		_, err := SaveContact(c.UserContext(), tx, Contact{ID: id, ClientID: clientID, Name: name, Number: e164}, m.d.Now())
		return err
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "sms.contact_saved", name)
	return m.d.Web.Redirect(c, pathContacts)
}
