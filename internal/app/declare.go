package app

import (
	"html/template"
	"io"
	"sort"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// StaffPage is one route of the staff console that a feature module owns. The console
// (modules/admin) mounts it below /admin behind its login and checks Action with
// internal/perm before the handler runs; the page renders in the console layout.
type StaffPage struct {
	Method  string // fiber.MethodGet or fiber.MethodPost
	Path    string // below /admin, e.g. "/files" or "/files/:id/delete"
	Action  perm.Action
	Handler fiber.Handler
	// Menu, when its Key is set, puts this GET page into the console menu of every
	// role allowed Action.
	Menu MenuEntry
	// Upload admits a streamed body of this many bytes for staff allowed Action (a
	// file upload form); 0 keeps the session default.
	Upload int
}

// MenuEntry is a console menu line: a translation key and a place.
type MenuEntry struct {
	Key   string
	Order int
}

// CardSection is a module's part of the staff client card (services, invoices,
// tickets ...). The card shows the sections of the modules in the list whose Action
// the staff member's role allows, by Order.
type CardSection struct {
	Name   string
	Order  int
	Action perm.Action
	// Beside puts a short section next to the client's contact data instead of below.
	Beside bool
	// Link is the translation key (the module's own) of the section's entry in the
	// card's jump list; empty: the console's admin.client.link.<Name>.
	Link string
	// Render returns the section's HTML (usually web.Partial of a module template);
	// errs are the form errors of a refused action on the card (see Hooks.ClientCard).
	Render func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error)
}

// FileKind is one type= of the API's file endpoint (/jsonrpc/file): a module's
// downloadable and uploadable files (invoice PDFs, client documents, provider files).
// The API authenticates the caller and checks Read (download) or Write (upload).
type FileKind struct {
	Name        string
	Read, Write perm.Action
	// Download sends the file of ref; an *rpc.AppError answers 404 with its message.
	Download func(c *fiber.Ctx, call *rpc.Call, ref FileRef) error
	// Upload stores body (streamed from the connection) and returns the new row's id;
	// nil means the kind cannot be uploaded. Errors: *rpc.AppError (404/400 with its
	// message), *FileError (its status), anything else is internal.
	Upload func(c *fiber.Ctx, call *rpc.Call, ref FileRef, body io.Reader) (int64, error)
}

// FileRef is how a file request names its object: an id or an external id.
type FileRef struct {
	ID         int64
	ExternalID string
}

// FileError is a refusal of a file request with an HTTP status (415 for an invoice
// that is no PDF, 400 for a missing title).
type FileError struct {
	Status  int
	Message string
}

func (e *FileError) Error() string { return e.Message }

// ModulePage is a declared staff page with the module that declared it.
type ModulePage struct {
	Module string
	StaffPage
}

// Declared gathers what every module of the list declared for the shells: the
// console mounts StaffPages and Card, the API Methods and FileKinds. Boot fills it
// before any module is mounted; a module left out of the list simply declares
// nothing.
type Declared struct {
	pages   []ModulePage
	methods []*rpc.Method
	kinds   []FileKind
	card    []CardSection
	dash    []DashboardCard
	// prefixes maps each module of the list to its URL prefix ("" for root modules).
	prefixes map[string]string
	exports  []Exporter
	// sections are the modules whose section a brand or a client override may show
	// or hide.
	sections []Section
}

// Section is a subscriber module whose section a brand or a client override may show
// or hide: its Name and the translation key of its (first) menu entry.
type Section struct {
	Name, Key string
}

// DashboardCard is one card of the subscriber's dashboard, declared by the module
// whose data it shows; the card follows that module's gate.
type DashboardCard struct {
	Name  string
	Order int
	// Module is the declaring module's name (set by NewDeclared): the card follows
	// that module's section overrides and the roles of invited people (CardOn).
	Module string
	// Gate says whether the card shows for this request (the module's setting); nil:
	// always.
	Gate func(c *fiber.Ctx) bool
	// Render returns the card's HTML (usually web.Partial of a module template), for
	// the logged-in client of c.
	Render func(c *fiber.Ctx) (template.HTML, error)
}

// NewDeclared gathers the declarations of infos.
func NewDeclared(infos ...Info) *Declared {
	d := &Declared{prefixes: map[string]string{}}
	names := map[string]string{}
	for _, info := range infos {
		d.prefixes[info.Name] = info.Prefix
		for _, card := range info.Dashboard {
			card.Module = info.Name
			d.dash = append(d.dash, card)
		}
		for _, p := range info.StaffPages {
			mustKnow(info.Name, p.Path, p.Action)
			d.pages = append(d.pages, ModulePage{Module: info.Name, StaffPage: p})
		}
		for _, m := range info.Methods {
			if other, dup := names[m.Name]; dup {
				panic("app: method " + m.Name + " declared by " + other + " and " + info.Name)
			}
			names[m.Name] = info.Name
			mustKnow(info.Name, m.Name, m.Action)
			d.methods = append(d.methods, m)
		}
		d.kinds = append(d.kinds, info.FileKinds...)
		d.card = append(d.card, info.Card...)
		if info.Export != nil {
			d.exports = append(d.exports, info.Export)
		}
		if (info.Area == Client || info.Area == Public) && len(info.Menu) > 0 && info.Prefix != "" {
			d.sections = append(d.sections, Section{Name: info.Name, Key: info.Menu[0].Key})
		}
	}
	sort.SliceStable(d.methods, func(i, j int) bool { return d.methods[i].Order < d.methods[j].Order })
	sort.SliceStable(d.card, func(i, j int) bool { return d.card[i].Order < d.card[j].Order })
	sort.SliceStable(d.dash, func(i, j int) bool { return d.dash[i].Order < d.dash[j].Order })
	return d
}

// Prefix reports whether a module of this name is in the list, and its URL prefix:
// a module links to another's pages (/pay/refill) only when it is mounted.
func (d *Declared) Prefix(module string) (string, bool) {
	if d == nil {
		return "", false
	}
	p, ok := d.prefixes[module]
	return p, ok
}

// Sections lists the subscriber modules that have a prefix and a menu entry, in list
// order: the sections a brand shows or hides, and staff force shown or hidden for one
// client.
func (d *Declared) Sections() []Section {
	if d == nil {
		return nil
	}
	return d.sections
}

// Dashboard lists the declared dashboard cards by order.
func (d *Declared) Dashboard() []DashboardCard {
	if d == nil {
		return nil
	}
	return d.dash
}

// mustKnow stops the boot at a page or method whose action the permission table
// does not have: it would be refused to everybody, a mistake of the declaration.
func mustKnow(module, what string, act perm.Action) {
	if !perm.Known(act) {
		panic("app: " + module + " declares " + what + " with unknown action " + string(act))
	}
}

// StaffPages lists the declared console pages in module order.
func (d *Declared) StaffPages() []ModulePage {
	if d == nil {
		return nil
	}
	return d.pages
}

// Methods lists the declared API methods in reference order.
func (d *Declared) Methods() []*rpc.Method {
	if d == nil {
		return nil
	}
	return d.methods
}

// FileKinds lists the declared file types of the API's file endpoint.
func (d *Declared) FileKinds() []FileKind {
	if d == nil {
		return nil
	}
	return d.kinds
}

// Card lists the client card's sections by order.
func (d *Declared) Card() []CardSection {
	if d == nil {
		return nil
	}
	return d.card
}

// Exporters lists the declared parts of a client's own-data export in module order.
func (d *Declared) Exporters() []Exporter {
	if d == nil {
		return nil
	}
	return d.exports
}
