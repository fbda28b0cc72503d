package invoices

import (
	"errors"
	"fmt"
	"io"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/perm"
)

// Console path (below /admin) and template of the invoice and payment import.
const (
	pathStaffImport = "/invoices/import"
	tplStaffImport  = "invoices/staff_import"
)

// staffImportData is the import page: the form and, after an upload, its report.
type staffImportData struct {
	Kind   string
	Report *console.ImportReport
}

// importKinds are what the page imports, each with the CLI's own import function.
var importKinds = map[string]bool{"invoices": true, "payments": true}

// showStaffImport renders GET /admin/invoices/import.
func (m *Module) showStaffImport(c *fiber.Ctx) error {
	return m.d.Web.Show(c, tplStaffImport, "invoices.staff.import_title", staffImportData{Kind: "invoices"})
}

// importStaffFile handles the streamed multipart POST /admin/invoices/import: the
// invoices or payments JSON-lines file goes through ImportInvoices or ImportPayments,
// exactly as `portal invoice import` / `portal payment import` (without supplied PDFs):
// one refused line stores nothing, and the page lists every refused line with the
// CLI's message. Audited as invoice.import / payment.import with the figures.
func (m *Module) importStaffFile(c *fiber.Ctx) error {
	kind := c.FormValue("kind")
	d := staffImportData{Kind: kind}
	if !importKinds[kind] {
		d.Kind = "invoices"
		return m.d.Web.FormError(c, tplStaffImport, "invoices.staff.import_title", d, map[string]string{"kind": "invoices.staff.err_kind"}, nil)
	}
	name, f, errKey := console.UploadedFile(c, "file", MaxImportSize)
	if errKey != "" {
		return m.d.Web.FormError(c, tplStaffImport, "invoices.staff.import_title", d, map[string]string{"file": errKey}, nil)
	}
	defer f.Close()
	ctx, now := c.UserContext(), m.d.Now()
	var res ImportResult
	var lerrs []LineError
	var err error
	r := io.LimitReader(f, MaxImportSize)
	if kind == "invoices" {
		res, lerrs, err = ImportInvoices(ctx, m.d.DB, m.d.Hooks, m.d.DataDir, r, "", now)
	} else {
		res, lerrs, err = ImportPayments(ctx, m.d.DB, m.d.Hooks, r, now)
	}
	rep := &console.ImportReport{File: name, Counts: []console.ImportCount{
		{Key: "invoices.staff.import_new", N: res.New}, {Key: "invoices.staff.import_updated", N: res.Updated}}}
	for _, le := range lerrs {
		rep.AddLine(le.Line, le.Msg)
	}
	var le LineError
	if errors.As(err, &le) {
		rep.AddLine(le.Line, le.Msg) // a line the reader could not take (too long)
	} else if err != nil {
		return err
	}
	d.Report = rep
	action := map[string]string{"invoices": "invoice.import", "payments": "payment.import"}[kind]
	detail := fmt.Sprintf("%s: %d new, %d updated, %d refused lines", name, res.New, res.Updated, len(lerrs))
	if aerr := console.AuditNow(ctx, m.d.DB, m.d.Web, c, now, action, 0, detail); aerr != nil {
		return aerr
	}
	if len(rep.Lines) > 0 {
		rep.Nothing = true
		return m.d.Web.FormError(c, tplStaffImport, "invoices.staff.import_title", d, map[string]string{}, nil)
	}
	return m.d.Web.Show(c, tplStaffImport, "invoices.staff.import_title", d)
}

// staffImportPages are the import page (in the menu) and its streamed upload, both
// for staff who may write invoices.
func (m *Module) staffImportPages() []app.StaffPage {
	up := console.Post(pathStaffImport, perm.InvoicesWrite, m.importStaffFile)
	up.Upload = MaxImportSize + 1<<20 // the multipart envelope around the file
	return []app.StaffPage{console.Menu(console.Get(pathStaffImport, perm.InvoicesWrite, m.showStaffImport), "invoices.staff.import_menu", 65), up}
}
