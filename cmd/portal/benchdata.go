package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/modules/auth"
	"github.com/ispportal/portal/modules/helpdesk"
	"github.com/ispportal/portal/modules/info"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/services"
)

func init() {
	builtin["bench-data"] = builtinCmd{"[--seed N] [--clients N]", "generate the load-test data set (10,000 clients...) into an empty data directory", benchData}
}

// The size of the bench data set (issue 11). Client numbers start at
// benchFirstClient, so `go run ./bench/load` logs in 1001, 1002, ... by default.
// --clients scales it (issue 25: `make bench SCALE=100000`); everything per client
// scales with it (services, invoices, tickets, messages, usage records) except
// traffic, which is generated for the Internet services of the first
// benchTrafficClients clients only: at 100,000 clients the same buckets would be
// 125 million rows, and the graphs the load driver opens belong to the first 200.
const (
	benchClients        = 10000 // the default of --clients
	benchTrafficClients = 10000
	benchFirstClient    = 1001
	benchMonths         = 24
	benchTicketsPer     = 2 // tickets per client: 20,000 at 10,000 clients
	benchItemsPerTkt    = 5 // on average; 100,000 items in all
	benchPrivateMsgs    = 3 // per client; plus one global and one group message = 5 each
	benchYearServices   = 500
	benchHourDays       = 30 // hourly buckets for every Internet service
	benchFineHours      = 24 // 5-minute buckets for every Internet service
	benchYearDays       = 366
	benchPassword       = "bench-password"
	benchVATRate        = 21
	benchInvoiceDueDay  = 14
)

// benchGen carries what one generation run shares between its phases.
type benchGen struct {
	ctx  context.Context
	d    app.Deps
	rnd  *rand.Rand
	now  time.Time
	out  app.IO
	t0   time.Time
	step time.Time
	size int // clients to generate (--clients)

	groups   []int64
	clients  []benchClient
	tariffs  []services.Tariff
	internet []int64 // Internet service ids of the first benchTrafficClients clients, ascending
}

type benchClient struct {
	id, group int64
	number    string
	name      string
	services  []services.Tariff // tariff of each service, for the invoice lines
}

