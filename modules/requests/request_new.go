package requests

import (
	"context"
	"database/sql"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// mailNew is the template purpose of the copy sent to staff.
const mailNew = "requests_new"

func registerMailDefaults(t *mail.Templates) {
	t.RegisterDefault(mailNew, "en", "Support request #$REQUEST_ID$ from client $CLIENT_NUMBER$: $SUBJECT$",
		"Client: $CLIENT_NAME$ (no. $CLIENT_NUMBER$)\nE-mail: $CLIENT_EMAIL$\nPhone: $CLIENT_PHONE$\n"+
			"Category: $CATEGORY$\nSubject: $SUBJECT$\n\n$TEXT$\n")
	t.RegisterDefault(mailNew, "cs", "Požadavek #$REQUEST_ID$ od klienta $CLIENT_NUMBER$: $SUBJECT$",
		"Klient: $CLIENT_NAME$ (č. $CLIENT_NUMBER$)\nE-mail: $CLIENT_EMAIL$\nTelefon: $CLIENT_PHONE$\n"+
			"Kategorie: $CATEGORY$\nPředmět: $SUBJECT$\n\n$TEXT$\n")
	registerReplyMail(t)
}

// requestForm is what the client posts.
type requestForm struct {
	Subject  string `form:"subject" validate:"required,max=200,oneline"`
	Category string `form:"category" validate:"required,oneof=technical service_change invoicing other"`
	Text     string `form:"text" validate:"required,max=10000,multiline"`
}

var validate = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string { return f.Tag.Get("form") })
	must := func(err error) {
		if err != nil {
			panic(err) // the tags are constants; a bad registration must stop the boot
		}
	}
	must(v.RegisterValidation("oneline", func(fl validator.FieldLevel) bool { return core.LineOK(fl.Field().String()) }))
	must(v.RegisterValidation("multiline", func(fl validator.FieldLevel) bool { return core.TextOK(fl.Field().String()) }))
	return v
}()

var errorKeys = map[string]string{
	"required": "requests.err.required", "max": "requests.err.too_long", "oneof": "requests.err.category",
	"oneline": "requests.err.control", "multiline": "requests.err.control",
}

func (f requestForm) validate() map[string]string {
	err := validate.Struct(f)
	if err == nil {
		return nil
	}
	out := map[string]string{}
	if verrs, ok := err.(validator.ValidationErrors); ok {
		for _, fe := range verrs {
			if key, ok := errorKeys[fe.Tag()]; ok {
				out[fe.Field()] = key
			} else {
				out[fe.Field()] = "requests.err.invalid"
			}
		}
	}
	if len(out) == 0 {
		out["subject"] = "requests.err.invalid"
	}
	return out
}

// formPage is the view model of the form.
type formPage struct{ Categories []string }

// showRequestForm shows an empty request form.
func (m *Module) showRequestForm(c *fiber.Ctx) error {
	p := m.d.Web.NewPage(c, "requests.new_title", formPage{Categories: Categories})
	p.Form = map[string]string{"category": c.Query("category")}
	return m.d.Web.Render(c, tplNew, p)
}

// saveRequestForm stores the request and queues the copies for staff in one
// transaction, then shows the stored request.
func (m *Module) saveRequestForm(c *fiber.Ctx) error {
	cl := m.d.Web.Client(c)
	if cl == nil {
		return fiber.ErrUnauthorized
	}
	// Through the shared normaliser: the subject is made one line (it is also a mail
	// subject), the text keeps its lines. What it refuses stays as typed, and the
	// oneline/multiline rules name the field.
	subject, _ := web.FormLine(c.FormValue("subject"))
	text, _ := web.FormText(c.FormValue("text"))
	f := requestForm{Subject: subject, Category: c.FormValue("category"), Text: strings.TrimSpace(text)}
	if errs := f.validate(); errs != nil {
		return m.d.Web.FormError(c, tplNew, "requests.new_title", formPage{Categories: Categories}, errs,
			map[string]string{"subject": f.Subject, "category": f.Category, "text": f.Text})
	}
	ctx := c.UserContext()
	now := m.d.Now()
	var id int64
	var queued int
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = SaveRequest(ctx, tx, Request{ClientID: cl.ID, Subject: f.Subject, Category: f.Category, Body: f.Text}, now)
		if err != nil {
			return err
		}
		if err := assignNew(ctx, tx, id, cl.Name, now); err != nil {
			return err
		}
		if err := core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "client:" + cl.Number, Action: "request.new",
			ClientID: cl.ID, Detail: "request " + strconv.FormatInt(id, 10), IP: m.d.Web.ClientIP(c)}); err != nil {
			return err
		}
		queued, err = m.mailStaff(ctx, tx, *cl, id, f)
		return err
	})
	if err != nil {
		return err
	}
	if queued > 0 && m.d.KickMail != nil {
		m.d.KickMail()
	}
	m.d.Web.AddFlash(c, "ok", "requests.sent")
	return m.d.Web.Redirect(c, pathRequests+"/"+strconv.FormatInt(id, 10))
}

// Recipients returns every address that gets a copy of a support request: those of
// ci_auth_requests_forwarding_email and active staff with both "send tasks via e-mail"
// and "send portal requests" on, each once.
func Recipients(ctx context.Context, q core.Querier, st *settings.Store) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(a string) {
		a = strings.TrimSpace(a)
		if a != "" && !seen[strings.ToLower(a)] {
			seen[strings.ToLower(a)] = true
			out = append(out, a)
		}
	}
	for _, a := range settings.AuthRequestsForward.List(st) {
		add(a)
	}
	staff, err := FlaggedStaff(ctx, q)
	for _, s := range staff {
		add(s.Email)
	}
	return out, err
}

// mailStaff queues one copy per recipient, so that no recipient sees the others'
// addresses, in the portal's default language.
func (m *Module) mailStaff(ctx context.Context, tx *sql.Tx, cl core.Client, id int64, f requestForm) (int, error) {
	to, err := Recipients(ctx, tx, m.d.Settings)
	if err != nil || len(to) == 0 {
		return 0, err
	}
	lang := settings.DefaultLanguage.Get(m.d.Settings)
	t, err := m.d.Mail.Resolve(ctx, mailNew, cl.InvoiceGroupID, lang)
	if err != nil {
		return 0, err
	}
	subject, body := mail.Render(t, map[string]string{"REQUEST_ID": strconv.FormatInt(id, 10), "CLIENT_NAME": cl.Name,
		"CLIENT_NUMBER": cl.Number, "CLIENT_EMAIL": cl.Email, "CLIENT_PHONE": firstOf(cl.Mobile, cl.Phone),
		"CATEGORY": m.d.Web.Catalog.T(lang, "requests.cat."+f.Category), "SUBJECT": f.Subject, "TEXT": f.Text})
	for _, a := range to {
		if _, err := mail.Enqueue(ctx, tx, mail.Message{To: []string{a}, Subject: subject, Text: body, Purpose: mailNew,
			ClientID: cl.ID, At: m.d.Now()}); err != nil {
			return 0, err
		}
	}
	return len(to), nil
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return "-"
}
