package gdpr

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"mime"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// exportPage is the own-data page: the export buttons, earlier background exports
// and the client's privacy requests with the form to file one.
type exportPage struct {
	Exports  []exportRow
	Requests []Request
	Kinds    []string
}

// exportRow is one background export as the client sees it.
type exportRow struct {
	RequestedAt time.Time
	State       string
	ExpiresAt   time.Time
}

// showExport renders GET /gdpr/export.
func (m *Module) showExport(c *fiber.Ctx) error {
	d, err := m.exportPageData(c.UserContext(), m.d.Web.ClientID(c))
	if err != nil {
		return err
	}
	return m.d.Web.Show(c, tplExport, "gdpr.export.title", d)
}

func (m *Module) exportPageData(ctx context.Context, clientID int64) (exportPage, error) {
	d := exportPage{Kinds: RequestKinds}
	rows, err := m.d.DB.R.QueryContext(ctx, `SELECT requested_at, state, COALESCE(expires_at, '') FROM gdpr_exports
		WHERE client_id = ? ORDER BY id DESC LIMIT 10`, clientID)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	for rows.Next() {
		var r exportRow
		var req, exp string
		if err := rows.Scan(&req, &r.State, &exp); err != nil {
			return d, err
		}
		r.RequestedAt = core.ParseTime(req)
		if exp != "" {
			r.ExpiresAt = core.ParseTime(exp)
		}
		d.Exports = append(d.Exports, r)
	}
	if err := rows.Err(); err != nil {
		return d, err
	}
	d.Requests, err = ListRequests(ctx, m.d.DB.R, RequestFilter{ClientID: clientID})
	return d, err
}

// submitExport handles POST /gdpr/export (format=json|pdf): an export within
// ci_gdpr_export_sync_rows downloads at once, a bigger one is queued for the worker
// and mailed as a link. Both are audited.
func (m *Module) submitExport(c *fiber.Ctx) error {
	ctx := c.UserContext()
	w := m.d.Web
	format := c.FormValue("format")
	if format != "json" && format != "pdf" {
		return fiber.ErrBadRequest
	}
	cl := w.Client(c)
	if cl == nil {
		return fiber.ErrUnauthorized
	}
	actor, ip := "client:"+cl.Number, w.ClientIP(c)
	e, err := BuildExport(ctx, m.d, cl.ID)
	if err != nil {
		return err
	}
	if e.Rows() > settings.GDPRExportSyncRows.Get(m.d.Settings) {
		err := QueueExport(ctx, m.d, cl.ID, w.Lang(c), actor, ip)
		switch {
		case errors.Is(err, errExportPending):
			w.AddFlash(c, "info", "gdpr.export.pending")
		case err != nil:
			return err
		default:
			m.kickExports()
			w.AddFlash(c, "ok", "gdpr.export.queued")
		}
		return w.Redirect(c, "/gdpr"+pathExport)
	}
	if err := core.Audit(ctx, m.d.DB.W, core.AuditEntry{At: m.d.Now(), Actor: actor, Action: "privacy.export", ClientID: cl.ID,
		Detail: format, IP: ip}); err != nil {
		return err
	}
	return m.sendExport(c, e, format)
}

// sendExport answers with the export as a JSON or PDF attachment.
func (m *Module) sendExport(c *fiber.Ctx, e Export, format string) error {
	var buf bytes.Buffer
	ctype := "application/json"
	var err error
	if format == "pdf" {
		ctype = "application/pdf"
		lang := m.d.Web.Lang(c)
		err = WritePDF(&buf, e, func(key string, args ...any) string { return m.d.Web.Catalog.T(lang, key, args...) })
	} else {
		err = WriteJSON(&buf, e)
	}
	if err != nil {
		return err
	}
	return sendAttachment(c, ctype, "portal-data-"+e.Client.Number+"."+format, buf.Bytes())
}

// sendAttachment sends body as a download that no cache keeps.
func sendAttachment(c *fiber.Ctx, ctype, name string, body []byte) error {
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(body)
}

// downloadExportFile handles GET /gdpr/export/file?token=: the ZIP of a background
// export, only for the client it belongs to (the token alone is not enough: another
// client's session, or none, gets 404) and only until it expires.
func (m *Module) downloadExportFile(c *fiber.Ctx) error {
	tok := c.Query("token")
	if tok == "" || len(tok) > 100 {
		return core.ErrNotFound
	}
	var name string
	err := m.d.DB.R.QueryRowContext(c.UserContext(), `SELECT path FROM gdpr_exports WHERE token_hash = ? AND client_id = ?
		AND state = 'ready' AND expires_at > ?`, web.HashToken(tok), m.d.Web.ClientID(c), core.Now(m.d.Now())).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return core.ErrNotFound
	}
	if err != nil {
		return err
	}
	p, err := exportPath(m.d, name)
	if err != nil {
		return err
	}
	body, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return core.ErrNotFound
	}
	if err != nil {
		return err
	}
	cl := m.d.Web.Client(c)
	return sendAttachment(c, "application/zip", "portal-data-"+cl.Number+".zip", body)
}

// staffExport handles POST /admin/clients/:id/gdpr-export (format=json|pdf): the
// same export, produced at once for staff and audited with the format.
func (m *Module) staffExport(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	format := c.FormValue("format")
	if format != "json" && format != "pdf" {
		return fiber.ErrBadRequest
	}
	e, err := BuildExport(c.UserContext(), m.d, id)
	if err != nil {
		return err
	}
	if err := console.AuditNow(c.UserContext(), m.d.DB, m.d.Web, c, m.d.Now(), "privacy.export.staff", id, format); err != nil {
		return err
	}
	return m.sendExport(c, e, format)
}
