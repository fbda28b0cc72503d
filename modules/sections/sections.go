// Package sections lets staff force a portal section (a subscriber module: invoices,
// the helpdesk ...) shown or hidden for one client, over the global (and brand)
// settings: the ConnexCS "Portal Access" Show/Hide overrides of a customer. The
// overrides live in the client's row (clients.sections, read with the session), and
// internal/app applies them where it evaluates a module's Gate: the menu, the home
// page and the module's routes (404 when hidden) follow.
package sections

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// The three states of a section for one client.
const (
	Default = "default" // the module's own Gate (settings) decides
	Show    = "show"
	Hide    = "hide"
)

// ErrUnknown refuses an override of a section that does not exist.
var ErrUnknown = errors.New("no such portal section")

// ErrState refuses a state other than default, show and hide.
var ErrState = errors.New("must be default, show or hide")

// files are the module's templates and locales (see app.Info.Embed).
//
//go:embed templates locales
var files embed.FS

// Module is the sections module.
type Module struct{ d app.Deps }

// New returns the module; it does no work.
func New(d app.Deps) app.Module { return &Module{d: d} }

// Info declares the module: a client card section, its action, API methods and CLI.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:       "sections",
		Area:       app.Staff,
		StaffPages: m.staffPages(),
		Methods:    m.methods(),
		Card:       []app.CardSection{m.staffCard()},
		Commands:   m.commands(),
	}.Embed(files)
}

// Mount has nothing to mount: the pages are the console's.
func (m *Module) Mount(fiber.Router) {}

// known reports whether name is a section of the mounted modules.
func (m *Module) known(name string) bool {
	return slices.ContainsFunc(m.d.Declared.Sections(), func(s app.Section) bool { return s.Name == name })
}

// States returns a client's overrides as section → state, for every section.
func (m *Module) States(cl core.Client) map[string]string {
	over := core.ParseSections(cl.Sections)
	out := map[string]string{}
	for _, s := range m.d.Declared.Sections() {
		out[s.Name] = Default
		if on, ok := over[s.Name]; ok {
			out[s.Name] = map[bool]string{true: Show, false: Hide}[on]
		}
	}
	return out
}

// Set changes a client's overrides in tx: each name of changes to default, show or
// hide; others stay. It refuses an unknown section or state (nothing changes) and
// returns the audit detail, the new list.
func (m *Module) Set(ctx context.Context, tx *sql.Tx, clientID int64, changes map[string]string) (string, error) {
	cl, err := core.ClientByID(ctx, tx, clientID)
	if err != nil {
		return "", err
	}
	over := core.ParseSections(cl.Sections)
	if over == nil {
		over = map[string]bool{}
	}
	for name, state := range changes {
		if !m.known(name) {
			return "", &core.FieldError{Field: "sections." + name, Err: ErrUnknown}
		}
		switch state {
		case Default:
			delete(over, name)
		case Show, Hide:
			over[name] = state == Show
		default:
			return "", &core.FieldError{Field: "sections." + name, Err: ErrState}
		}
	}
	// Sections of modules no longer mounted are dropped on the next save.
	for name := range over {
		if !m.known(name) {
			delete(over, name)
		}
	}
	list := core.FormatSections(over)
	if _, err := tx.ExecContext(ctx, `UPDATE clients SET sections = ? WHERE id = ?`, list, clientID); err != nil {
		return "", err
	}
	if list == "" {
		list = "(none)"
	}
	return fmt.Sprintf("section overrides: %s", list), nil
}

// Apply runs Set in its own transaction with its audit entry (console, CLI).
func (m *Module) Apply(ctx context.Context, clientID int64, changes map[string]string, actor, ip string) error {
	return m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		detail, err := m.Set(ctx, tx, clientID, changes)
		if err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: m.d.Now(), Actor: actor, Action: "client.sections", ClientID: clientID, IP: ip,
			Detail: detail})
	})
}

// parseArgs reads "+name", "-name" and "=name" (back to default) words.
func parseArgs(args []string) (map[string]string, error) {
	out := map[string]string{}
	for _, a := range args {
		if len(a) < 2 {
			return nil, fmt.Errorf("%q: write +SECTION, -SECTION or =SECTION", a)
		}
		state, ok := map[byte]string{'+': Show, '-': Hide, '=': Default}[a[0]]
		if !ok {
			return nil, fmt.Errorf("%q: write +SECTION, -SECTION or =SECTION", a)
		}
		out[strings.TrimSpace(a[1:])] = state
	}
	return out, nil
}
