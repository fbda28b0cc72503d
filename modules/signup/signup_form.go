package signup

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/settings"
)

// formData is the sign-up form's view.
type formData struct {
	Currencies []string
	Consents   []app.ConsentGiven
	Ticked     map[int64]bool
	MinLength  int
	Fields     []string // the text inputs, in order
}

// FormFields are the form's text inputs, in order (each labelled signup.field.<name>).
var FormFields = []string{"name", "email", "username"}

// fieldKeys are the form's messages of the service's errors.
var fieldKeys = map[error]string{
	ErrName: "signup.err.name", ErrEmail: "signup.err.email", ErrUsername: "signup.err.username", ErrTaken: "signup.err.taken",
	ErrMismatch: "signup.err.mismatch", ErrCurrency: "signup.err.currency", ErrConsent: "signup.err.consent",
	password.ErrTooShort: "signup.err.pw_short", password.ErrTooLong: "signup.err.pw_long", password.ErrCommon: "signup.err.pw_common",
	password.ErrPersonal: "signup.err.pw_personal", password.ErrInvalidText: "signup.err.pw_invalid",
}

// brandOf is the brand of the request's host (0: the default brand).
func (m *Module) brandOf(c *fiber.Ctx) int64 {
	if b := m.d.Web.BrandOf(c); b != nil && !b.Default {
		return b.ID
	}
	return 0
}

// showForm renders the empty form (the first currency preselected).
func (m *Module) showForm(c *fiber.Ctx) error {
	o, err := m.LoadOffer(c.UserContext(), m.d.DB.R, m.brandOf(c))
	if errors.Is(err, ErrClosed) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	form := map[string]string{"currency": o.Currencies[0]}
	return m.d.Web.ShowForm(c, tplForm, "signup.title", m.formData(o, nil), nil, form)
}

func (m *Module) formData(o Offer, ticked map[int64]bool) formData {
	return formData{Currencies: o.Currencies, Consents: o.Consents, Ticked: ticked,
		MinLength: settings.PasswordMinLength.Get(m.d.Settings), Fields: FormFields}
}

// submitForm handles POST /signup: field errors re-render the form (422, passwords
// not echoed); anything accepted, including a known address and a filled honeypot,
// shows the same "check your mail" page.
func (m *Module) submitForm(c *fiber.Ctx) error {
	w := m.d.Web
	f := Form{Name: c.FormValue("name"), Email: c.FormValue("email"), Username: c.FormValue("username"),
		Password: c.FormValue("password"), Password2: c.FormValue("password2"), Currency: c.FormValue("currency"),
		Language: w.Lang(c), Trap: c.FormValue("website"), IP: w.ClientIP(c), UserAgent: c.Get(fiber.HeaderUserAgent),
		Ticked: map[int64]bool{}}
	f.BrandID = m.brandOf(c)
	for _, v := range c.Context().PostArgs().PeekMulti("consent") {
		if id, ok := core.ParseID(string(v)); ok {
			f.Ticked[id] = true
		}
	}
	errs, err := m.Submit(c.UserContext(), f)
	if errors.Is(err, ErrClosed) {
		return fiber.ErrNotFound
	}
	if err != nil {
		return err
	}
	if errs != nil {
		o, err := m.LoadOffer(c.UserContext(), m.d.DB.R, f.BrandID)
		if err != nil {
			return err
		}
		keys := map[string]string{}
		for field, e := range errs {
			keys[field] = fieldKeys[e]
		}
		form := map[string]string{"name": f.Name, "email": f.Email, "username": f.Username, "currency": f.Currency}
		return w.FormError(c, tplForm, "signup.title", m.formData(o, f.Ticked), keys, form)
	}
	return w.Show(c, tplSent, "signup.sent.title", nil)
}
