package vouchers

import (
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/web"
)

func (m *Module) staffPages() []app.StaffPage {
	return []app.StaffPage{
		console.Menu(console.Get(pathStaff, perm.VouchersRead, m.showBatches), "vouchers.staff.menu", 44),
		console.Post(pathStaff, perm.VouchersWrite, m.generateBatch),
		console.Get(pathStaffCSV, perm.VouchersRead, m.batchCSV),
		console.Post(pathStaffVoid, perm.VouchersWrite, m.voidBatch),
	}
}

type batchesData struct {
	Batches  []Batch
	CanWrite bool
	Today    string
	Fields   []string // the form's inputs, in order
}

// FormFields are the batch form's inputs, in order (each labelled vouchers.staff.<name>).
var FormFields = []string{"name", "value", "currency", "expires", "count"}

// staffFieldErrors maps the service's errors to the form's messages.
var staffFieldErrors = map[error]string{
	ErrName: "vouchers.staff.err_name", ErrValue: "vouchers.staff.err_value", ErrCurrency: "vouchers.staff.err_currency",
	ErrExpires: "vouchers.staff.err_expires", ErrCount: "vouchers.staff.err_count",
}

func (m *Module) showBatches(c *fiber.Ctx) error {
	return m.renderBatches(c, nil, map[string]string{"currency": "CZK", "count": "10",
		"expires": m.d.Now().AddDate(1, 0, 0).Format(dayLayout)})
}

func (m *Module) renderBatches(c *fiber.Ctx, errs, form map[string]string) error {
	list, err := ListBatches(c.UserContext(), m.d.DB.R)
	if err != nil {
		return err
	}
	p := m.d.Web.NewPage(c, "vouchers.staff.title", batchesData{Batches: list, CanWrite: console.Can(m.d.Web, c, perm.VouchersWrite),
		Today: m.d.Now().Format(dayLayout), Fields: FormFields})
	p.Form = form
	if len(errs) > 0 {
		p.Errors, p.Status = errs, fiber.StatusUnprocessableEntity
	}
	return m.d.Web.Render(c, tplStaff, p)
}

type codesData struct {
	Batch Batch
	Codes []string
}

// generateBatch handles POST /admin/vouchers: the batch is stored and its codes are
// shown once, on the answer page, or sent as CSV (format=csv). They cannot be shown
// again: only their hashes are kept.
func (m *Module) generateBatch(c *fiber.Ctx) error {
	ctx := c.UserContext()
	form := map[string]string{}
	for _, k := range []string{"name", "value", "currency", "expires", "count", "format"} {
		form[k] = strings.TrimSpace(c.FormValue(k))
	}
	count, err := strconv.Atoi(form["count"])
	if err != nil {
		count = 0
	}
	var b Batch
	var codes []string
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		b, codes, err = Generate(ctx, tx, NewBatch{Name: form["name"], Value: form["value"], Currency: form["currency"],
			Expires: form["expires"], Count: count}, console.Actor(m.d.Web, c), m.d.Now())
		if err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "voucher.generate", 0, batchDetail(b))
	})
	if fe, ok := errors.AsType[*core.FieldError](err); ok {
		return m.renderBatches(c, map[string]string{fe.Field: staffFieldErrors[fe.Err]}, form)
	}
	if err != nil {
		return err
	}
	if form["format"] == "csv" {
		return sendCSV(c, fmt.Sprintf("vouchers-%d-codes.csv", b.ID), codesCSV(b, codes))
	}
	return m.d.Web.Show(c, tplStaffCodes, "vouchers.staff.codes_title", codesData{Batch: b, Codes: codes})
}

func batchDetail(b Batch) string {
	return fmt.Sprintf("batch %d %q: %d × %d %s until %s", b.ID, b.Name, b.Count, b.Value, b.Currency, b.Expires.Format(dayLayout))
}

// codesCSV is the generation's CSV: one line per code with its value and expiry.
func codesCSV(b Batch, codes []string) [][]string {
	rows := [][]string{{"batch", "code", "value", "currency", "expires"}}
	for _, code := range codes {
		rows = append(rows, []string{strconv.FormatInt(b.ID, 10), code, amountText(b.Value), b.Currency, b.Expires.Format(dayLayout)})
	}
	return rows
}

func amountText(v int64) string { return fmt.Sprintf("%d.%02d", v/100, v%100) }

// batchCSV handles GET /admin/vouchers/:id/csv: the batch's vouchers with their state
// (the codes are not kept, so not in it).
func (m *Module) batchCSV(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	b, err := BatchByID(c.UserContext(), m.d.DB.R, id)
	if errors.Is(err, core.ErrNotFound) {
		return fiber.ErrNotFound
	} else if err != nil {
		return err
	}
	list, err := BatchVouchers(c.UserContext(), m.d.DB.R, id)
	if err != nil {
		return err
	}
	rows := [][]string{{"batch", "voucher", "value", "currency", "expires", "state", "redeemed_at", "client"}}
	for _, v := range list {
		state, at := "open", ""
		switch {
		case !v.RedeemedAt.IsZero():
			state, at = "redeemed", v.RedeemedAt.UTC().Format("2006-01-02T15:04:05Z")
		case b.Voided:
			state = "void"
		case b.Expired(m.d.Now()):
			state = "expired"
		}
		rows = append(rows, []string{strconv.FormatInt(b.ID, 10), strconv.FormatInt(v.ID, 10), amountText(b.Value), b.Currency,
			b.Expires.Format(dayLayout), state, at, v.ClientNumber})
	}
	return sendCSV(c, fmt.Sprintf("vouchers-%d.csv", b.ID), rows)
}

func sendCSV(c *fiber.Ctx, name string, rows [][]string) error {
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	w := csv.NewWriter(c.Response().BodyWriter())
	w.WriteAll(rows)
	return w.Error()
}

// voidBatch handles POST /admin/vouchers/:id/void.
func (m *Module) voidBatch(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := Void(ctx, tx, id, m.d.Now()); err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "voucher.void", 0, "batch "+strconv.FormatInt(id, 10))
	})
	if errors.Is(err, core.ErrNotFound) {
		return fiber.ErrNotFound
	} else if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "vouchers.staff.voided")
	return m.d.Web.Redirect(c, console.Path(pathStaff))
}
