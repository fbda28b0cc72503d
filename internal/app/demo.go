package app

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"strings"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/settings"
)

// Demo logins, printed by `make run`.
const (
	DemoClientNumber   = "1001"
	DemoClientUsername = "demo"
	DemoClientPassword = "demo1234"
	DemoStaffLogin     = "admin"
	DemoStaffPassword  = "admin1234"
)

var demoGroups = []core.InvoiceGroup{
	{ExternalID: "demo-g1", Name: "Residential", SupplierName: "NetWave s.r.o.", Street: "Vinohradská 12", City: "Praha 2",
		Postcode: "120 00", Country: "CZ", RegistrationNo: "12345678", VATNo: "CZ12345678", Phone: "+420 222 333 444",
		Email: "podpora@netwave.example", Web: "https://www.netwave.example", BankAccount: "2400123456/2010",
		IBAN: "CZ6520100000002400123456", BIC: "FIOBCZPPXXX", Currency: "CZK"},
	{ExternalID: "demo-g2", Name: "Business", SupplierName: "NetWave Business a.s.", Street: "Masarykova 40", City: "Brno",
		Postcode: "602 00", Country: "CZ", RegistrationNo: "87654321", VATNo: "CZ87654321", Phone: "+420 533 111 222",
		Email: "business@netwave.example", Web: "https://business.netwave.example", BankAccount: "2900765432/2010",
		IBAN: "CZ4420100000002900765432", BIC: "FIOBCZPPXXX", Currency: "CZK"},
}

var demoNames = []string{"Jana Nováková", "Petr Svoboda", "Lucie Dvořáková", "Tomáš Černý", "Eva Procházková",
	"Martin Kučera", "Kateřina Veselá", "Jiří Horák", "Tereza Němcová", "Pavel Marek", "Barbora Pospíšilová",
	"Jan Pokorný", "Veronika Hájková", "Lukáš Král", "Michaela Jelínková", "David Růžička", "Anna Beneš",
	"Ondřej Fiala", "Klára Sedláčková", "Vojtěch Doležal"}

var demoStreets = []string{"Korunní 5", "Slezská 48", "Budečská 3", "Mánesova 71", "Italská 19", "Londýnská 2"}

// demoSettings make every feature visible in the demo. They are applied only when the
// setting has never been stored, so staff changes survive the next make run.
var demoSettings = []struct{ key, value string }{
	{settings.SystemMail.Key, "portal@netwave.example"},
	{settings.SystemMailName.Key, "NetWave client portal"},
	{settings.PortalName.Key, "NetWave"},
	{settings.WebmailURL.Key, "https://mail.netwave.example/"},
	{settings.AuthRequestsEnable.Key, "1"},
	{settings.AuthRequestsForward.Key, "requests@netwave.example"},
	{settings.DisplaySupplierContact.Key, "1"},
	{settings.LoginNameCreation.Key, "1"},
	{settings.ContactText.Key, "<h2>NetWave customer care</h2><p>Phone <a href=\"tel:+420222333444\">+420 222 333 444</a>, " +
		"Monday to Friday 8:00–18:00.</p><p>E-mail: <a href=\"mailto:podpora@netwave.example\">podpora@netwave.example</a></p>"},
}

// DemoURL is the address a server started with listen serves, as a browser on the same
// machine reaches it: an empty or unspecified host (":9080", "0.0.0.0:9080") becomes
// localhost.
func DemoURL(listen, basePath string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		host, port = "", "9080"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + strings.TrimSuffix(basePath, "/") + "/"
}

// demoPortalURL points ci_url (the address in password links and mails) at the address
// the demo is served on. It follows the demo's address while only the demo has set it;
// once staff change it, their value stays.
func demoPortalURL(ctx context.Context, tx *sql.Tx, st *settings.Store, url string) error {
	cur, stored := st.Value(settings.PortalURL.Def, 0)
	if stored {
		var actor string
		err := tx.QueryRowContext(ctx, `SELECT actor FROM settings_audit WHERE key = ? AND group_id = 0 ORDER BY id DESC LIMIT 1`,
			settings.PortalURL.Key).Scan(&actor)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		if actor != "demo" || cur == url {
			return nil
		}
	}
	return st.SetTx(ctx, tx, settings.PortalURL.Key, 0, url, "demo")
}

