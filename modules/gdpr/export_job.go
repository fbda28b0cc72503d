package gdpr

import (
	"archive/zip"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Background exports.
const (
	// PurposeExportReady is the mail with the link to a finished background export.
	PurposeExportReady = "gdpr_export_ready"
	// exportDir is the data directory's folder of finished exports.
	exportDir = "gdpr-exports"
	// exportPoll is how often the worker looks for work without being kicked.
	exportPoll = time.Minute
	// exportBatch bounds the exports one pass builds.
	exportBatch = 5
)

// registerMailDefaults registers the export-ready mail. The link works only for the
// same client, logged in, so a forwarded mail gives nothing away.
func registerMailDefaults(t *mail.Templates) {
	t.RegisterDefault(PurposeExportReady, "en", "Your data from the client portal is ready",
		"Hello $CLIENT_NAME$,\n\nthe copy of your data you asked for (client number $CLIENT_NUMBER$) is ready. "+
			"Log in to the client portal and open:\n\n$CI_EXPORT_LINK$\n\nThe link works until $EXPIRES$ and only in your own account.\n")
	t.RegisterDefault(PurposeExportReady, "cs", "Vaše data ze zákaznického portálu jsou připravena",
		"Dobrý den, $CLIENT_NAME$,\n\nkopie vašich údajů, o kterou jste požádali (číslo klienta $CLIENT_NUMBER$), je připravena. "+
			"Přihlaste se do zákaznického portálu a otevřete:\n\n$CI_EXPORT_LINK$\n\nOdkaz funguje do $EXPIRES$ a jen ve vašem vlastním účtu.\n")
}

// ExportStates are the states of a background export.
var ExportStates = []string{"pending", "ready", "failed", "expired"}

// errExportPending says the client already has an export being built.
var errExportPending = errors.New("an export is already being prepared")

// QueueExport records a background export for a client, unless one is pending, and
// audits it in the same transaction.
func QueueExport(ctx context.Context, d app.Deps, clientID int64, lang, actor, ip string) error {
	now := d.Now()
	return d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM gdpr_exports WHERE client_id = ? AND state = 'pending'`, clientID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errExportPending
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO gdpr_exports (client_id, lang, requested_by, requested_at) VALUES (?, ?, ?, ?)`,
			clientID, lang, actor, core.Now(now)); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "privacy.export.queue", ClientID: clientID, IP: ip})
	})
}