// benchData is `portal bench-data`: a deterministic (seeded) data set of realistic
// size, for `make bench`. It refuses a database that already has clients.
func benchData(ctx context.Context, e *app.Env, io app.IO, args []string) error {
	fs := flag.NewFlagSet("bench-data", flag.ContinueOnError)
	fs.SetOutput(io.Err)
	seed := fs.Int64("seed", 11, "random seed: the same seed gives the same data (dates are relative to today)")
	size := fs.Int("clients", benchClients, "clients to generate (at least 100); the rest of the data set scales with them")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *size < 100 {
		return usageError{"bench-data: --clients must be at least 100"}
	}
	var n int
	if err := e.Deps.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM clients`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("bench-data: the data directory already has %d clients; use a fresh --data directory", n)
	}
	g := &benchGen{ctx: ctx, d: e.Deps, rnd: rand.New(rand.NewSource(*seed)), out: io, t0: time.Now(), size: *size}
	// Anchored to the current 5-minute step, so the graphs end "now".
	g.now = time.Unix(time.Now().Unix()/300*300, 0)
	g.step = g.t0
	// Speed over durability while generating: a crash here means generating again.
	w := e.Deps.DB.W
	// Foreign keys off: the bulk writers queue lines and payments before the invoice
	// they point at is flushed, and deferring the check instead makes SQLite scan
	// payments (no index on invoice_id) for every invoice. foreignKeyCheck verifies
	// them all at the end.
	for _, p := range []string{"PRAGMA synchronous = OFF", "PRAGMA cache_size = -131072", "PRAGMA foreign_keys = OFF"} {
		if _, err := w.ExecContext(ctx, p); err != nil {
			return err
		}
	}
	phases := []struct {
		name string
		fn   func(tx *sql.Tx) error
	}{
		{"groups, clients, passwords", g.clientsPhase},
		{"tariffs, services", g.servicesPhase},
		{"invoices, payments", g.invoicesPhase},
		{"helpdesk", g.helpdeskPhase},
		{"messages", g.messagesPhase},
		{"traffic", g.trafficPhase},
		{"rates, push service, API account", g.ratesPhase},
		{"usage records", g.usagePhase},
	}
	indexes, err := dropIndexes(ctx, w, benchBulkTables)
	if err != nil {
		return err
	}
	for _, p := range phases {
		if err := e.Deps.DB.Tx(ctx, p.fn); err != nil {
			return fmt.Errorf("bench-data: %s: %w", p.name, err)
		}
		g.done(p.name)
	}
	for _, sql := range indexes {
		if _, err := w.ExecContext(ctx, sql); err != nil {
			return fmt.Errorf("bench-data: %s: %w", sql, err)
		}
	}
	g.done(fmt.Sprintf("%d indexes", len(indexes)))
	if err := foreignKeyCheck(ctx, w); err != nil {
		return err
	}
	for _, p := range []string{"PRAGMA foreign_keys = ON", "PRAGMA synchronous = FULL", "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := w.ExecContext(ctx, p); err != nil {
			return err
		}
	}
	g.done("checkpoint")
	fmt.Fprintf(io.Out, "Bench data generated in %.1f s (seed %d): %d clients %d..%d, password %q.\n",
		time.Since(g.t0).Seconds(), *seed, g.size, benchFirstClient, benchFirstClient+g.size-1, benchPassword)
	return nil
}

// benchBulkTables are the tables only the bulk writer fills (no Save function with
// an ON CONFLICT upsert writes them during generation).
var benchBulkTables = []string{"invoices", "invoice_items", "payments", "helpdesk_tickets", "helpdesk_items", "usage_records"}

// dropIndexes drops the indexes the migrations created on tables and returns their
// CREATE statements, to be run again after the load: building an index once from
// the finished table is faster than keeping it sorted through millions of inserts
// (the invoices phase at 100,000 clients), and the statements are the migrations'
// own text from sqlite_master, so the schema stays the product's. Indexes behind
// PRIMARY KEY and UNIQUE constraints of the table definitions (sql IS NULL) stay.
func dropIndexes(ctx context.Context, w *sql.DB, tables []string) ([]string, error) {
	var names, stmts []string
	for _, t := range tables {
		rows, err := w.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`, t)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var name, stmt string
			if err := rows.Scan(&name, &stmt); err != nil {
				rows.Close()
				return nil, err
			}
			names, stmts = append(names, name), append(stmts, stmt)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for _, n := range names {
		if _, err := w.ExecContext(ctx, `DROP INDEX "`+n+`"`); err != nil {
			return nil, fmt.Errorf("bench-data: drop index %s: %w", n, err)
		}
	}
	return stmts, nil
}

// foreignKeyCheck verifies the keys of the tables written with foreign keys off.
func foreignKeyCheck(ctx context.Context, w *sql.DB) error {
	for _, t := range []string{"invoices", "invoice_items", "payments", "helpdesk_tickets", "helpdesk_items", "info_messages", "usage_records"} {
		rows, err := w.QueryContext(ctx, "PRAGMA foreign_key_check("+t+")")
		if err != nil {
			return err
		}
		bad := rows.Next()
		rows.Close()
		if bad {
			return fmt.Errorf("bench-data: foreign key violation in %s", t)
		}
	}
	return nil
}

func (g *benchGen) done(what string) {
	fmt.Fprintf(g.out.Out, "  %-28s %6.1f s\n", what, time.Since(g.step).Seconds())
	g.step = time.Now()
}

var (
	benchFirstNames = []string{"Jan", "Petr", "Jana", "Eva", "Martin", "Lucie", "Tomáš", "Kateřina", "Jiří", "Tereza",
		"Pavel", "Barbora", "Lukáš", "Veronika", "David", "Anna", "Ondřej", "Klára", "Vojtěch", "Michaela"}
	benchLastNames = []string{"Novák", "Svoboda", "Dvořák", "Černý", "Procházka", "Kučera", "Veselý", "Horák", "Němec",
		"Marek", "Pospíšil", "Pokorný", "Hájek", "Král", "Jelínek", "Růžička", "Beneš", "Fiala", "Sedláček", "Doležal"}
	benchStreets = []string{"Korunní", "Slezská", "Budečská", "Mánesova", "Italská", "Londýnská", "Nádražní", "Husova",
		"Palackého", "Masarykova", "Zahradní", "Školní"}
	benchCities = [3][]string{{"Praha", "Beroun", "Kladno"}, {"Brno", "Blansko", "Vyškov"}, {"Ostrava", "Opava", "Havířov"}}
)

