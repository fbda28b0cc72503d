package helpdesk_test

import (
	"context"
	"database/sql"
	"net/url"
	"strconv"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/helpdesk"
)

// TestTicketReplySaysWhetherMailed checks that a staff reply tells what happened: the
// flash (and the form's hint beforehand) says the reply is e-mailed only when it is,
// and names why not otherwise, in both languages.
func TestTicketReplySaysWhetherMailed(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, helpdesk.New, admin.New)
	env.Set("system_mail", "portal@example.cz")
	withMail := env.AddClient("7301", 0)
	noMail := env.AddClient("7302", 0)
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET email = '  ' WHERE id = ?`, noMail)
		return err
	})
	ticket := func(client int64, subject string) string {
		var id int64
		env.Tx(func(tx *sql.Tx) error {
			ctx := context.Background()
			dep, err := helpdesk.SaveDepartment(ctx, tx, helpdesk.Department{Name: "Support"}, env.Clock.Now())
			if err != nil {
				return err
			}
			id, err = helpdesk.SaveTicket(ctx, tx, helpdesk.Ticket{ClientID: client, DepartmentID: dep, Subject: subject}, env.Clock.Now())
			return err
		})
		return "/admin/tickets/" + strconv.FormatInt(id, 10)
	}
	outbox := func() (n int) {
		env.Deps.DB.R.QueryRow(`SELECT COUNT(*) FROM mail_outbox WHERE purpose = ?`, helpdesk.MailPurpose).Scan(&n)
		return n
	}
	sup := env.StaffBrowser(core.RoleSupport)

	// No client: saved, nothing mailed, and the console says so before and after.
	orphan := ticket(0, "Found in the mailbox")
	sup.Get(orphan).Expect(t, 200, "The ticket has no client", "Save the reply").Lacks(t, "Sent to the client by e-mail")
	sup.Post(orphan+"/reply", url.Values{"body": {"Noted."}}).Expect(t, 303)
	sup.Get(orphan).Expect(t, 200, "Noted.", "no e-mail was sent: the ticket has no client").Lacks(t, "reply was sent", "will be e-mailed")
	if n := outbox(); n != 0 {
		t.Fatalf("%d mails queued for a ticket without a client", n)
	}
	if env.AuditCount("ticket.reply", "staff:support1") != 1 {
		t.Fatal("a reply that mailed nothing must still be audited")
	}

	// A client without an address: saved, nothing mailed.
	blank := ticket(noMail, "Invoice question")
	sup.Get(blank).Expect(t, 200, "The client has no e-mail address")
	sup.Post(blank+"/reply", url.Values{"body": {"See the portal."}}).Expect(t, 303)
	sup.Get(blank).Expect(t, 200, "no e-mail was sent: the client has no e-mail address").Lacks(t, "will be e-mailed")
	if n := outbox(); n != 0 {
		t.Fatalf("%d mails queued for a client without an address", n)
	}

	// A client with an address: mailed, and the console says it will be.
	mailed := ticket(withMail, "No internet")
	sup.Get(mailed).Expect(t, 200, "Sent to the client by e-mail", "Send the reply")
	sup.Post(mailed+"/reply", url.Values{"body": {"We are on it."}}).Expect(t, 303)
	sup.Get(mailed).Expect(t, 200, "will be e-mailed to the client").Lacks(t, "no e-mail was sent")
	if n := outbox(); n != 1 {
		t.Fatalf("%d mails queued, want 1", n)
	}

	// The same in Czech.
	sup.Header.Set("Accept-Language", "cs")
	sup.Get(orphan).Expect(t, 200, "Požadavek nemá klienta", "Uložit odpověď")
	sup.Post(orphan+"/reply", url.Values{"body": {"Znovu."}}).Expect(t, 303)
	sup.Get(orphan).Expect(t, 200, "žádný e-mail nebyl odeslán: požadavek nemá klienta")
	sup.Post(blank+"/reply", url.Values{"body": {"Znovu."}}).Expect(t, 303)
	sup.Get(blank).Expect(t, 200, "žádný e-mail nebyl odeslán: klient nemá e-mailovou adresu")
	sup.Post(mailed+"/reply", url.Values{"body": {"Znovu."}}).Expect(t, 303)
	sup.Get(mailed).Expect(t, 200, "bude klientovi odeslána e-mailem")
}
