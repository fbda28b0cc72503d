package sms_test

import (
	"context"
	"database/sql"
	"strconv"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/sms"
)

func TestSMSQueueRetry(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, sms.New, admin.New)
	cid := env.AddClient("7101", 0)
	var failed, sent int64
	env.Tx(func(tx *sql.Tx) error {
		var err error
		if failed, err = sms.EnqueueSMS(context.Background(), tx, cid, "+420777123456", "Hello failed", 0, env.Clock.Now()); err != nil {
			return err
		}
		if sent, err = sms.EnqueueSMS(context.Background(), tx, cid, "+420777654321", "Hello sent", 0, env.Clock.Now()); err != nil {
			return err
		}
		if _, err = tx.Exec(`UPDATE sms_queue SET status = 'failed', attempts = 10, last_error = 'gateway said no' WHERE id = ?`, failed); err != nil {
			return err
		}
		_, err = tx.Exec(`UPDATE sms_queue SET status = 'sent' WHERE id = ?`, sent)
		return err
	})
	b := env.StaffBrowserAs("boss", core.RoleAdmin)
	b.Get("/admin/tools").Expect(t, 200, `/admin/tools/sms`)
	b.Get("/admin/tools/sms?status=failed").Expect(t, 200, "420777123456", "gateway said no").Lacks(t, "420777654321")
	b.Post("/admin/tools/sms/"+strconv.FormatInt(failed, 10)+"/retry", nil).Expect(t, 303)
	b.Get("/admin/tools/sms").Expect(t, 200, "queued again")
	m, err := sms.MessageByID(context.Background(), env.Deps.DB.R, failed)
	if err != nil || m.Status != "queued" || m.Attempts != 0 || m.LastError != "" {
		t.Fatalf("after retry: %+v %v", m, err)
	}
	// A sent message is not sent twice.
	b.Post("/admin/tools/sms/"+strconv.FormatInt(sent, 10)+"/retry", nil).Expect(t, 303)
	b.Get("/admin/tools/sms").Expect(t, 200, "Only a failed or waiting SMS")
	b.Post("/admin/tools/sms/99999/retry", nil).Expect(t, 404)
	if env.AuditCount("smsqueue.retry", "staff:boss") != 1 {
		t.Fatal("retry not audited")
	}
	// Support staff may not use the tools.
	env.StaffBrowser("support").Get("/admin/tools/sms").Expect(t, 403)
}