// clientsPhase writes 3 invoice groups and the clients with core's Save functions, and
// one password hash (argon2id of benchPassword, computed once) for every client
// through auth.SavePassword: hashing 10,000 times would take minutes.
func (g *benchGen) clientsPhase(tx *sql.Tx) error {
	ctx, now := g.ctx, core.Now(g.now)
	for i, region := range []string{"Praha", "Brno", "Ostrava"} {
		id, err := core.SaveGroup(ctx, tx, core.InvoiceGroup{ExternalID: fmt.Sprintf("bench-g%d", i+1),
			Name: "NetWave " + region, SupplierName: "NetWave " + region + " s.r.o.", Street: "Nádražní 1", City: region,
			Postcode: fmt.Sprintf("%d00 00", 1+3*i), Country: "CZ", RegistrationNo: fmt.Sprintf("2%07d", i),
			VATNo: fmt.Sprintf("CZ2%07d", i), Phone: "+420 222 333 44" + fmt.Sprint(i), Email: "podpora@netwave.example",
			BankAccount: fmt.Sprintf("240012345%d/2010", i), IBAN: fmt.Sprintf("CZ65201000000024001234%02d", i),
			BIC: "FIOBCZPPXXX", Currency: "CZK"}, now)
		if err != nil {
			return err
		}
		g.groups = append(g.groups, id)
	}
	hash, err := password.Hash(benchPassword)
	if err != nil {
		return err
	}
	for i := 0; i < g.size; i++ {
		r := g.rnd
		number := fmt.Sprint(benchFirstClient + i)
		gi := r.Intn(10) % 3 // Praha 40 %, Brno and Ostrava 30 % each
		name := benchFirstNames[r.Intn(len(benchFirstNames))] + " " + benchLastNames[r.Intn(len(benchLastNames))]
		c := core.Client{ExternalID: "bench-" + number, Number: number, Name: name, InvoiceGroupID: g.groups[gi],
			Active: true, Country: "CZ", InvCountry: "CZ", Email: "client" + number + "@example.net",
			Phone:  fmt.Sprintf("+420 2%02d %03d %03d", r.Intn(100), r.Intn(1000), r.Intn(1000)),
			Mobile: fmt.Sprintf("+420 7%02d %03d %03d", r.Intn(100), r.Intn(1000), r.Intn(1000)),
			Street: fmt.Sprintf("%s %d", benchStreets[r.Intn(len(benchStreets))], 1+r.Intn(120)),
			City:   benchCities[gi][r.Intn(3)], Postcode: fmt.Sprintf("%d%02d 00", 1+3*gi, r.Intn(100))}
		c.InvStreet, c.InvCity, c.InvPostcode = c.Street, c.City, c.Postcode
		if r.Intn(10) == 0 {
			c.IsBusiness = true
			c.Company = name + " s.r.o."
			c.RegistrationNo = fmt.Sprintf("%08d", 27000000+i)
			c.VATNo = "CZ" + c.RegistrationNo
		}
		id, err := core.SaveClient(ctx, tx, c, now)
		if err != nil {
			return err
		}
		if err := auth.SavePassword(ctx, tx, id, hash, false, time.Time{}, g.now); err != nil {
			return err
		}
		g.clients = append(g.clients, benchClient{id: id, group: g.groups[gi], number: number, name: name})
	}
	return nil
}

