// Package app builds the portal's Fiber application: the common middleware in a
// commented order, then every module mounted from one explicit list (given by
// cmd/portal), the menu built from the modules that are on, and the error pages.
package app

import (
	"context"
	"database/sql"
	"embed"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Area says who may reach a module's routes (see web.Area): Client routes need a
// logged-in subscriber, Public ones none, Staff routes live in the console and API
// routes authenticate every call themselves.
type Area = web.Area

// The areas a module declares.
const (
	Client = web.Client
	Public = web.Public
	Staff  = web.Staff
	API    = web.API
)

// Info is what a module declares about itself.
type Info struct {
	// Name is the namespace of the module's templates ("invoices/list"), translation
	// keys ("invoices.title") and migrations.
	Name string
	// Prefix is the URL prefix of the module's routes ("/invoices"); empty only for
	// Public, Staff and API modules that mount at the root.
	Prefix string
	Area   Area
	// Gate says whether the module is on for this request (settings, data such as "a
	// helpdesk department takes portal requests"). Off: absent from the menu and its
	// URLs answer 404. Nil means always on.
	Gate func(c *fiber.Ctx) bool
	// Menu entries, shown when Gate passes (and MenuWhen, if set).
	Menu []web.MenuItem
	// MenuWhen hides the menu entries while the pages stay reachable (support requests
	// give way to the helpdesk's entry when a department takes portal requests, but a
	// client's earlier requests keep their addresses). Nil means always shown.
	MenuWhen func(c *fiber.Ctx) bool
	// Migrations, Templates and Locales are the module's embedded folders (nil if none).
	Migrations fs.FS
	Templates  fs.FS
	Locales    fs.FS
	// Seed adds the module's demo rows; it must be idempotent (portal demo runs it on
	// every make run).
	Seed func(ctx context.Context, tx *sql.Tx, env SeedEnv) error
	// Worker, when set, runs in the background while the server runs (outbox senders,
	// pruning), and must return when ctx is done.
	Worker func(ctx context.Context)
	// Commands are the module's CLI subcommands (`portal traffic import FILE`).
	Commands []Command
	// Middleware runs for every request before any module's routes (after sessions,
	// CSRF and suspension), whatever the order of the module list: for example the
	// custom-buttons module adding menu entries to every page.
	Middleware []fiber.Handler
	// MailDefaults registers the built-in e-mail templates of the module's purposes.
	// Boot calls it in every process, so the CLI and the console know them too.
	MailDefaults func(t *mail.Templates)
	// Secrets names the server secrets the module reads with core.Secret. Boot makes
	// any that is missing before a module runs, so that reading one never writes: a
	// caller inside the write transaction (an invoice e-mail asking for its pay link)
	// would otherwise wait for itself.
	Secrets []string

	// What the shells mount for the module (see declare.go): its staff console pages,
	// its API methods, its types of the API's file endpoint and its section of the
	// staff client card.
	StaffPages []StaffPage
	Methods    []*rpc.Method
	FileKinds  []FileKind
	Card       []CardSection

	// Dashboard are the module's cards on the subscriber's dashboard (balance,
	// services, recent usage ...); the dashboard renders those whose Gate passes.
	Dashboard []DashboardCard
	// Home, when set, makes the module's Prefix the subscriber's home ("/" and the
	// page after login) while its Gate passes; otherwise the information page is.
	Home bool
	// Export, when set, returns the module's part of a client's own-data export (the
	// gdpr module's download and the staff export from the card).
	Export Exporter
}

// Command is one CLI subcommand of a module.
type Command struct {
	// Name is the words after "portal", e.g. "client password".
	Name string
	// Usage shows the arguments, e.g. "CLIENT (--generate | --set | --send-link)".
	Usage string
	Help  string
	// Run does the work; an error makes the CLI print it and exit non-zero.
	Run func(ctx context.Context, d Deps, io IO, args []string) error
}

// IO is a command's standard streams.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
}

// SeedEnv tells seeders about the demo data set.
type SeedEnv struct {
	Now     time.Time
	DataDir string
	// ClientIDs maps demo client numbers ("1001") to ids.
	ClientIDs map[string]int64
	// GroupIDs are the demo invoice groups in order.
	GroupIDs []int64
}

// Module is one feature package: `New(d app.Deps) *Module` plus these two methods.
type Module interface {
	Info() Info
	Mount(r fiber.Router)
}

