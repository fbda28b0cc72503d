package admin_test

import (
	"bytes"
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/settings"
)

func TestSuspendPortal(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	cid := env.AddClient("7001", 0)
	client := env.Browser().LoginAs(cid)
	b := adminBrowser(t, env, "boss")
	b.Get("/admin/tools").Expect(t, 200, "Suspend the portal")
	b.Post("/admin/tools/suspend", url.Values{"suspended": {"1"}, "message": {"<p>Upgrade until 14:00</p><script>alert(1)</script>"}}).Expect(t, 303)
	r := client.Get("/info").Expect(t, 503, "Upgrade until 14:00", "maintenance_logo.png")
	if strings.Contains(r.Body, "<script>alert") {
		t.Fatal("suspension message not sanitised")
	}
	b.Get("/admin/tools").Expect(t, 200, "Resume the portal")
	b.Get("/admin").Expect(t, 200, "The portal is suspended")
	b.Post("/admin/tools/suspend", url.Values{"suspended": {"0"}, "message": {""}}).Expect(t, 303)
	client.Get("/info").Expect(t, 200)
	if auditCount(t, env, "portal.suspend", "staff:boss") != 1 || auditCount(t, env, "portal.resume", "staff:boss") != 1 {
		t.Fatal("suspension not audited")
	}
	b.Post("/admin/tools/suspend", url.Values{"suspended": {"1"}, "message": {strings.Repeat("x", 100001)}}).Expect(t, 422, "too long")
	if settings.PortalSuspended.Get(env.Deps.Settings) {
		t.Fatal("an invalid message still suspended the portal")
	}
}

func TestThemeSelection(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	b := adminBrowser(t, env, "boss")
	r := b.Get("/admin/tools").Expect(t, 200, `/assets/theme/orange/images/logo.png`, `/assets/theme/blue/images/logo.png`,
		`/assets/theme/green/images/logo.png`, `name="theme" value="blue"`)
	if !strings.Contains(r.Body, "in use") {
		t.Fatal("the selected theme is not marked")
	}
	b.Get("/assets/theme/blue/images/logo.png").Expect(t, 200)
	b.Post("/admin/tools/theme", url.Values{"theme": {"blue"}}).Expect(t, 303)
	if settings.SkinTheme.Get(env.Deps.Settings) != "blue" {
		t.Fatal("theme not selected")
	}
	b.Post("/admin/tools/theme", url.Values{"theme": {"../../etc"}}).Expect(t, 303)
	b.Post("/admin/tools/theme", url.Values{"theme": {"nosuch"}}).Expect(t, 303)
	b.Get("/admin/tools").Expect(t, 200, "There is no such theme.")
	if settings.SkinTheme.Get(env.Deps.Settings) != "blue" {
		t.Fatal("an unknown theme was stored")
	}
	// A custom theme made with `portal theme copy` is offered too.
	os.MkdirAll(filepath.Join(env.Config.DataDir, "themes", "company", "images"), 0o755)
	b.Get("/admin/tools").Expect(t, 200, `name="theme" value="company"`)
	b.Post("/admin/tools/theme", url.Values{"theme": {"company"}}).Expect(t, 303)
	if settings.SkinTheme.Get(env.Deps.Settings) != "company" || auditCount(t, env, "theme.select", "") != 2 {
		t.Fatal("custom theme not selected or not audited")
	}
}

