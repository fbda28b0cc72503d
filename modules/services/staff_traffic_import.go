package services

import (
	"errors"
	"fmt"
	"io"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/modules/services/traffic"
)

// Console path (below /admin) and template of the traffic import.
const (
	pathStaffTrafficImport = "/traffic/import"
	tplStaffTrafficImport  = "services/staff_traffic_import"
	titleTrafficImport     = "services.staff.traffic_import_title"
	// MaxTrafficUpload is the largest traffic CSV the console takes; bigger exports go
	// through `portal traffic import`, which streams any size.
	MaxTrafficUpload = 256 << 20
)

// staffTrafficImportPages are the traffic import page (in the menu) and its streamed
// upload, for staff who may write services.
func (m *Module) staffTrafficImportPages() []app.StaffPage {
	up := console.Post(pathStaffTrafficImport, perm.ServicesWrite, m.importStaffTraffic)
	up.Upload = MaxTrafficUpload + 1<<20 // the multipart envelope around the file
	return []app.StaffPage{console.Menu(console.Get(pathStaffTrafficImport, perm.ServicesWrite, m.showStaffTrafficImport),
		"services.staff.traffic_import_menu", 66), up}
}

// showStaffTrafficImport renders GET /admin/traffic/import.
func (m *Module) showStaffTrafficImport(c *fiber.Ctx) error {
	return m.d.Web.Show(c, tplStaffTrafficImport, titleTrafficImport, (*console.ImportReport)(nil))
}

// importStaffTraffic handles the streamed multipart POST /admin/traffic/import: the CSV
// goes through ImportTraffic, exactly as `portal traffic import`: bad rows are skipped
// and listed by line with the CLI's reason, good rows are stored, a repeated file is
// safe. A file whose header or CSV is broken stores nothing and says why. Audited as
// traffic.import with the figures.
func (m *Module) importStaffTraffic(c *fiber.Ctx) error {
	name, f, errKey := console.UploadedFile(c, "file", MaxTrafficUpload)
	if errKey != "" {
		return m.d.Web.FormError(c, tplStaffTrafficImport, titleTrafficImport, (*console.ImportReport)(nil), map[string]string{"file": errKey}, nil)
	}
	defer f.Close()
	ctx := c.UserContext()
	res, err := ImportTraffic(ctx, m.d, io.LimitReader(f, MaxTrafficUpload), 10_000)
	rep := &console.ImportReport{File: name, Counts: []console.ImportCount{
		{Key: "services.staff.traffic_rows", N: res.Rows}, {Key: "services.staff.traffic_stored", N: res.Accepted},
		{Key: "services.staff.traffic_duplicates", N: res.Duplicates}, {Key: "services.staff.traffic_skipped", N: res.ErrorCount}}}
	switch {
	case errors.Is(err, traffic.ErrCSVHeader) || errors.Is(err, traffic.ErrCSVRead):
		rep.AddLine(res.Rows+1, err.Error())
		rep.Nothing = res.Accepted == 0
	case err != nil:
		return err
	}
	for _, le := range res.Errors {
		rep.AddLine(le.Line, le.Reason)
	}
	rep.More += res.ErrorCount - len(res.Errors)
	detail := fmt.Sprintf("%s: %d rows, %d stored, %d duplicates, %d skipped", name, res.Rows, res.Accepted, res.Duplicates, res.ErrorCount)
	if err != nil {
		detail += ", refused: " + err.Error()
	}
	if aerr := console.AuditNow(ctx, m.d.DB, m.d.Web, c, m.d.Now(), "traffic.import", 0, detail); aerr != nil {
		return aerr
	}
	if len(rep.Lines) > 0 {
		return m.d.Web.FormError(c, tplStaffTrafficImport, titleTrafficImport, rep, map[string]string{}, nil)
	}
	return m.d.Web.Show(c, tplStaffTrafficImport, titleTrafficImport, rep)
}
