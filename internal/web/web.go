// Package web holds the request plumbing every module shares: rendering pages in the
// selected theme and language, sessions, CSRF tokens, flashes, the real client address
// and rate limits. It knows nothing of any feature.
package web

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/netip"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/ratelimit"
	"github.com/ispportal/portal/settings"
)

// Web is the shared request toolkit, built once at start and handed to every module.
type Web struct {
	DB       *db.DB
	Settings *settings.Store
	Catalog  *Catalog
	Themes   *Themes
	Log      *slog.Logger
	Now      func() time.Time
	BasePath string

	// Menu builds the subscriber menu of a request; the app sets it from the modules.
	Menu func(c *fiber.Ctx) []MenuItem
	// StaffMenu builds the staff console menu.
	StaffMenu func(c *fiber.Ctx) []MenuItem
	// SessionStarted, when set, runs after StartSession stored a client's own new
	// session (a login, a password change; not a staff view) or a staff member's
	// console session (s.Kind): newDevice says the owner had logged in before, but
	// never from this device. The auth module sets it for the new-device mails. It
	// must not fail the login: it logs its own errors.
	SessionStarted func(c *fiber.Ctx, s Session, device string, newDevice bool)
	// ResolveBrand, when set (by the brands module), returns the brand of a host
	// name (HostName): the one whose domain it is, else the default brand. It runs
	// for every subscriber request, so it must answer from memory (settings.Memo).
	ResolveBrand func(c *fiber.Ctx, host string) *Brand
	// BrandExists reports whether a brand id names a brand (set with ResolveBrand).
	BrandExists func(c *fiber.Ctx, id int64) bool

	proxies      []netip.Prefix
	csrfKey      []byte
	flashKey     []byte
	csrfExempt   map[string]func(c *fiber.Ctx) bool
	webhooks     map[string]bool
	bodyRules    map[string]BodyRule
	bodyPatterns []bodyPattern
	limits       map[string]*limit
	limitsMu     sync.Mutex
	limitStores  *ratelimit.Stores
}

// Options configure New.
type Options struct {
	DB             *db.DB
	Settings       *settings.Store
	Catalog        *Catalog
	Themes         *Themes
	Log            *slog.Logger
	Now            func() time.Time
	TrustedProxies []netip.Prefix
	BasePath       string
	// Limits keeps the rate limits: in memory (nil) or shared through Redis.
	Limits *ratelimit.Stores
}

// New builds the toolkit. Secrets for CSRF and flash signatures come from the database,
// so that they survive restarts and every process shares them.
func New(ctx context.Context, o Options) (*Web, error) {
	csrfKey, err := core.Secret(ctx, o.DB, "csrf")
	if err != nil {
		return nil, err
	}
	flashKey, err := core.Secret(ctx, o.DB, "flash")
	if err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Web{DB: o.DB, Settings: o.Settings, Catalog: o.Catalog, Themes: o.Themes, Log: o.Log, Now: o.Now,
		BasePath: strings.TrimRight(o.BasePath, "/"), proxies: o.TrustedProxies, csrfKey: csrfKey, flashKey: flashKey,
		csrfExempt: map[string]func(*fiber.Ctx) bool{}, webhooks: map[string]bool{}, limits: map[string]*limit{}, limitStores: o.Limits}, nil
}

// reqState is what the toolkit remembers during one request.
type reqState struct {
	session     *Session
	client      *core.Client
	staff       *Session
	staffLoaded bool
	synced      bool // settings synced with the database for this request
	staffRow    *core.Staff
	lang        string
	anon        string
	outFlash    []Flash
	area        Area
	brand       *Brand
}

const stateKey = "web.state"

func (w *Web) state(c *fiber.Ctx) *reqState {
	if st, ok := c.Locals(stateKey).(*reqState); ok {
		return st
	}
	st := &reqState{}
	c.Locals(stateKey, st)
	return st
}