func TestOutboxRetry(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	var id int64
	env.Tx(func(tx *sql.Tx) error {
		var err error
		id, err = mail.Enqueue(context.Background(), tx, mail.Message{To: []string{"a@example.net"}, Subject: "Hello", Text: "Body", Purpose: "test"})
		if err == nil {
			_, err = tx.Exec(`UPDATE mail_outbox SET status = 'failed', attempts = 10, last_error = 'refused' WHERE id = ?`, id)
		}
		return err
	})
	b := adminBrowser(t, env, "boss")
	b.Get("/admin/tools/outbox?status=failed").Expect(t, 200, "Hello", "refused", "Retry")
	b.Get("/admin/tools/outbox?status=sent").Expect(t, 200).Lacks(t, "Hello")
	b.Post("/admin/tools/outbox/"+itoa(id)+"/retry", nil).Expect(t, 303)
	b.Get("/admin/tools/outbox").Expect(t, 200, "will be sent again")
	e, _ := mail.Get(context.Background(), env.Deps.DB.R, id)
	if e.Status != mail.StatusQueued || e.Attempts != 0 {
		t.Fatalf("after retry: %s %d", e.Status, e.Attempts)
	}
	b.Post("/admin/tools/outbox/999/retry", nil).Expect(t, 404)
	b.Post("/admin/tools/outbox/x/retry", nil).Expect(t, 404)
	if auditCount(t, env, "outbox.retry", "staff:boss") != 1 {
		t.Fatal("retry not audited")
	}
}

func TestBackupDownload(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	env.AddClient("7001", 0)
	b := adminBrowser(t, env, "boss")
	b.Get("/admin/tools")
	r := b.Post("/admin/tools/backup", nil).Expect(t, 200)
	if env.Deps.DB.Dialect == db.Postgres {
		// pg_dump's custom format, holding the client.
		p := filepath.Join(t.TempDir(), "b.dump")
		os.WriteFile(p, []byte(r.Body), 0o600)
		if !strings.HasPrefix(r.Body, "PGDMP") || !strings.Contains(dbtest.DumpText(t, p), "7001") ||
			!strings.Contains(r.Header.Get("Content-Disposition"), ".dump") || auditCount(t, env, "backup.download", "staff:boss") != 1 {
			t.Fatalf("PostgreSQL backup: %.8q %s", r.Body, r.Header.Get("Content-Disposition"))
		}
		return
	}
	if !strings.HasPrefix(r.Body, "SQLite format 3\x00") {
		t.Fatal("not an SQLite file")
	}
	if !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatal("not offered as a download")
	}
	p := filepath.Join(t.TempDir(), "b.db")
	os.WriteFile(p, []byte(r.Body), 0o600)
	db, err := sql.Open("sqlite", p)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	var n int
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity: %q %v", check, err)
	}
	db.QueryRow(`SELECT COUNT(*) FROM clients WHERE number = '7001'`).Scan(&n)
	if n != 1 || auditCount(t, env, "backup.download", "staff:boss") != 1 {
		t.Fatal("backup incomplete or not audited")
	}
	if !bytes.Equal([]byte(r.Body[:16]), []byte("SQLite format 3\x00")) {
		t.Fatal("header")
	}
	entries, _ := os.ReadDir(os.TempDir())
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "portal-backup-") {
			if _, err := os.Stat(filepath.Join(os.TempDir(), e.Name(), "portal.db")); err == nil {
				t.Fatal("the temporary backup file was left behind")
			}
		}
	}
	_ = core.RoleAdmin
}

func TestAuditPage(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	cid := env.AddClient("7001", 0)
	b := adminBrowser(t, env, "boss")
	b.Get("/admin/clients/" + itoa(cid))
	b.Post("/admin/clients/"+itoa(cid)+"/unlock", nil)
	b.Post("/admin/tools/theme", url.Values{"theme": {"green"}})
	b.Get("/admin/audit").Expect(t, 200, "client.unlock", "theme.select")
	b.Get("/admin/audit?action=client.").Expect(t, 200, "client.unlock").Lacks(t, "theme.select")
	b.Get("/admin/audit?client=7001").Expect(t, 200, "client.unlock").Lacks(t, "theme.select")
	b.Get("/admin/audit?actor=staff%3Anobody").Expect(t, 200, "Nothing here yet").Lacks(t, "client.unlock")
	for i := 0; i < 60; i++ {
		core.Audit(context.Background(), env.Deps.DB.W, core.AuditEntry{Actor: "system", Action: "filler"})
	}
	b.Get("/admin/audit").Expect(t, 200, `rel="next"`)
	b.Get("/admin/audit?page=2").Expect(t, 200, `rel="prev"`, "client.unlock")
}
