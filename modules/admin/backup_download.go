package admin

import (
	"mime"
	"os"
	"path/filepath"

	"github.com/gofiber/fiber/v2"
)

// downloadBackup handles POST /admin/tools/backup (administrators): VACUUM INTO (on
// PostgreSQL pg_dump into) a temporary file (a consistent copy while the portal serves), stream it, delete it.
// It is a POST so that a link on another site cannot start one (CSRF) and so that it
// is audited like every other action.
func (m *Module) downloadBackup(c *fiber.Ctx) error {
	ctx := c.UserContext()
	dir, err := os.MkdirTemp("", "portal-backup-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "portal.db")
	if err := m.d.DB.Backup(ctx, path); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	// The open file stays readable after the deferred RemoveAll unlinks it; the
	// response stream closes it when sent.
	if err := m.auditNow(c, "backup.download", 0, ""); err != nil {
		f.Close()
		return err
	}
	name := "portal-" + m.d.Now().UTC().Format("20060102-150405") + m.d.DB.BackupExt()
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, m.d.DB.BackupType())
	return c.SendStream(f, int(st.Size()))
}