// exportWorker builds pending exports when kicked and every exportPoll, and expires
// old ones, until ctx is done.
func (m *Module) exportWorker(ctx context.Context) {
	for {
		if _, err := RunExports(ctx, m.d); err != nil && ctx.Err() == nil {
			m.d.Log.Error("gdpr.exportWorker", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-m.kick:
		case <-time.After(exportPoll):
		}
	}
}

// kickExports wakes the worker after a commit that queued an export.
func (m *Module) kickExports() {
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// RunExports builds the pending exports (a ZIP of export.json and export.pdf each),
// mails each client the link, and deletes the files of expired ones. It returns how
// many it built.
func RunExports(ctx context.Context, d app.Deps) (int, error) {
	if err := expireExports(ctx, d); err != nil {
		return 0, err
	}
	type job struct {
		id, client int64
		lang       string
	}
	var jobs []job
	rows, err := d.DB.R.QueryContext(ctx, `SELECT id, client_id, lang FROM gdpr_exports WHERE state = 'pending' ORDER BY id LIMIT ?`, exportBatch)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var j job
		if err := rows.Scan(&j.id, &j.client, &j.lang); err != nil {
			rows.Close()
			return 0, err
		}
		jobs = append(jobs, j)
	}
	rows.Close()
	built := 0
	for _, j := range jobs {
		if err := buildJob(ctx, d, j.id, j.client, j.lang); err != nil {
			d.Log.Error("gdpr.RunExports: build", "export_id", j.id, "err", err)
			d.DB.W.ExecContext(ctx, `UPDATE gdpr_exports SET state = 'failed' WHERE id = ? AND state = 'pending'`, j.id)
			continue
		}
		built++
	}
	if built > 0 && d.KickMail != nil {
		d.KickMail()
	}
	return built, nil
}

// buildJob builds one export, stores it and, in one transaction, marks it ready
// with the hash of a new link token and queues the mail carrying the link.
func buildJob(ctx context.Context, d app.Deps, id, clientID int64, lang string) error {
	if !web.Supported(lang) {
		lang = settings.DefaultLanguage.Get(d.Settings)
	}
	e, err := BuildExport(ctx, d, clientID)
	if err != nil {
		return err
	}
	dir := filepath.Join(d.DataDir, exportDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "export-*.zip")
	if err != nil {
		return err
	}
	name := filepath.Base(f.Name())
	zw := zip.NewWriter(f)
	err = writeZip(zw, e, func(key string, args ...any) string { return d.Web.Catalog.T(lang, key, args...) })
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	st, serr := f.Stat()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = serr
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	now := d.Now()
	expires := now.Add(time.Duration(settings.GDPRExportLinkDays.Get(d.Settings)) * 24 * time.Hour)
	tok := web.NewToken()
	err = d.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE gdpr_exports SET state = 'ready', ready_at = ?, expires_at = ?, token_hash = ?,
			path = ?, size = ? WHERE id = ? AND state = 'pending'`, core.Now(now), core.Now(expires), web.HashToken(tok), name, st.Size(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errors.New("export no longer pending")
		}
		return mailReady(ctx, tx, d, e.Client, lang, tok, expires)
	})
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// writeZip writes export.json and export.pdf into zw.
func writeZip(zw *zip.Writer, e Export, t func(key string, args ...any) string) error {
	w, err := zw.Create("export.json")
	if err != nil {
		return err
	}
	if err := WriteJSON(w, e); err != nil {
		return err
	}
	if w, err = zw.Create("export.pdf"); err != nil {
		return err
	}
	return WritePDF(w, e, t)
}

// mailReady queues the export-ready mail. Without a sender, an address or a portal
// URL nothing is queued: the client sees the export as ready on the GDPR page, but
// the link exists only in the mail, so they ask again once mail works.
func mailReady(ctx context.Context, tx *sql.Tx, d app.Deps, c core.Client, lang, tok string, expires time.Time) error {
	to := mail.Recipients(c.Email)
	base := settings.PortalURL.Get(d.Settings.Brand(c.BrandID)) // the client's brand domain
	if len(to) == 0 || base == "" || settings.SystemMail.Get(d.Settings) == "" || settings.SystemMailName.Get(d.Settings) == "" {
		d.Log.Warn("gdpr.mailReady: export ready but not mailed (no address, sender or ci_url)", "client_id", c.ID)
		return nil
	}
	tpl, err := d.Mail.Resolve(ctx, PurposeExportReady, c.InvoiceGroupID, lang)
	if err != nil {
		return err
	}
	link := strings.TrimRight(base, "/") + "/gdpr" + pathExportFile + "?token=" + tok
	subject, body := mail.Render(tpl, map[string]string{"CLIENT_NAME": c.Name, "CLIENT_NUMBER": c.Number,
		"CI_EXPORT_LINK": link, "EXPIRES": expires.UTC().Format("2006-01-02 15:04 UTC")})
	_, err = mail.Enqueue(ctx, tx, mail.Message{To: to, Subject: subject, Text: body, Purpose: PurposeExportReady,
		ClientID: c.ID, At: d.Now(), Secrets: []string{tok}, ExpiresAt: expires})
	if errors.Is(err, mail.ErrInvalidAddress) {
		d.Log.Warn("gdpr.mailReady: client e-mail invalid", "client_id", c.ID)
		return nil
	}
	return err
}

// expireExports deletes the files of exports past their link's lifetime.
func expireExports(ctx context.Context, d app.Deps) error {
	rows, err := d.DB.R.QueryContext(ctx, `SELECT id, path FROM gdpr_exports WHERE state = 'ready' AND expires_at <= ?`, core.Now(d.Now()))
	if err != nil {
		return err
	}
	type old struct {
		id   int64
		path string
	}
	var list []old
	for rows.Next() {
		var o old
		if err := rows.Scan(&o.id, &o.path); err != nil {
			rows.Close()
			return err
		}
		list = append(list, o)
	}
	rows.Close()
	for _, o := range list {
		if _, err := d.DB.W.ExecContext(ctx, `UPDATE gdpr_exports SET state = 'expired', token_hash = NULL, path = '' WHERE id = ?`, o.id); err != nil {
			return err
		}
		if p, err := exportPath(d, o.path); err == nil {
			os.Remove(p)
		}
	}
	return nil
}

// exportPath is the file of a stored export name, refusing anything but a plain
// file name in the export folder.
func exportPath(d app.Deps, name string) (string, error) {
	if name == "" || name != filepath.Base(name) || strings.HasPrefix(name, ".") {
		return "", core.ErrNotFound
	}
	return filepath.Join(d.DataDir, exportDir, name), nil
}

// removeClientExports deletes the export files of a client being deleted (the rows
// go with the client's cascade). A file removed before a transaction that then fails
// only turns that client's link into a 404.
func (m *Module) removeClientExports(ctx context.Context, tx *sql.Tx, clientID int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT path FROM gdpr_exports WHERE client_id = ? AND path <> ''`, clientID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		if p, err := exportPath(m.d, name); err == nil {
			os.Remove(p)
		}
	}
	return rows.Err()
}