// servicesPhase writes the tariffs and 15,000 services with the services module's
// Save functions: every client has an Internet service, every fifth a second one,
// another fifth TV and every tenth VoIP (12,000 Internet services in all).
func (g *benchGen) servicesPhase(tx *sql.Tx) error {
	ctx := g.ctx
	gb := int64(1) << 30
	tariffs := []services.Tariff{
		{ExternalID: "bench-t1", Name: "Internet 50", Kind: services.KindInternet, Price: 39900, DownKbit: 50000, UpKbit: 10000},
		{ExternalID: "bench-t2", Name: "Internet 100", Kind: services.KindInternet, Price: 49900, DownKbit: 100000, UpKbit: 20000},
		{ExternalID: "bench-t3", Name: "Internet 250", Kind: services.KindInternet, Price: 59900, DownKbit: 250000, UpKbit: 50000},
		{ExternalID: "bench-t4", Name: "Internet 1000", Kind: services.KindInternet, Price: 89900, DownKbit: 1000000, UpKbit: 200000},
		{ExternalID: "bench-t5", Name: "Internet Mobil 20", Kind: services.KindInternet, Price: 29900, DownKbit: 20000, UpKbit: 5000,
			FUPLimit: 200 * gb, FUPPeriod: services.FUPMonth, FUPDownKbit: 2000, FUPUpKbit: 1000},
		{ExternalID: "bench-t6", Name: "TV Basic", Kind: services.KindTV, Price: 19900},
		{ExternalID: "bench-t7", Name: "TV Plus", Kind: services.KindTV, Price: 34900},
		{ExternalID: "bench-t8", Name: "VoIP", Kind: services.KindVoIP, Price: 9900},
	}
	for i := range tariffs {
		id, err := services.SaveTariff(ctx, tx, tariffs[i], g.now)
		if err != nil {
			return err
		}
		tariffs[i].ID = id
	}
	g.tariffs = tariffs
	for i := range g.clients {
		c := &g.clients[i]
		r := g.rnd
		kinds := []services.Tariff{tariffs[[]int{0, 1, 1, 1, 2, 2, 3, 4}[r.Intn(8)]]}
		switch {
		case i%5 == 0:
			kinds = append(kinds, tariffs[r.Intn(5)])
		case i%5 == 1:
			kinds = append(kinds, tariffs[5+r.Intn(2)])
		}
		if i%10 == 2 {
			kinds = append(kinds, tariffs[7])
		}
		activated := g.now.AddDate(0, -(1 + r.Intn(96)), -r.Intn(28)).Format("2006-01-02")
		for k, t := range kinds {
			s := services.Service{ClientID: c.id, TariffID: t.ID, Kind: t.Kind, Name: t.Name, ActivatedOn: activated,
				Address: fmt.Sprintf("%s %d", benchStreets[r.Intn(len(benchStreets))], 1+r.Intn(120))}
			if t.Kind == services.KindInternet {
				s.IP = fmt.Sprintf("10.%d.%d.%d", 1+i/65000, i/250%256, 2+k+i%250)
				s.DHCP = r.Intn(3) == 0
				s.MAC = fmt.Sprintf("02:00:%02x:%02x:%02x:%02x", i>>16&255, i>>8&255, i&255, k)
				s.Params = []services.Param{{Name: "Gateway", Value: fmt.Sprintf("10.%d.%d.1", 1+i/65000, i/250%256)},
					{Name: "DNS", Value: "10.0.0.53, 10.0.1.53"}}
			}
			id, err := services.SaveService(ctx, tx, s, g.now)
			if err != nil {
				return err
			}
			if t.Kind == services.KindInternet && i < benchTrafficClients {
				g.internet = append(g.internet, id)
			}
			c.services = append(c.services, t)
		}
	}
	return nil
}

