package admin_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/modules/helpdesk"
	"github.com/ispportal/portal/modules/info"
	"github.com/ispportal/portal/modules/sms"
)

// TestStaffListsShowClientNumber checks every staff list with a client column (helpdesk,
// SMS queue, audit log, outbox): it shows the client number linked to the card, never
// the internal id, and a client deleted since shows as deleted, without a link.
func TestStaffListsShowClientNumber(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	// Padding clients, so that ids and numbers cannot coincide.
	for _, n := range []string{"1", "2", "3", "4", "5"} {
		env.AddClient(n, 0)
	}
	kept := env.AddClient("7501", 0)
	gone := env.AddClient("7502", 0)
	env.Tx(func(tx *sql.Tx) error {
		ctx, now := context.Background(), env.Clock.Now()
		dep, err := helpdesk.SaveDepartment(ctx, tx, helpdesk.Department{Name: "Support"}, now)
		if err != nil {
			return err
		}
		for _, cid := range []int64{kept, gone} {
			if _, err := helpdesk.SaveTicket(ctx, tx, helpdesk.Ticket{ClientID: cid, DepartmentID: dep, Subject: "Line down"}, now); err != nil {
				return err
			}
			if _, err := sms.EnqueueSMS(ctx, tx, cid, "+420777123456", "Hello", 0, now); err != nil {
				return err
			}
			if _, err := mail.Enqueue(ctx, tx, mail.Message{To: []string{"x@example.net"}, Subject: "Hi", Text: "Hi",
				Purpose: "test", ClientID: cid, At: now}); err != nil {
				return err
			}
			if err := core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: "cli", Action: "test.entry", ClientID: cid}); err != nil {
				return err
			}
		}
		if _, err := info.SaveMessage(ctx, tx, info.Message{Kind: info.KindPrivate, ClientID: kept, Title: "For you", Body: "Hi"}, now); err != nil {
			return err
		}
		_, err = tx.Exec(`DELETE FROM clients WHERE id = ?`, gone)
		return err
	})
	number := `href="/admin/clients/` + itoa(kept) + `">7501</a>`
	byID := `href="/admin/clients/` + itoa(kept) + `">` + itoa(kept) + `</a>`
	deadLink := `href="/admin/clients/` + itoa(gone) + `"`
	deleted := "deleted client (id " + itoa(gone) + ")"

	b := adminBrowser(t, env, "boss")
	// The helpdesk and the SMS queue lose a deleted client's rows (no client / cascade).
	for _, page := range []string{"/admin/tickets", "/admin/tools/sms"} {
		b.Get(page).Expect(t, 200, number).Lacks(t, byID, deadLink)
	}
	// The audit log and the outbox keep them: the client shows as deleted, unlinked.
	for _, page := range []string{"/admin/audit", "/admin/tools/outbox"} {
		b.Get(page).Expect(t, 200, number, deleted).Lacks(t, byID, deadLink)
	}
	// The messages list names a private message's client by number and name too
	// (read with the list, not one query per message).
	b.Get("/admin/messages").Expect(t, 200, `href="/admin/clients/`+itoa(kept)+`">7501 Client 7501</a>`)
	b.Header.Set("Accept-Language", "cs")
	b.Get("/admin/audit").Expect(t, 200, number, "smazaný klient (id "+itoa(gone)+")")
}