// Middleware returns the handlers the app installs for every request, in order:
// settings sync, client session, language, body size limit, CSRF check. The limit
// comes before the CSRF check, which is the first to read a form.
func (w *Web) Middleware() []fiber.Handler {
	return []fiber.Handler{
		func(c *fiber.Ctx) error {
			st := w.state(c)
			if st.area != Staff && st.area != API && st.area != Asset {
				// The client session query syncs the settings itself.
				st.session = w.loadSession(c, KindClient)
				w.tagPerson(c, st.session)
			}
			if !st.synced {
				if err := w.Settings.Sync(c.UserContext()); err != nil {
					w.Log.Error("web.Middleware: settings sync", "err", err)
				}
			}
			// The brand of the host, once the settings are current (its lookup
			// is memoised per settings revision).
			w.resolveBrand(c, st)
			return c.Next()
		},
		w.limitBody,
		w.csrfProtect,
	}
}

// Lang returns the request's language: the client's saved preference, then the lang
// cookie (the footer switcher), then Accept-Language, then ci_default_language.
func (w *Web) Lang(c *fiber.Ctx) string {
	st := w.state(c)
	if st.lang != "" {
		return st.lang
	}
	if cl := w.Client(c); cl != nil && Supported(cl.Language) {
		st.lang = cl.Language
	} else if l := c.Cookies("lang"); Supported(l) {
		st.lang = l
	} else if l := Negotiate(c.Get(fiber.HeaderAcceptLanguage)); l != "" {
		st.lang = l
	} else {
		st.lang = settings.DefaultLanguage.Get(w.SettingsOf(c))
	}
	return st.lang
}

// SetLang remembers a language choice in a cookie for a year.
func (w *Web) SetLang(c *fiber.Ctx, lang string) {
	if !Supported(lang) {
		return
	}
	w.setCookie(c, "lang", lang, w.Now().Add(365*24*time.Hour))
	w.state(c).lang = lang
}

// T translates a key in the request's language (for flashes, mails, errors).
func (w *Web) T(c *fiber.Ctx, key string, args ...any) string {
	return w.Catalog.T(w.Lang(c), key, args...)
}

// PortalName is the ISP's name for its portal, shown beside the logo, in page titles
// and as the installed app's name: ci_portal_name, else the generic name in lang.
func (w *Web) PortalName(lang string) string { return w.portalName(w.Settings, lang) }

// PortalNameOf is PortalName as the request's brand names it (its own
// ci_portal_name: the brand name).
func (w *Web) PortalNameOf(c *fiber.Ctx) string { return w.portalName(w.SettingsOf(c), w.Lang(c)) }

func (w *Web) portalName(st *settings.Store, lang string) string {
	if n := settings.PortalName.Get(st); n != "" {
		return n
	}
	return w.Catalog.T(lang, "app.name")
}

// Theme returns the theme selected by ci_skin_theme, or default.
func (w *Web) Theme() string { return w.Themes.Resolve(settings.SkinTheme.Get(w.Settings)) }

// ThemeOf is the theme of the request's brand (its own ci_skin_theme, else the global).
func (w *Web) ThemeOf(c *fiber.Ctx) string {
	return w.Themes.Resolve(settings.SkinTheme.Get(w.SettingsOf(c)))
}

// NewPage builds the base view model of a request.
func (w *Web) NewPage(c *fiber.Ctx, title string, data any) *Page {
	p := &Page{Title: title, Lang: w.Lang(c), Theme: w.ThemeOf(c), Path: c.Path(), Data: data, Base: w.BasePath,
		Layout: "layouts/main", web: w, st: w.SettingsOf(c), Brand: w.BrandOf(c)}
	if w.AreaOf(c) == Staff {
		p.Layout = "layouts/admin"
		p.Staff = w.Staff(c)
		if w.StaffMenu != nil && p.Staff != nil {
			p.Menu = w.StaffMenu(c)
			sort.SliceStable(p.Menu, func(i, j int) bool { return p.Menu[i].Order < p.Menu[j].Order })
		}
	} else {
		p.Client = w.Client(c)
		if s := w.Session(c); s != nil {
			p.ViewAs = s.ViewAs != 0
		}
		if p.Client != nil && w.Menu != nil && !w.Session(c).Restricted {
			p.Menu = w.Menu(c)
		}
		p.FooterText = settings.FooterText.Get(p.st)
		if p.Client != nil && p.Client.InvoiceGroupID != 0 && settings.DisplaySupplierContact.Get(p.st) {
			// Memoised: a write to invoice_groups moves the settings revision.
			id := p.Client.InvoiceGroupID
			if g, err := settings.Memo(w.Settings, "web:group:"+strconv.FormatInt(id, 10), func() (*core.InvoiceGroup, error) {
				g, err := core.GroupByID(c.UserContext(), w.DB.R, id)
				return &g, err
			}); err == nil {
				p.Footer = g
			}
		}
	}
	for i := range p.Menu {
		m := &p.Menu[i]
		m.Active = m.Path == c.Path() || (m.Path != "/" && strings.HasPrefix(c.Path(), m.Path+"/"))
		m.Href, m.Text = m.Path, m.Label
		if strings.HasPrefix(m.Path, "/") {
			m.Href = p.Base + m.Path
		}
		if m.Text == "" {
			m.Text = w.Catalog.T(p.Lang, m.Key)
		}
	}
	p.CSRF = w.CSRFToken(c)
	p.Flashes = w.takeFlashes(c)
	return p
}