// invoicesPhase writes 24 monthly invoices per client, one line per service, and a
// payment for every paid one, with prepared multi-row INSERTs: invoices.SaveInvoice
// and SavePayment run 3-4 statements per invoice (an upsert, its lines, a lookup),
// about a million in all, too slow for the budget. Ids are assigned here so that the
// lines and payments can point at their invoice without reading it back.
func (g *benchGen) invoicesPhase(tx *sql.Tx) error {
	ctx := g.ctx
	var next int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM invoices`).Scan(&next); err != nil {
		return err
	}
	inv, err := newBulk(ctx, tx, "invoices", "id", "client_id", "number", "issued", "due", "taxable", "amount",
		"amount_vat", "currency", "variable_symbol", "paid", "paid_on", "pdf_path", "created_at")
	if err != nil {
		return err
	}
	items, err := newBulk(ctx, tx, "invoice_items", "invoice_id", "position", "description", "quantity", "unit_price", "vat_rate")
	if err != nil {
		return err
	}
	pay, err := newBulk(ctx, tx, "payments", "client_id", "paid_on", "amount", "currency", "method", "invoice_id", "note", "created_at")
	if err != nil {
		return err
	}
	today := time.Date(g.now.Year(), g.now.Month(), g.now.Day(), 0, 0, 0, 0, time.UTC)
	first := time.Date(g.now.Year(), g.now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -(benchMonths - 1), 0)
	seq := map[int]int{}
	const date = "2006-01-02"
	for _, c := range g.clients {
		for m := 0; m < benchMonths; m++ {
			r := g.rnd
			issued := first.AddDate(0, m, 0)
			due := issued.AddDate(0, 0, benchInvoiceDueDay)
			lines := make([]invoices.Item, len(c.services))
			for k, t := range c.services {
				lines[k] = invoices.Item{Description: fmt.Sprintf("%s %s", t.Name, issued.Format("01/2006")),
					Quantity: 1000, UnitPrice: t.Price, VATRate: benchVATRate}
			}
			amount, withVAT := invoices.Totals(lines)
			next++
			seq[issued.Year()]++
			number := fmt.Sprintf("%04d%06d", issued.Year(), seq[issued.Year()])
			// Older invoices are paid but for a few overdue ones; the newest one is
			// paid by two thirds of the clients so far.
			paid := r.Intn(50) != 0
			if m == benchMonths-1 {
				paid = r.Intn(3) != 0
			}
			paidOn := ""
			var paidAt time.Time
			if paid {
				paidAt = issued.AddDate(0, 0, 1+r.Intn(20))
				if paidAt.After(today) {
					paidAt = today
				}
				paidOn = paidAt.Format(date)
			}
			if err := inv.add(next, c.id, number, issued.Format(date), due.Format(date), issued.Format(date), amount,
				withVAT, "CZK", number, paid, paidOn, "", core.Now(issued)); err != nil {
				return err
			}
			for k, it := range lines {
				if err := items.add(next, k, it.Description, it.Quantity, it.UnitPrice, it.VATRate); err != nil {
					return err
				}
			}
			if paid {
				method := []string{invoices.MethodBank, invoices.MethodBank, invoices.MethodBank, invoices.MethodBank,
					invoices.MethodBank, invoices.MethodBank, invoices.MethodBank, invoices.MethodCard, invoices.MethodCard,
					invoices.MethodCash}[r.Intn(10)]
				if err := pay.add(c.id, paidOn, withVAT, "CZK", method, next, "", core.Now(paidAt)); err != nil {
					return err
				}
			}
		}
	}
	for _, b := range []*bulk{inv, items, pay} {
		if err := b.close(); err != nil {
			return err
		}
	}
	fmt.Fprintf(g.out.Out, "  %d invoices, %d invoice lines, %d payments\n", inv.rows, items.rows, pay.rows)
	return nil
}

var (
	benchSubjects = []string{"Internet is slow in the evening", "No connection since this morning", "Change of tariff",
		"Question about my invoice", "Router keeps restarting", "Moving to a new address", "Wi-Fi does not reach upstairs",
		"Request for a public IP address", "TV channels missing", "VoIP calls drop", "Payment not matched",
		"Cancel the TV service"}
	benchBodies = []string{"Hello, since yesterday the connection drops every few minutes. Could you please check it?",
		"Thank you for your message. We have checked the line and restarted your port; please try again.",
		"It works again, thank you.", "The technician will visit you on Tuesday between 9 and 12.",
		"Please send me the invoice again, I cannot find it.", "We have changed your tariff from the first of next month.",
		"Customer called, explained the FUP limit.", "Speed test from the customer attached: 12 Mbit/s down."}
)

// helpdeskPhase writes three departments (one takes portal requests, which switches
// the Helpdesk tab on) with helpdesk.SaveDepartment, and 20,000 tickets with 100,000
// items with multi-row INSERTs (SaveTicket and AddItem run 2-3 statements each).
func (g *benchGen) helpdeskPhase(tx *sql.Tx) error {
	ctx := g.ctx
	var depts []int64
	for i, name := range []string{"Technical support", "Billing", "Sales"} {
		id, err := helpdesk.SaveDepartment(ctx, tx, helpdesk.Department{ExternalID: fmt.Sprintf("bench-d%d", i+1), Name: name,
			PortalRequests: i == 0}, g.now)
		if err != nil {
			return err
		}
		depts = append(depts, id)
	}
	var next int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM helpdesk_tickets`).Scan(&next); err != nil {
		return err
	}
	tickets, err := newBulk(ctx, tx, "helpdesk_tickets", "id", "client_id", "department_id", "subject", "state",
		"created_at", "updated_at")
	if err != nil {
		return err
	}
	items, err := newBulk(ctx, tx, "helpdesk_items", "ticket_id", "type", "direction", "body", "author", "created_at")
	if err != nil {
		return err
	}
	spread := int64(2 * 365 * 24 * time.Hour / time.Second)
	for i := 0; i < benchTicketsPer*g.size; i++ {
		r := g.rnd
		c := g.clients[r.Intn(len(g.clients))]
		next++
		// Pairs of tickets share 10 items, so the total is exactly 5 per ticket.
		n := benchItemsPerTkt + (i%2*2-1)*(i/2%4)
		at := g.now.Add(-time.Duration(r.Int63n(spread)+3600) * time.Second)
		created := at
		state := []string{helpdesk.StateClosed, helpdesk.StateClosed, helpdesk.StateClosed, helpdesk.StateClosed,
			helpdesk.StateClosed, helpdesk.StateClosed, helpdesk.StateClosed, helpdesk.StateWaiting,
			helpdesk.StateWaiting, helpdesk.StateOpen}[r.Intn(10)]
		for k := 0; k < n; k++ {
			typ, dir, author := helpdesk.TypeEmail, helpdesk.DirIn, c.name
			switch {
			case k%2 == 1:
				typ, dir, author = []string{helpdesk.TypeEmail, helpdesk.TypePhone, helpdesk.TypeEmail}[r.Intn(3)], helpdesk.DirOut, "Support"
			case k > 0 && r.Intn(4) == 0:
				typ, dir, author = helpdesk.TypeNote, helpdesk.DirOut, "Support"
			}
			if err := items.add(next, typ, dir, benchBodies[r.Intn(len(benchBodies))], author, core.Now(at)); err != nil {
				return err
			}
			if at = at.Add(time.Duration(10+r.Intn(2000)) * time.Minute); at.After(g.now) {
				at = g.now
			}
		}
		if err := tickets.add(next, c.id, depts[r.Intn(10)%3], benchSubjects[r.Intn(len(benchSubjects))], state,
			core.Now(created), core.Now(at)); err != nil {
			return err
		}
	}
	if err := tickets.close(); err != nil {
		return err
	}
	if err := items.close(); err != nil {
		return err
	}
	fmt.Fprintf(g.out.Out, "  %d tickets, %d items\n", tickets.rows, items.rows)
	return nil
}

