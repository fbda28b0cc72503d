// Package api is the portal's management API: JSON-RPC 2.0 over POST /jsonrpc, in the
// shape of the JeraSoft management API (module.action method names, "auth" with login
// and password in the first call, a session id "SID" in later ones, a result envelope
// of code, session_id, messages, return and errors), plus /jsonrpc/file for downloads
// and uploads over plain HTTP.
//
// Callers are staff accounts (roles admin, support, readonly and the machine role
// api). Every method is declared once in the registry (methods.go): the dispatcher,
// the role check, the audit of writes and the reference (portal api doc →
// docs/api.md) are generated from it.
package api

import (
	"context"
	"database/sql"
	"embed"
	"io/fs"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ulule/limiter/v3"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/web"
)

// Routes.
const (
	pathRPC  = "/jsonrpc"
	pathFile = "/jsonrpc/file"
)

// Limits of one request. A body is read only once its size is admitted (see Mount):
// without a session in the X-Session-Id header a /jsonrpc body may have
// web.PublicBodyLimit (64 KiB), since the credentials inside it are checked only after
// reading it; a decoded JSON document takes several times its size in memory.
const (
	maxBody     = 8 << 20          // bytes of one /jsonrpc request with a session header
	maxBatch    = 1000             // calls in one batch
	maxDepth    = 32               // nesting of arrays and objects
	maxUpload   = 20 << 20         // as the documents module (blob.MaxUploadBytes)
	idleTTL     = 30 * time.Minute // a session unused this long ends
	absoluteTTL = 12 * time.Hour   // and every session ends this long after login
	// touchEvery avoids one write per call: last_used and the idle expiry move only
	// when they are this much behind.
	touchEvery = time.Minute
)

// Rate limits: per client address (IPv6 per /64) on HTTP requests, and per staff
// account on calls (a batch of 100 calls counts 100). Variables so that tests can
// lower them before the module is mounted.
var (
	ipRate      = limiter.Rate{Period: time.Minute, Limit: 1200}
	accountRate = limiter.Rate{Period: time.Minute, Limit: 6000}
)

// DemoLogin and DemoPassword are the demo's API-only staff account (role api).
const (
	DemoLogin    = "billing"
	DemoPassword = "billing-api-1234"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations is this module's folder (the lockouts table it shares with the logins is
// migrated by the app from internal/lockout).
var migrations = func() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		panic(err) // constant path of the embed above
	}
	return sub
}()

// Module is the management API.
type Module struct {
	d app.Deps

	once     sync.Once
	registry map[string]*rpc.Method // every method by name, built when mounted
	ipLim    *limiter.Limiter
	staffLim *limiter.Limiter
	loginLim *web.Limiter // staff login attempts per address, shared with the console
}

// New returns the module; it does no work until mounted.
func New(d app.Deps) app.Module {
	m := &Module{d: d}
	if d.Hooks != nil {
		d.Hooks.APISessions = app.APISessions{List: m.listSessions, End: endSessions}
	}
	return m
}

// Info declares the module: an API area at the root, its migrations, its demo account
// and the `api doc` command.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:       "api",
		Prefix:     pathRPC,
		Area:       app.API,
		Migrations: migrations,
		Seed:       seed,
		Methods:    m.ownMethods(),
		Commands: []app.Command{{
			Name:  "api doc",
			Usage: "[FILE]",
			Help:  "write the method reference of the JSON-RPC API (docs/api.md) to FILE or standard output",
			Run:   runDoc,
		}},
	}
}

// Mount adds the JSON-RPC endpoint and the file endpoint.
func (m *Module) Mount(r fiber.Router) {
	m.setup()
	// The API never reads cookies: the session id comes only in the JSON body or the
	// X-Session-Id header, and file calls carry it in a header or form field. A forged
	// cross-site request therefore carries no credentials, so the CSRF token check
	// (which exists to stop ambient cookie authority) has nothing to protect here.
	m.d.Web.ExemptCSRF(pathRPC, func(*fiber.Ctx) bool { return true })
	m.d.Web.ExemptCSRF(pathFile, func(*fiber.Ctx) bool { return true })
	// Large bodies only for senders known from the headers: a live session in
	// X-Session-Id for calls (read into memory), credentials in a header for uploads
	// (streamed to disk by the handler after it has authenticated them).
	m.d.Web.AdmitBody(fiber.MethodPost, pathRPC, web.BodyRule{Limit: maxBody, Allow: m.headerSession, TooLarge: rpcTooLarge})
	m.d.Web.AdmitBody(fiber.MethodPost, pathFile, web.BodyRule{Limit: maxUpload, Stream: true, Allow: uploadCredentials,
		TooLarge: fileTooLarge})
	// r is the group at pathRPC: "" is /jsonrpc itself.
	r.Post("", m.serveRPC)
	r.All("", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderAllow, fiber.MethodPost)
		return c.Status(fiber.StatusMethodNotAllowed).JSON(errorOnly(nil, rpc.ErrInvalidRequest("use POST")))
	})
	r.Get(pathFile[len(pathRPC):], m.serveFile)
	r.Post(pathFile[len(pathRPC):], m.serveFile)
}

// setup builds the method registry and the limiters once.
func (m *Module) setup() {
	m.once.Do(func() {
		m.registry = m.buildRegistry()
		m.ipLim = limiter.New(m.d.Web.LimitStore("api-ip"), ipRate)
		m.staffLim = limiter.New(m.d.Web.LimitStore("api-staff"), accountRate)
		m.loginLim = m.d.Web.Limiter(web.StaffLoginBucket, loginRate.Limit, loginRate.Period)
	})
}

// seed adds the API-only demo account "billing" (role api) once.
func seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	if _, err := core.StaffByLogin(ctx, tx, DemoLogin); err == nil {
		return nil
	} else if err != core.ErrNotFound {
		return err
	}
	h, err := password.Hash(DemoPassword)
	if err != nil {
		return err
	}
	_, err = core.SaveStaff(ctx, tx, core.Staff{Login: DemoLogin, Name: "Billing system (API)", Role: core.RoleAPI,
		PasswordHash: h, Active: true}, core.Now(env.Now))
	return err
}
