package app

import (
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/ispportal/portal/internal/htmlsafe"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// App is the built portal: the Fiber app and the modules mounted on it.
type App struct {
	Fiber   *fiber.App
	Modules []Module
	deps    Deps
	// infos are the modules' declarations, read once: the menu consults them on
	// every request.
	infos  []Info
	assets assetCache // theme files in memory
	health health     // the last /healthz probe
}

// BodyLimit is the largest request body any route admits (an upload of
// blob.MaxUploadBytes in a form). Bodies are streamed: fasthttp reads at most 8 KiB
// ahead, and web's body limit refuses a body too large for its route and its
// sender (64 KiB without a session) before anything reads it.
const BodyLimit = 32 << 20

// New builds the Fiber app with every module of the list mounted in that order.
func New(d Deps, modules []Module) *App {
	w := d.Web
	f := fiber.New(fiber.Config{
		AppName:               "portal",
		Immutable:             true, // values from the request outlive the handler safely
		ErrorHandler:          w.ErrorHandler,
		BodyLimit:             BodyLimit,
		DisableStartupMessage: true,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		// Streaming: a body is read only when a handler asks, after web.limitBody
		// has admitted its size and uploads their sender; without it fasthttp reads
		// every body up to BodyLimit into memory before any check.
		StreamRequestBody: true,
		// fasthttp would otherwise parse multipart bodies of any size (16 MB of
		// files in memory) while reading the headers, before any handler runs.
		DisablePreParseMultipartForm: true,
	})
	a := &App{Fiber: f, Modules: modules, deps: d}
	for _, m := range modules {
		a.infos = append(a.infos, m.Info())
	}

	// Middleware order matters:
	// 1. recover: a panic becomes a 500 page, never a stack trace to the user.
	f.Use(recover.New())
	// 2. request id: every log line of a request can be tied together.
	f.Use(requestid.New())
	// 3. access log: method, path without query string (tokens live there), status, time.
	f.Use(accessLog(d.Log, w))
	// 4. security headers on every answer.
	f.Use(securityHeaders(w))
	// 5. compression of text answers.
	f.Use(compressAnswers)

	// The area of each request, from the prefixes the modules declared, before any
	// session or CSRF work asks for it.
	f.Use("/assets", w.MarkArea(web.Asset))
	for _, info := range a.infos {
		if info.Prefix != "" && (info.Area == Staff || info.Area == API) {
			f.Use(info.Prefix, w.MarkArea(info.Area))
		}
	}

	// Static assets and health before sessions: they need no database session work.
	f.Get("/healthz", a.health.handler(d))
	f.Get("/assets/theme/:theme/*", a.serveThemeFile)
	f.Get("/assets/maintenance_logo.png", a.serveMaintenanceLogo)
	a.mountInstallable(f)

	// 6. page reads queue in arrival order for a place at the database (see admission).
	f.Use(newAdmission(d.DB.Readers).handler)
	// 7. settings sync, client session, CSRF check (see web.Middleware).
	for _, h := range w.Middleware() {
		f.Use(h)
	}
	// 8. suspension: clients see the message; the console, API and assets keep working.
	f.Use(a.suspended)

	f.Post("/lang", a.switchLanguage)
	f.Get("/offline", a.offlinePage)

	w.Menu = a.menu
	// 9. the modules' own middleware, before any module's routes.
	for _, info := range a.infos {
		for _, h := range info.Middleware {
			f.Use(h)
		}
	}
	for i, m := range modules {
		a.mount(m, a.infos[i])
	}
	f.Get("/", func(c *fiber.Ctx) error {
		if w.Session(c) != nil {
			return w.Redirect(c, a.home(c))
		}
		return w.Redirect(c, "/login")
	})
	// Anything no module answered: the 404 page in the layout.
	f.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return a
}

func (a *App) mount(m Module, info Info) {
	gate := func(c *fiber.Ctx) error {
		if !a.sectionOn(c, info) {
			return fiber.ErrNotFound
		}
		// An invited person whose role does not reach the module (or may only read
		// it, for any other method) gets the 403 page in their language.
		if !a.roleAllows(c, info, c.Method()) {
			return fiber.ErrForbidden
		}
		return c.Next()
	}
	switch info.Area {
	case Client:
		if info.Prefix == "" || info.Prefix == "/" {
			panic("app: client module " + info.Name + " needs a URL prefix")
		}
		// The gate runs before the login check so that a module that is off answers
		// 404 to everybody, logged in or not.
		r := a.Fiber.Group(info.Prefix, gate, a.deps.Web.RequireClient())
		m.Mount(r)
	default:
		if info.Prefix == "" {
			m.Mount(a.Fiber)
			return
		}
		m.Mount(a.Fiber.Group(info.Prefix, gate))
	}
}

// home is the subscriber's start page: the prefix of a module declaring Home whose
// gate passes (the dashboard when it is on), else the information page.
func (a *App) home(c *fiber.Ctx) string {
	for _, info := range a.infos {
		if info.Home && info.Area == Client && a.sectionOn(c, info) && a.roleAllows(c, info, fiber.MethodGet) {
			return info.Prefix
		}
	}
	return "/info"
}

// menu lists the entries of every module that is on for this request, by order.
func (a *App) menu(c *fiber.Ctx) []web.MenuItem {
	var out []web.MenuItem
	for _, info := range a.infos {
		if info.Area != Client && info.Area != Public {
			continue
		}
		if !a.sectionOn(c, info) || !a.roleAllows(c, info, fiber.MethodGet) || (info.MenuWhen != nil && !info.MenuWhen(c)) {
			continue
		}
		for _, it := range info.Menu {
			if it.When == nil || it.When(c) {
				out = append(out, it)
			}
		}
	}
	if mp, ok := c.Locals("app.menu.extra").([]web.MenuItem); ok {
		out = append(out, mp...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out
}

func (a *App) switchLanguage(c *fiber.Ctx) error {
	w := a.deps.Web
	lang := c.FormValue("lang")
	if !web.Supported(lang) {
		return fiber.NewError(fiber.StatusBadRequest, "unknown language")
	}
	w.SetLang(c, lang)
	if s := w.Session(c); s != nil && s.ViewAs == 0 && s.IsOwner() {
		a.deps.DB.W.ExecContext(c.UserContext(), `UPDATE clients SET language = ? WHERE id = ?`, lang, s.ClientID)
	}
	back, ok := web.LocalPath(c.FormValue("back"))
	if !ok {
		back = "/"
	}
	return w.Redirect(c, back)
}

func (a *App) suspended(c *fiber.Ctx) error {
	if !settings.PortalSuspended.Get(a.deps.Settings) {
		return c.Next()
	}
	if area := a.deps.Web.AreaOf(c); area == web.Staff || area == web.API || c.Path() == "/lang" || a.deps.Web.IsWebhook(c) {
		return c.Next()
	}
	w := a.deps.Web
	page := w.NewPage(c, "suspended.title", htmlsafe.Sanitize(settings.SuspendedMessage.Get(a.deps.Settings)))
	page.Menu, page.Client = nil, nil
	page.Status = fiber.StatusServiceUnavailable
	c.Set(fiber.HeaderRetryAfter, "600")
	return w.Render(c, "errors/suspended", page)
}

func readAll(f fs.File) ([]byte, error) { return io.ReadAll(f) }

func (a *App) serveMaintenanceLogo(c *fiber.Ctx) error {
	p := filepath.Join(a.deps.DataDir, "maintenance_logo.png")
	if _, err := os.Stat(p); err != nil {
		// The selected theme's own (uploaded in the console), else the default one.
		f, err := a.deps.Web.Themes.Open(a.deps.Web.Theme(), "images/maintenance_logo.png")
		if err != nil {
			return fiber.ErrNotFound
		}
		defer f.Close()
		data, err := readAll(f)
		if err != nil {
			return err
		}
		c.Type("png")
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return c.Send(data)
	}
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.SendFile(p)
}

func accessLog(log *slog.Logger, w *web.Web) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		status := c.Response().StatusCode()
		if err != nil {
			if fe, ok := err.(*fiber.Error); ok {
				status = fe.Code
			} else {
				status = http.StatusInternalServerError
			}
		}
		// c.Path() has no query string: password-link tokens never reach the log.
		log.LogAttrs(c.UserContext(), slog.LevelInfo, "http",
			slog.String("method", c.Method()), slog.String("path", c.Path()), slog.Int("status", status),
			slog.Duration("took", time.Since(start)), slog.String("ip", w.ClientIP(c)),
			slog.Any("request_id", c.Locals("requestid")))
		return err
	}
}

// csp is the Content-Security-Policy of every answer, with extra sources for
// form-action (none but 'self' on most pages).
func csp(formAction string) string { return cspWith(formAction, "") }

// cspWith is csp with an extra script-src source: exactly the external script a
// brand's staff configured (its own script file is served by the portal: 'self').
func cspWith(formAction, script string) string {
	return "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'" + script + "; " +
		"object-src 'none'; base-uri 'self'; form-action 'self'" + formAction + "; frame-ancestors 'self'"
}

func securityHeaders(w *web.Web) fiber.Handler {
	return func(c *fiber.Ctx) error {
		h := &c.Response().Header
		h.Set("Content-Security-Policy", csp(""))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "SAMEORIGIN")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if w.IsHTTPS(c) {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		err := c.Next()
		// A logged-in client's pages carry the logout form, and Chromium checks the
		// redirect that follows it against form-action: those pages (and only they)
		// admit exactly the configured ci_forward_url_after_logout. A page may admit
		// more for its own form (web.AllowFormAction: a payment provider's checkout).
		extra := web.FormActions(c)
		if w.Session(c) != nil {
			if src, serr := settings.FormActionSource(settings.ForwardAfterLogout.Get(w.Settings)); serr == nil {
				extra = append(extra, src)
			}
		}
		script := ""
		if b := w.BrandOf(c); b != nil && b.ScriptSource != "" {
			script = " " + b.ScriptSource
		}
		if len(extra) > 0 || script != "" {
			fa := ""
			if len(extra) > 0 {
				fa = " " + strings.Join(extra, " ")
			}
			h.Set("Content-Security-Policy", cspWith(fa, script))
		}
		return err
	}
}