// messagesPhase gives every client five messages: one global and one for their invoice
// group (info.SaveMessage), and three private ones (multi-row INSERT, 30,000 rows).
func (g *benchGen) messagesPhase(tx *sql.Tx) error {
	ctx := g.ctx
	if _, err := info.SaveMessage(ctx, tx, info.Message{ExternalID: "bench-global", Kind: info.KindGlobal,
		Title: "New customer portal", Body: "<p>Welcome to the new customer portal.</p>",
		ValidFrom: g.now.AddDate(0, -2, 0)}, g.now); err != nil {
		return err
	}
	for i, id := range g.groups {
		if _, err := info.SaveMessage(ctx, tx, info.Message{ExternalID: fmt.Sprintf("bench-group-%d", i+1), Kind: info.KindGroup,
			GroupID: id, Title: "Planned maintenance in your area", Body: "<p>On Sunday between 2:00 and 4:00 the network may be unavailable.</p>",
			ValidFrom: g.now.AddDate(0, 0, -7), ValidUntil: g.now.AddDate(0, 1, 0)}, g.now); err != nil {
			return err
		}
	}
	msgs, err := newBulk(ctx, tx, "info_messages", "kind", "client_id", "title", "body", "created_at")
	if err != nil {
		return err
	}
	titles := []string{"Your tariff changes next month", "Thank you for your payment", "Your router firmware was updated",
		"Invoice reminder", "Welcome"}
	for _, c := range g.clients {
		for k := 0; k < benchPrivateMsgs; k++ {
			at := g.now.Add(-time.Duration(g.rnd.Int63n(int64(365*24*time.Hour/time.Second))) * time.Second)
			if err := msgs.add(info.KindPrivate, c.id, titles[g.rnd.Intn(len(titles))],
				"<p>Dear customer, "+titles[g.rnd.Intn(len(titles))]+".</p>", core.Now(at)); err != nil {
				return err
			}
		}
	}
	return msgs.close()
}

// benchProfile is the share of a day's traffic in each local hour: quiet at night,
// peaking in the evening.
var benchProfile = func() [24]float64 {
	p := [24]float64{2.5, 1.5, 1, 0.8, 0.7, 0.8, 1.5, 3, 3.5, 3.5, 3.8, 4, 4.5, 4.5, 4.5, 4.8, 5, 5.5, 6.2, 7, 7.8, 8, 7, 5}
	var sum float64
	for _, v := range p {
		sum += v
	}
	for i := range p {
		p[i] /= sum
	}
	return p
}()