// SeedDemo writes the shared demo rows (invoice groups, clients, the staff admin and
// the settings that switch features on) and then every module's demo rows. Running it
// again changes nothing.
func SeedDemo(ctx context.Context, e *Env) (SeedEnv, error) {
	d := e.Deps
	now := d.Now()
	env := SeedEnv{Now: now, DataDir: d.DataDir, ClientIDs: map[string]int64{}}
	err := d.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, g := range demoGroups {
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM invoice_groups WHERE external_id = ?`, g.ExternalID).Scan(&id)
			if err == sql.ErrNoRows {
				id, err = core.SaveGroup(ctx, tx, g, core.Now(now))
			}
			if err != nil {
				return err
			}
			env.GroupIDs = append(env.GroupIDs, id)
		}
		for i, name := range demoNames {
			number := fmt.Sprintf("%d", 1001+i)
			if c, err := core.ClientByNumber(ctx, tx, number); err == nil {
				env.ClientIDs[number] = c.ID
				continue
			}
			c := core.Client{ExternalID: "demo-" + number, Number: number, Name: name,
				InvoiceGroupID: env.GroupIDs[i%2], Active: true, Country: "CZ", InvCountry: "CZ",
				Email: fmt.Sprintf("client%s@example.net", number), Phone: fmt.Sprintf("+420 222 %03d %03d", 100+i, 200+i),
				Mobile: fmt.Sprintf("+420 777 %03d %03d", 300+i, 400+i), Street: demoStreets[i%len(demoStreets)],
				City: "Praha", Postcode: fmt.Sprintf("1%02d 00", 10+i%9)}
			c.InvStreet, c.InvCity, c.InvPostcode = c.Street, c.City, c.Postcode
			if i == 0 {
				c.Username = DemoClientUsername
				c.Email = "demo@example.net"
			}
			if i%2 == 1 {
				c.IsBusiness = true
				c.Company = name + " – IT služby"
				c.RegistrationNo = fmt.Sprintf("%08d", 27000000+i)
				c.VATNo = fmt.Sprintf("CZ%08d", 27000000+i)
			}
			id, err := core.SaveClient(ctx, tx, c, core.Now(now))
			if err != nil {
				return err
			}
			env.ClientIDs[number] = id
		}
		if _, err := core.StaffByLogin(ctx, tx, DemoStaffLogin); err == core.ErrNotFound {
			h, err := password.Hash(DemoStaffPassword)
			if err != nil {
				return err
			}
			if _, err := core.SaveStaff(ctx, tx, core.Staff{Login: DemoStaffLogin, Name: "Demo Administrator",
				Email: "admin@netwave.example", Role: core.RoleAdmin, PasswordHash: h, SendTasksEmail: true,
				SendPortalRequests: true, Active: true}, core.Now(now)); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if err := demoPortalURL(ctx, tx, d.Settings, DemoURL(e.Config.Listen, e.Config.BasePath)); err != nil {
			return err
		}
		for _, s := range demoSettings {
			def, _ := settings.Lookup(s.key)
			if _, stored := d.Settings.Value(def, 0); stored {
				continue
			}
			if err := d.Settings.SetTx(ctx, tx, s.key, 0, s.value, "demo"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return env, fmt.Errorf("demo: %w", err)
	}
	if err := d.Settings.Sync(ctx); err != nil {
		return env, err
	}
	for _, m := range e.Modules {
		info := m.Info()
		if info.Seed == nil {
			continue
		}
		if err := d.DB.Tx(ctx, func(tx *sql.Tx) error { return info.Seed(ctx, tx, env) }); err != nil {
			return env, fmt.Errorf("demo %s: %w", info.Name, err)
		}
	}
	return env, d.Settings.Sync(ctx)
}
