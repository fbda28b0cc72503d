package brands

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"

	"github.com/ispportal/portal/internal/app"
)

func (m *Module) commands() []app.Command {
	return []app.Command{
		{Name: "brand list", Help: "list the brands with their host names", Run: brandList},
		{Name: "brand add", Usage: "--name NAME --domain HOST [--domain HOST ...]",
			Help: "add a brand on its host names", Run: m.brandAdd},
		{Name: "brand logo", Usage: "BRAND (--logo FILE | --login-logo FILE)",
			Help: "upload a brand's logo or login-page logo (JPEG, PNG or GIF, at most 350 px wide)", Run: m.brandLogo},
		{Name: "brand assign", Usage: "CLIENT BRAND", Help: "move a client (number or id) to a brand (id)", Run: m.brandAssign},
	}
}

var cliWho = Who{Actor: "cli", IP: ""}

func brandList(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("brand list: unexpected argument %q", args[0])
	}
	list, err := ListCounted(ctx, d.DB.R)
	if err != nil {
		return err
	}
	t := app.NewTable(stdio.Out, "ID", "NAME", "DEFAULT", "CLIENTS", "DOMAINS")
	for _, b := range list {
		t.Row(b.ID, b.Name, app.YesNo(b.Default()), b.Clients, strings.Join(b.Domains, " "))
	}
	return t.Flush()
}

// domainFlags collects repeated --domain values.
type domainFlags []string

func (f *domainFlags) String() string     { return strings.Join(*f, ",") }
func (f *domainFlags) Set(v string) error { *f = append(*f, v); return nil }

func (m *Module) brandAdd(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	fs := app.Flags("brand add", stdio)
	name := fs.String("name", "", "the brand's name (page titles, mails)")
	var doms domainFlags
	fs.Var(&doms, "domain", "a host name of the brand (repeat for more)")
	if err := app.ParseFlags(fs, args); err != nil {
		return err
	}
	var id int64
	err := d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = Save(ctx, tx, d, m.sectionNames(), Input{Name: *name, Domains: doms}, cliWho)
		return err
	})
	if err != nil {
		return app.CommandError("brand add", err)
	}
	fmt.Fprintf(stdio.Out, "brand %d saved\n", id)
	return nil
}

func (m *Module) brandLogo(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	fs := app.Flags("brand logo", stdio)
	logo := fs.String("logo", "", "the header logo file")
	login := fs.String("login-logo", "", "the login page's logo file")
	pos, err := app.Positional(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (*logo == "") == (*login == "") {
		return fmt.Errorf("brand logo: usage: brand logo BRAND (--logo FILE | --login-logo FILE)")
	}
	var id int64
	if _, err := fmt.Sscan(pos[0], &id); err != nil || id <= 0 {
		return fmt.Errorf("brand logo: %q is not a brand id", pos[0])
	}
	kind, path := KindLogo, *logo
	if *login != "" {
		kind, path = KindLoginLogo, *login
	}
	f, err := os.Open(path) // #nosec G304 -- a file the operator names
	if err != nil {
		return fmt.Errorf("brand logo: %w", err)
	}
	defer f.Close()
	err = d.DB.Tx(ctx, func(tx *sql.Tx) error { return SetLogo(ctx, tx, d, id, kind, f, cliWho) })
	if err != nil {
		return app.CommandError("brand logo", err)
	}
	fmt.Fprintf(stdio.Out, "brand %d: %s saved\n", id, kind)
	return nil
}

func (m *Module) brandAssign(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("brand assign: usage: brand assign CLIENT BRAND")
	}
	cl, err := app.OneClient(ctx, d, "brand assign", args[:1])
	if err != nil {
		return err
	}
	var brand int64
	if _, err := fmt.Sscan(args[1], &brand); err != nil || brand <= 0 {
		return fmt.Errorf("brand assign: %q is not a brand id", args[1])
	}
	err = d.DB.Tx(ctx, func(tx *sql.Tx) error { return Assign(ctx, tx, d, cl.ID, brand, cliWho) })
	if err != nil {
		return app.CommandError("brand assign", err)
	}
	fmt.Fprintf(stdio.Out, "client %s: brand %d\n", cl.Number, brand)
	return nil
}