// trafficPhase writes traffic directly as the traffic package's buckets, not as
// counters through Ingest: the issue's "a year of 5-minute traffic for 500 services
// and 30 days for the rest" would be ~130 M five-minute rows (several GB, far over the
// budget), and the portal never keeps 5-minute data longer than
// traffic_fine_retention_days anyway. What the graphs read is generated instead:
//   - traffic_5m: the last 24 hours of every Internet service (the Day graph);
//   - traffic_hour: the last 30 days of every Internet service (Week and Month graphs);
//   - traffic_day: a year (366 days) for the first 500 Internet services, which belong
//     to the first clients that the load driver logs in, and the last 30 days (sums of
//     the hours) for the rest (the Year graph).
//
// Rows go in (service, bucket) order, so every primary key index only appends.
func (g *benchGen) trafficPhase(tx *sql.Tx) error {
	ctx := g.ctx
	loc := services.TrafficStore(g.d).Location()
	fine, err := newBulk(ctx, tx, "traffic_5m", "service_id", "bucket", "down", "up")
	if err != nil {
		return err
	}
	hour, err := newBulk(ctx, tx, "traffic_hour", "service_id", "bucket", "down", "up")
	if err != nil {
		return err
	}
	day, err := newBulk(ctx, tx, "traffic_day", "service_id", "bucket", "down", "up")
	if err != nil {
		return err
	}
	now := g.now.Unix()
	// The hour grid and what each hour means locally, shared by every service.
	lastHour := now/3600*3600 - 3600 // the last complete hour
	nHours := benchHourDays * 24
	type hourInfo struct {
		bucket, day int64 // UTC hour start, local midnight of its day
		share       float64
	}
	hours := make([]hourInfo, nHours)
	for i := range hours {
		b := lastHour - int64(nHours-1-i)*3600
		t := time.Unix(b, 0).In(loc)
		share := benchProfile[t.Hour()]
		if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
			share *= 1.25
		}
		y, m, d := t.Date()
		hours[i] = hourInfo{bucket: b, day: time.Date(y, m, d, 0, 0, 0, 0, loc).Unix(), share: share}
	}
	// Days older than the hour window, for the year services.
	var oldDays []int64
	today := time.Unix(now, 0).In(loc)
	for k := benchYearDays - 1; k >= 0; k-- {
		d := time.Date(today.Year(), today.Month(), today.Day()-k, 0, 0, 0, 0, loc).Unix()
		if d < hours[0].day {
			oldDays = append(oldDays, d)
		}
	}
	lastFine := now - 300
	nFine := benchFineHours * 12
	noise := func() float64 { return 0.6 + 0.8*g.rnd.Float64() }
	for si, id := range g.internet {
		r := g.rnd
		// Daily download around 3 GB, log-normally spread; upload a tenth or so.
		perDay := math.Exp(math.Log(3<<30) + 0.9*r.NormFloat64())
		upShare := 0.06 + 0.14*r.Float64()
		if si < benchYearServices {
			for _, d := range oldDays {
				down := perDay * noise() * (1 + 0.2*math.Sin(float64(d)/86400/58))
				if err := day.add(id, d, int64(down), int64(down*upShare*noise())); err != nil {
					return err
				}
			}
		}
		var dayDown, dayUp float64
		curDay := hours[0].day
		for _, h := range hours {
			if h.day != curDay {
				if err := day.add(id, curDay, int64(dayDown), int64(dayUp)); err != nil {
					return err
				}
				curDay, dayDown, dayUp = h.day, 0, 0
			}
			down := perDay * h.share * noise()
			up := down * upShare * noise()
			dayDown += down
			dayUp += up
			if err := hour.add(id, h.bucket, int64(down), int64(up)); err != nil {
				return err
			}
		}
		if err := day.add(id, curDay, int64(dayDown), int64(dayUp)); err != nil {
			return err
		}
		for k := 0; k < nFine; k++ {
			b := lastFine - int64(nFine-1-k)*300
			share := benchProfile[time.Unix(b, 0).In(loc).Hour()] / 12
			down := perDay * share * noise()
			if err := fine.add(id, b, int64(down), int64(down*upShare*noise())); err != nil {
				return err
			}
		}
	}
	for _, b := range []*bulk{fine, hour, day} {
		if err := b.close(); err != nil {
			return err
		}
	}
	fmt.Fprintf(g.out.Out, "  %d Internet services: %d five-minute, %d hourly, %d daily buckets\n",
		len(g.internet), fine.rows, hour.rows, day.rows)
	return nil
}
