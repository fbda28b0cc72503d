package info

import (
	"reflect"
	"regexp"
	"strings"

	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
)

// ContactData is what a client may change about themselves. The company fields apply
// to businesses only.
type ContactData struct {
	Street       string `form:"street" validate:"required,max=100,nocontrol,nohtml"`
	City         string `form:"city" validate:"required,max=100,nocontrol,nohtml"`
	Postcode     string `form:"postcode" validate:"required,max=12,nocontrol,postcode_iso3166_alpha2_field=Country"`
	Country      string `form:"country" validate:"required,iso3166_1_alpha2"`
	InvStreet    string `form:"inv_street" validate:"omitempty,max=100,nocontrol,nohtml"`
	InvCity      string `form:"inv_city" validate:"omitempty,max=100,nocontrol,nohtml"`
	InvPostcode  string `form:"inv_postcode" validate:"omitempty,max=12,nocontrol,postcode_iso3166_alpha2_field=InvCountry"`
	InvCountry   string `form:"inv_country" validate:"omitempty,iso3166_1_alpha2"`
	Email        string `form:"email" validate:"required,max=254,nocontrol,email"`
	Phone        string `form:"phone" validate:"omitempty,max=30,phone"`
	Mobile       string `form:"mobile" validate:"omitempty,max=30,phone"`
	Company      string `form:"company" validate:"omitempty,max=150,nocontrol,nohtml"`
	Registration string `form:"registration_no" validate:"omitempty,max=20,alphanum"`
	VAT          string `form:"vat_no" validate:"omitempty,max=20,alphanum"`
}

// dataFields lists the form fields in display order, with the client's column name
// used in the change history.
var dataFields = []string{"street", "city", "postcode", "country", "inv_street", "inv_city", "inv_postcode", "inv_country",
	"email", "phone", "mobile", "company", "registration_no", "vat_no"}

// businessFields are ignored for private persons.
var businessFields = map[string]bool{"company": true, "registration_no": true, "vat_no": true}

// fieldPtrs maps form names to the struct's fields, so that the form, the client row
// and the history can be handled in one loop.
func (d *ContactData) fieldPtrs() map[string]*string {
	return map[string]*string{"street": &d.Street, "city": &d.City, "postcode": &d.Postcode, "country": &d.Country,
		"inv_street": &d.InvStreet, "inv_city": &d.InvCity, "inv_postcode": &d.InvPostcode, "inv_country": &d.InvCountry,
		"email": &d.Email, "phone": &d.Phone, "mobile": &d.Mobile, "company": &d.Company,
		"registration_no": &d.Registration, "vat_no": &d.VAT}
}

func clientPtrs(c *core.Client) map[string]*string {
	return map[string]*string{"street": &c.Street, "city": &c.City, "postcode": &c.Postcode, "country": &c.Country,
		"inv_street": &c.InvStreet, "inv_city": &c.InvCity, "inv_postcode": &c.InvPostcode, "inv_country": &c.InvCountry,
		"email": &c.Email, "phone": &c.Phone, "mobile": &c.Mobile, "company": &c.Company,
		"registration_no": &c.RegistrationNo, "vat_no": &c.VATNo}
}

// contactDataOf returns a client's current contact data.
func contactDataOf(c core.Client) ContactData {
	var d ContactData
	src := clientPtrs(&c)
	for name, p := range d.fieldPtrs() {
		*p = *src[name]
	}
	return d
}

// Values returns the data as form values.
func (d ContactData) Values() map[string]string {
	out := map[string]string{}
	for name, p := range d.fieldPtrs() {
		out[name] = *p
	}
	return out
}

// contactDataFromForm reads the posted form. Values are made one line (core.Line:
// line breaks and runs of spaces become one space); country codes and registration
// numbers are normalised the way people type them ("cz", "CZ 123 456").
func contactDataFromForm(c *fiber.Ctx) ContactData {
	var d ContactData
	for name, p := range d.fieldPtrs() {
		v := c.FormValue(name)
		if n, err := core.Line(v); err == nil {
			v = n
		} // a value Line refuses stays as typed, and the nocontrol rule names it
		*p = strings.TrimSpace(v)
	}
	d.Country, d.InvCountry = strings.ToUpper(d.Country), strings.ToUpper(d.InvCountry)
	d.Registration = strings.ReplaceAll(d.Registration, " ", "")
	d.VAT = strings.ToUpper(strings.ReplaceAll(d.VAT, " ", ""))
	if d.InvPostcode != "" && d.InvCountry == "" {
		// An invoicing address in the same country as the mailing one is the usual case.
		d.InvCountry = d.Country
	}
	return d
}

// validate is shared: a validator caches struct metadata and is safe for concurrent use.
var validate = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string { return f.Tag.Get("form") })
	must := func(err error) {
		if err != nil {
			panic(err) // the tags are constants; a bad registration must stop the boot
		}
	}
	must(v.RegisterValidation("nocontrol", func(fl validator.FieldLevel) bool { return core.LineOK(fl.Field().String()) }))
	must(v.RegisterValidation("nohtml", func(fl validator.FieldLevel) bool {
		return !strings.ContainsAny(fl.Field().String(), "<>")
	}))
	must(v.RegisterValidation("phone", func(fl validator.FieldLevel) bool { return validPhone(fl.Field().String()) }))
	return v
}()

var phoneRE = regexp.MustCompile(`^(\+|00)?[0-9]{6,15}$`)

// validPhone accepts a number in international (+420 777 123 456, 00420...) or
// national form (777 123 456), with spaces, dashes, dots, slashes or brackets between
// the digits.
func validPhone(s string) bool {
	if !core.LineOK(s) {
		return false
	}
	compact := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '/', '(', ')':
			return -1
		}
		return r
	}, s)
	return phoneRE.MatchString(compact)
}

// errorKeys maps validator tags to translation keys.
var errorKeys = map[string]string{
	"required":                      "info.err.required",
	"max":                           "info.err.too_long",
	"email":                         "info.err.email",
	"phone":                         "info.err.phone",
	"postcode_iso3166_alpha2_field": "info.err.postcode",
	"iso3166_1_alpha2":              "info.err.country",
	"nocontrol":                     "info.err.control",
	"nohtml":                        "info.err.html",
	"alphanum":                      "info.err.alphanum",
}

// Validate checks the data and returns field -> translation key of the first problem
// of each field; nil when everything is fine.
func (d ContactData) Validate(business bool) map[string]string {
	err := validate.Struct(d)
	if err == nil {
		return nil
	}
	verrs, ok := err.(validator.ValidationErrors)
	if !ok {
		return map[string]string{"street": "info.err.invalid"}
	}
	out := map[string]string{}
	for _, fe := range verrs {
		name := fe.Field()
		if !business && businessFields[name] {
			continue // not shown, not saved
		}
		if _, seen := out[name]; seen {
			continue
		}
		key, ok := errorKeys[fe.Tag()]
		if !ok {
			key = "info.err.invalid"
		}
		out[name] = key
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
