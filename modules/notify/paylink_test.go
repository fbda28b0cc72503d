package notify

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/stripemock"
	"github.com/ispportal/portal/modules/payments"
)

// payLinkRe finds the pay link in a mail; its path is what the subscriber opens.
var payLinkRe = regexp.MustCompile(`https://portal\.isp\.example(/pay/link/\S+)`)

// With online payments on, the new-invoice and overdue mails carry a pay link (in the
// client's language) that opens the invoice's payment without logging in, although
// the invoice was stored in the same transaction that asked for the link. Without a
// provider the mails have no such line.
func TestInvoiceMailsCarryPayLink(t *testing.T) {
	f := newFixture(t, payments.New)
	mock := stripemock.Start(t)
	f.env.Set("ci_payments_enable", "1")
	f.env.Set("stripe_secret_key", stripemock.SecretKey)
	f.env.Set("stripe_webhook_secret", stripemock.WebhookSecret)
	f.env.Set("stripe_api_url", mock)
	f.setPrefs(t, f.c1, "00:00", "00:00", "invoice_new.email", "invoice_overdue.email")
	if _, err := f.env.Deps.DB.W.Exec(`UPDATE clients SET language = 'cs' WHERE id = ?`, f.c1); err != nil {
		t.Fatal(err)
	}

	f.importFile(t, "invoice import", twoInvoices)
	msgs := f.deliverMail(t)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Zaplaťte online bez přihlášení: https://portal.isp.example/pay/link/") {
		t.Fatalf("new-invoice mails %+v", msgs)
	}
	path := payLinkRe.FindStringSubmatch(msgs[0].Text)[1]
	f.env.Browser().Get(path).Expect(t, 200, "2026101", "121.00")

	f.env.Clock.Set(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC))
	if _, err := f.mod.ScanOverdue(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs = f.deliverMail(t)
	if len(msgs) != 2 || !strings.Contains(msgs[1].Subject, "po splatnosti") || !payLinkRe.MatchString(msgs[1].Text) {
		t.Fatalf("overdue mails %+v", msgs)
	}

	// No provider: no pay line, the mail is otherwise the same.
	f.env.Set("stripe_secret_key", "")
	f.importFile(t, "invoice import", strings.ReplaceAll(twoInvoices, `"client":"7001"`, `"client":"7002"`))
	msgs = f.deliverMail(t)
	if len(msgs) != 3 || !strings.Contains(msgs[2].Text, "https://portal.isp.example/invoices/") || strings.Contains(msgs[2].Text, "/pay/") {
		t.Fatalf("mail without payments %+v", msgs)
	}
}