// Deps is what a module gets: shared infrastructure, passed in, never global.
type Deps struct {
	DB       *db.DB
	Settings *settings.Store
	Web      *web.Web
	Log      *slog.Logger
	Now      func() time.Time
	DataDir  string
	// Mail resolves e-mail templates; queue mail with mail.Enqueue in your transaction.
	Mail *mail.Templates
	// KickMail wakes the outbox worker after a transaction that queued mail commits.
	KickMail func()
	// Hooks answer questions one module asks about another without importing it.
	Hooks *Hooks
	// Declared is what every module of the list declared for the console and the API;
	// filled by Boot once all modules are constructed (nil in a bare Deps).
	Declared *Declared
}

// Hooks are set by the module that can answer them (in its constructor) and read by
// others; a nil hook means the answering module is not mounted.
type Hooks struct {
	// HelpdeskActive reports whether a helpdesk department takes portal requests, in
	// which case the information page offers "new ticket" instead of a support request.
	HelpdeskActive func(ctx context.Context) bool
	// ClientCard renders the staff client card with form errors (422), for a module's
	// card action that was refused (set by the console).
	ClientCard func(c *fiber.Ctx, cl core.Client, errs map[string]string) error
	// ClientDeleting run in the transaction that deletes a client, before its row goes,
	// for a module's data that the cascade from clients does not reach (services: the
	// traffic tables). Each module that keeps such data appends one; empty when none is
	// mounted.
	ClientDeleting []func(ctx context.Context, tx *sql.Tx, clientID int64) error
	// Money records money a client paid and answers what a client still owes; set by
	// the module that owns payments and invoices (invoices), read by the modules that
	// take money (payments, vouchers). Nil fields: not mounted.
	Money Money
	// Warnings are asked by the console's home page for what stops the portal from
	// reaching clients (the SMS module: no transport, the last SMS failed). Each module
	// that can tell appends one; empty when none is mounted.
	Warnings []func(ctx context.Context) []Warning
	// ServiceByExternalID finds a service by the billing system's id (usage records
	// name their service so); core.ErrNotFound when there is none. Set by services.
	ServiceByExternalID func(ctx context.Context, q core.Querier, externalID string) (ServiceBrief, error)
	// ClientServices lists a client's services, terminated ones included (the usage
	// filters, the dashboard). Set by services.
	ClientServices func(ctx context.Context, q core.Querier, clientID int64) ([]ServiceBrief, error)
	// PayLink is a signed link that pays one unpaid invoice of the client without
	// logging in (the invoice e-mail); "" when online payments are off or not
	// configured; core.ErrNotFound when the invoice is not the client's or is paid.
	// Set by payments.
	// q is the caller's: an invoice stored in its uncommitted transaction is found.
	PayLink func(ctx context.Context, q core.Querier, clientID, invoiceID int64) (string, error)
	// PayPath is the portal path (without the base path) where the logged-in client
	// pays an invoice online (invoiceID 0: the Pay online page), "" when online
	// payments are off or not configured (the invoice detail, the suspended services
	// notice). Set by payments.
	PayPath func(ctx context.Context, invoiceID int64) string
	// Notify tells the subscriber of an event (a new invoice, a payment, a ticket
	// reply ...) on the channels they chose, once per event: call it inside the
	// transaction that stores the event's cause, so that a rolled-back write tells
	// nobody. It returns the id of the e-mail it queued (0: none, the subscriber does
	// not want e-mail of the topic). Set by notify; nil when it is not mounted.
	Notify func(ctx context.Context, tx *sql.Tx, e Event) (mailID int64, err error)
	// SMS queues a text message to a client's number (E.164 or national) in the
	// caller's transaction, outside the client's monthly allowance, and returns its id;
	// core.ErrNotFound when no SMS transport is configured. Set by sms.
	SMS func(ctx context.Context, tx *sql.Tx, clientID int64, number, text string) (int64, error)
	// APISessions lists and ends a staff member's API sessions, for their sessions
	// page. Set by the API shell; nil fields: the API is not mounted.
	APISessions APISessions
	// SetPassword stores a client's portal password (an argon2id hash from
	// internal/password) in the caller's transaction: the self sign-up's chosen
	// password. Set by auth, which owns the credentials.
	SetPassword func(ctx context.Context, tx *sql.Tx, clientID int64, hash string, now time.Time) error
	// CopyServices copies the services of one client (with their parameters, without
	// external ids) to another in the caller's transaction and returns how many: the
	// self sign-up's template customer. Set by services.
	CopyServices func(ctx context.Context, tx *sql.Tx, fromClientID, toClientID int64, now time.Time) (int, error)
	// Consents are the consent documents a client has given and a way to give them for
	// another client (the sign-up's template customer and the new account). Set by
	// gdpr; nil fields: not mounted.
	Consents Consents
	// People lets the login form (auth) log in the people an account holder invited.
	// Set by the people module; nil fields: it is not mounted.
	People People
}

