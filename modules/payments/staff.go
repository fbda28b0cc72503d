package payments

import (
	"context"
	"errors"
	"html/template"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

// The console: the Online payments page (/admin/payments: the latest attempts of all
// clients, saved methods, automatic charges with their tries) and a section of the
// client card with the client's own, where staff allowed payments.write switch the
// client's autopay off.

const (
	pathStaff           = "/payments"
	pathStaffAutopayOff = "/clients/:id/autopay/off"

	tplStaff     = "payments/staff_payments"
	tplStaffCard = "payments/staff_card"

	staffListLimit = 100
	cardListLimit  = 20
)

func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		console.Menu(console.Get(pathStaff, perm.PaymentsRead, m.showStaffPayments), "payments.staff.menu", 46),
		console.Post(pathStaffAutopayOff, perm.PaymentsWrite, m.staffAutopayOff),
	}
}

// StaffAttempt is an attempt with its client's number, for the console.
type StaffAttempt struct {
	Attempt
	ClientNumber string
}

// StaffMandate is a saved method with its client's number.
type StaffMandate struct {
	Mandate
	ClientNumber string
}

// Charge is one automatic charge of an invoice with its tries, for the console.
type Charge struct {
	ID, ClientID, InvoiceID int64
	ClientNumber            string
	Amount                  int64
	Currency                string
	Tries                   int
	State                   string // retrying, processing, paid, failed
	NextTry                 time.Time
	LastError               string
	CreatedAt, UpdatedAt    time.Time
}

// listStaffAttempts lists attempts newest first: of one client, or of all (0).
func listStaffAttempts(ctx context.Context, q core.Querier, clientID int64, limit int) ([]StaffAttempt, error) {
	query, args := staffAttempts.query(clientID, limit)
	return core.List(ctx, q, func(row core.Row) (StaffAttempt, error) {
		var a StaffAttempt
		var created, updated string
		err := row.Scan(&a.ID, &a.ClientID, &a.Provider, &a.InvoiceID, &a.Amount, &a.Currency, &a.ProviderRef, &a.State,
			&a.PaymentID, &created, &updated, &a.ClientNumber)
		a.CreatedAt, a.UpdatedAt = core.ParseTime(created), core.ParseTime(updated)
		return a, err
	}, query, args...)
}

// listMandates lists saved methods (setup and active): of one client, or of all (0).
func listMandates(ctx context.Context, q core.Querier, clientID int64, limit int) ([]StaffMandate, error) {
	query, args := staffMandates.query(clientID, limit)
	return core.List(ctx, q, func(row core.Row) (StaffMandate, error) {
		var md StaffMandate
		var created string
		err := row.Scan(&md.ClientID, &md.CustomerRef, &md.MethodRef, &md.Label, &md.State, &created, &md.ClientNumber)
		md.CreatedAt = core.ParseTime(created)
		return md, err
	}, query, args...)
}

// listCharges lists automatic charges, last changed first: of one client, or of all (0).
func listCharges(ctx context.Context, q core.Querier, clientID int64, limit int) ([]Charge, error) {
	query, args := staffCharges.query(clientID, limit)
	return core.List(ctx, q, func(row core.Row) (Charge, error) {
		var ch Charge
		var next, created, updated string
		err := row.Scan(&ch.ID, &ch.ClientID, &ch.InvoiceID, &ch.Amount, &ch.Currency, &ch.Tries, &ch.State, &next, &ch.LastError,
			&created, &updated, &ch.ClientNumber)
		ch.NextTry, ch.CreatedAt, ch.UpdatedAt = core.ParseTime(next), core.ParseTime(created), core.ParseTime(updated)
		return ch, err
	}, query, args...)
}

// staffList is a console list "of one client, or of all (0)": its rows and order.
type staffList struct{ from, order string }

var (
	staffAttempts = staffList{`SELECT ` + attemptCols + `, ` + clientNumber("payment_attempts") + ` FROM payment_attempts`, `id DESC`}
	staffMandates = staffList{`SELECT ` + mandateCols + `, ` + clientNumber("autopay_mandates") + ` FROM autopay_mandates`,
		`created_at DESC, client_id DESC`}
	staffCharges = staffList{`SELECT id, client_id, invoice_id, amount, currency, tries, state, next_try, last_error, created_at, updated_at,
		` + clientNumber("autopay_charges") + ` FROM autopay_charges`, `updated_at DESC, id DESC`}
)

// query is the statement and its arguments. The client is a condition only when given
// (core.Where), so the card's section reads the client's index; every client's lists
// come from indexes in their order (migration 0006), not a sort of the whole table.
func (l staffList) query(clientID int64, limit int) (string, []any) {
	var w core.Where
	if clientID != 0 {
		w.And(`client_id = ?`, clientID)
	}
	return l.from + w.SQL() + ` ORDER BY ` + l.order + ` LIMIT ?`, w.Args(limit)
}

// clientNumber is the column of the row's client number (a correlated subquery).
func clientNumber(table string) string {
	return `(SELECT number FROM clients WHERE clients.id = ` + table + `.client_id)`
}

// staffData is the Online payments page and the card section.
type staffData struct {
	Client   core.Client
	Attempts []StaffAttempt
	Mandates []StaffMandate
	Charges  []Charge
	CanWrite bool
}

func (m *Module) loadStaff(c *fiber.Ctx, clientID int64, limit int) (staffData, error) {
	ctx := c.UserContext()
	d := staffData{CanWrite: console.Can(m.d.Web, c, perm.PaymentsWrite)}
	var err error
	if d.Attempts, err = listStaffAttempts(ctx, m.d.DB.R, clientID, limit); err != nil {
		return d, err
	}
	if d.Mandates, err = listMandates(ctx, m.d.DB.R, clientID, limit); err != nil {
		return d, err
	}
	d.Charges, err = listCharges(ctx, m.d.DB.R, clientID, limit)
	return d, err
}

func (m *Module) showStaffPayments(c *fiber.Ctx) error {
	d, err := m.loadStaff(c, 0, staffListLimit)
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplStaff, "payments.staff.title", d)
}

// staffCard is the Online payments section of the client card.
func (m *Module) staffCard() app.CardSection {
	return app.CardSection{Name: "payments", Order: 35, Action: perm.PaymentsRead, Link: "payments.staff.card",
		Render: func(c *fiber.Ctx, cl core.Client, errs map[string]string) (template.HTML, error) {
			d, err := m.loadStaff(c, cl.ID, cardListLimit)
			if err != nil {
				return "", err
			}
			d.Client = cl
			return m.d.Web.Partial(c, tplStaffCard, d, errs)
		}}
}

// staffAutopayOff handles POST /admin/clients/:id/autopay/off: the client's saved
// method is removed and autopay is off (audited with the staff member and address).
func (m *Module) staffAutopayOff(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := core.ClientByID(c.UserContext(), m.d.DB.R, id); errors.Is(err, core.ErrNotFound) {
		return fiber.ErrNotFound
	} else if err != nil {
		return err
	}
	err = m.RemoveMandate(c.UserContext(), id, console.Actor(m.d.Web, c), m.d.Web.ClientIP(c))
	switch {
	case errors.Is(err, core.ErrNotFound):
		m.d.Web.AddFlash(c, "error", "payments.staff.no_mandate")
	case err != nil:
		return err
	default:
		m.d.Web.AddFlash(c, "ok", "payments.staff.autopay_off_done")
	}
	return m.d.Web.Redirect(c, console.Path("/clients/"+strconv.FormatInt(id, 10)+"#c-payments"))
}