// Render executes a page template inside its layout and sends it. A theme whose
// templates fail to parse falls back to default with an error in the log.
func (w *Web) Render(c *fiber.Ctx, name string, p *Page) error {
	e, err := w.Themes.Engine(p.Theme, p.Lang)
	if err != nil && p.Theme != "default" {
		w.Log.Error("web.Render: theme broken, using default", "theme", p.Theme, "err", err)
		p.Theme = "default"
		e, err = w.Themes.Engine("default", p.Lang)
	}
	if err != nil {
		return err
	}
	if len(p.Menu) > 0 && p.Layout == "layouts/main" && p.MenuHTML == "" {
		if p.MenuHTML, err = w.Themes.Menu(e, p.Theme, MenuView{Items: p.Menu, Lang: p.Lang, web: w}); err != nil {
			return err
		}
	}
	out, err := execute(e, name, p.Layout, p)
	if err != nil {
		return err
	}
	if p.Status != 0 {
		c.Status(p.Status)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(out)
}

// Show is the common case: build the page and render it.
func (w *Web) Show(c *fiber.Ctx, tpl, title string, data any) error {
	return w.Render(c, tpl, w.NewPage(c, title, data))
}

// FormError re-renders a form with field errors (translation keys) and the values the
// user typed, answering 422 so that nothing looks like success.
func (w *Web) FormError(c *fiber.Ctx, tpl, title string, data any, errs map[string]string, form map[string]string) error {
	p := w.NewPage(c, title, data)
	p.Errors, p.Form, p.Status = errs, form, fiber.StatusUnprocessableEntity
	return w.Render(c, tpl, p)
}

// ShowForm renders a form page with the values typed and their field errors: 422 when
// there are errors, else 200 (a first view, or a form shown again after a save).
func (w *Web) ShowForm(c *fiber.Ctx, tpl, title string, data any, errs, form map[string]string) error {
	p := w.NewPage(c, title, data)
	p.Form, p.Errors = form, errs
	if len(errs) > 0 {
		p.Status = fiber.StatusUnprocessableEntity
	}
	return w.Render(c, tpl, p)
}

// Redirect sends the browser to a local path with 303, so a reload never re-posts.
func (w *Web) Redirect(c *fiber.Ctx, path string) error {
	return c.Redirect(w.BasePath+path, fiber.StatusSeeOther)
}

// LocalPath accepts only a path on this site ("/invoices?page=2"), so that redirect
// targets taken from the request cannot send the user elsewhere.
func LocalPath(p string) (string, bool) {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, `/\`) ||
		strings.ContainsAny(p, "\\\r\n\t") {
		return "", false
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "", false
	}
	return p, true
}

// RequireClient lets a request through only with a client session. Without one, a GET
// is sent to the login form and anything else gets 401. A session from a one-time
// password may only reach the allowed paths (the forced password change and logout).
func (w *Web) RequireClient(allowRestricted ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		s := w.Session(c)
		if s == nil {
			if c.Method() == fiber.MethodGet {
				return w.Redirect(c, "/login")
			}
			return fiber.NewError(fiber.StatusUnauthorized, "login required")
		}
		if s.Restricted {
			for _, p := range allowRestricted {
				if c.Path() == p {
					return c.Next()
				}
			}
			return w.Redirect(c, "/password/new")
		}
		if s.ViewAs != 0 && c.Method() != fiber.MethodGet && c.Method() != fiber.MethodHead && c.Path() != "/logout" {
			return fiber.NewError(fiber.StatusForbidden, "read-only view")
		}
		return c.Next()
	}
}

// ErrorPage renders an error status in the portal layout.
func (w *Web) ErrorPage(c *fiber.Ctx, status int) error {
	tpl := "errors/404"
	title := "errors.not_found"
	switch {
	case status == fiber.StatusRequestEntityTooLarge:
		tpl, title = "errors/413", "errors.too_large"
	case status == fiber.StatusBadRequest || status == fiber.StatusLengthRequired || status == fiber.StatusUnsupportedMediaType ||
		status == fiber.StatusMethodNotAllowed:
		tpl, title = "errors/400", "errors.bad_request"
	case status == fiber.StatusServiceUnavailable:
		tpl, title = "errors/503", "errors.unavailable"
	case status == fiber.StatusForbidden:
		tpl, title = "errors/403", "errors.forbidden"
	case status == fiber.StatusTooManyRequests:
		tpl, title = "errors/429", "errors.too_many"
	case status == fiber.StatusUnauthorized:
		tpl, title = "errors/401", "errors.unauthorized"
	case status >= 500:
		tpl, title = "errors/500", "errors.server"
	}
	p := w.NewPage(c, title, nil)
	p.Status = status
	if err := w.Render(c, tpl, p); err != nil {
		// The layout itself failed: answer plainly rather than not at all.
		w.Log.Error("web.ErrorPage: render failed", "err", err)
		return c.Status(status).SendString(title)
	}
	return nil
}

// ErrorHandler is Fiber's central error handler: it logs server errors with the
// request id and renders the portal's error page; the stack never reaches the user.
func (w *Web) ErrorHandler(c *fiber.Ctx, err error) error {
	status := fiber.StatusInternalServerError
	var fe *fiber.Error
	if errors.As(err, &fe) {
		status = fe.Code
	} else if errors.Is(err, core.ErrNotFound) {
		status = fiber.StatusNotFound
	} else if db.Unwritable(err) {
		// Disk full or read-only: nothing the user did; it passes once an operator
		// frees space (/healthz fails meanwhile).
		status = fiber.StatusServiceUnavailable
		c.Set(fiber.HeaderRetryAfter, "120")
	}
	if status >= 500 {
		w.Log.Error("web.ErrorHandler", "status", status, "path", c.Path(), "request_id", c.Locals("requestid"), "err", err)
	}
	if w.AreaOf(c) == API || strings.Contains(c.Get(fiber.HeaderAccept), "application/json") {
		return c.Status(status).JSON(fiber.Map{"error": fiber.Map{"code": status, "message": statusText(status)}})
	}
	return w.ErrorPage(c, status)
}

func statusText(s int) string { return fiber.NewError(s).Message }

// Partial renders a template without a layout, for a part of another page (a
// module's section of the staff client card). It sees the same page helpers ($.T,
// $.CSRF, $.URL, $.Err) with data as .Data and errs as the form errors.
//
// Its page has no menu, footer or flashes: those belong to the page the part goes
// into (a partial that took the flashes would hide them from it), and building the
// menu for each of a dashboard's five cards cost more than rendering them.
func (w *Web) Partial(c *fiber.Ctx, name string, data any, errs map[string]string) (template.HTML, error) {
	p := &Page{Lang: w.Lang(c), Theme: w.ThemeOf(c), Path: c.Path(), Data: data, Base: w.BasePath, web: w, Errors: errs,
		st: w.SettingsOf(c), Brand: w.BrandOf(c)}
	if w.AreaOf(c) == Staff {
		p.Staff = w.Staff(c)
	} else {
		p.Client = w.Client(c)
	}
	p.CSRF = w.CSRFToken(c)
	e, err := w.Themes.Engine(p.Theme, p.Lang)
	if err != nil {
		if e, err = w.Themes.Engine("default", p.Lang); err != nil {
			return "", err
		}
	}
	out, err := execute(e, name, "", p)
	if err != nil {
		return "", err
	}
	return template.HTML(out), nil // html/template escaped it
}