// Consents is the hook through which a module offers and records GDPR consents
// without importing the module that owns them (gdpr).
type Consents struct {
	// Given lists the active documents the client has given consent to, with the
	// purposes agreed, in document order.
	Given func(ctx context.Context, q core.Querier, clientID int64) ([]ConsentGiven, error)
	// Give records the client's consent to the document's current version with the
	// purposes named (by name) in the caller's transaction, as the client's own action
	// from ip with userAgent; an outdated version is core.ErrNotFound.
	Give func(ctx context.Context, tx *sql.Tx, clientID int64, doc ConsentGiven, ip, userAgent string, now time.Time) error
}

// ConsentGiven is one consent document a client agreed to: its current version and
// text (sanitised HTML) and the purposes agreed.
type ConsentGiven struct {
	DocumentID int64
	Version    int
	Title      string
	Text       template.HTML
	Purposes   []string
}

// People is what auth asks of the people module (see Hooks.People).
type People struct {
	// Find returns the active or disabled person whose login name is name (folded);
	// core.ErrNotFound when there is none.
	Find func(ctx context.Context, q core.Querier, name string) (Person, error)
	// LoggedIn records a person's successful login in tx: the time, and the new hash
	// when rehash is not "" (new hashing parameters).
	LoggedIn func(ctx context.Context, tx *sql.Tx, personID int64, rehash string) error
}

// Person is an invited person of an account, as the login form sees them.
type Person struct {
	ID, ClientID int64
	Login, Role  string
	Hash         string // the password's argon2id hash
	Active       bool
}

// Event is something a subscriber may be told of (see Hooks.Notify).
type Event struct {
	ClientID int64
	// Topic is one of the notify topics: "invoice_new", "payment", "invoice_overdue",
	// "ticket_reply", "fup80", "fup100", "outage".
	Topic string
	// Key names the event within its topic ("invoice:17"); the same client, topic, key
	// and channel are sent once, however often the event is reported.
	Key string
	// Vars fill the message's text ({number}, {amount}, {due} ...).
	Vars map[string]string
	// InvoiceID is the unpaid invoice the event is about (a new or overdue invoice):
	// notify adds its pay link (Hooks.PayLink) when online payments are on.
	InvoiceID int64
	// Mail, when set, is the e-mail the caller composed itself (the helpdesk's reply
	// in its thread); notify queues it when the subscriber wants e-mail of the topic,
	// instead of its own text.
	Mail *mail.Message
	// APISessions lists and ends a staff member's API sessions, for their sessions
	// page. Set by the API shell; nil fields: the API is not mounted.
	APISessions APISessions
}

// APISessions are a staff member's sessions of the management API, as web.SessionRow
// (Ref names one; Device is the caller's User-Agent as web.Device reads it).
type APISessions struct {
	// List returns the live API sessions of a staff member, the latest used first.
	List func(ctx context.Context, staffID int64) ([]web.SessionRow, error)
	// End ends the staff member's API session ref (every one when ref is "") in tx and
	// returns how many ended; another staff member's ref ends nothing.
	End func(ctx context.Context, tx *sql.Tx, staffID int64, ref string) (int64, error)
}

// Warning is a problem the console's home page shows: a translation key of the
// owning module and its one argument ("" for none).
type Warning struct {
	Key, Arg string
}

// ServiceBrief is what other modules know of a client's service.
type ServiceBrief struct {
	ID         int64
	ExternalID string
	ClientID   int64
	Name       string
	Kind       string // internet, tv, voip, other
	State      string // active, suspended, terminated
	// TariffExternalID names the service's tariff (rates are pushed per tariff).
	TariffExternalID string
}

// Sub returns the folder dir of a module's embedded files (migrations, templates,
// locales) as the file system Info expects, with the files at its root.
func Sub(f embed.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // dir names a folder embedded by the caller: a build mistake
	}
	return s
}
