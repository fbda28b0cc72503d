package admin_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	smslib "github.com/ispportal/portal/internal/sms"
	"github.com/ispportal/portal/internal/sms/smpptest"
	"github.com/ispportal/portal/modules/sms"
)

// TestHomeDeliveryWarnings: the console home says what stops mail and SMS from
// reaching clients: no SMTP server or sender, the last mail failed (a real SMTP server
// refusing it), ci_url empty or another host than the console's, SMS switched on
// without a transport, the last SMS failed (a real SMPP server refusing it); and says
// nothing once all is well.
func TestHomeDeliveryWarnings(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	cid := env.AddClient("7301", 0)
	boss := adminBrowser(t, env, "boss")
	boss.Get("/admin").Expect(t, 200, "Mail and SMS delivery", "No mail server is configured", "No sender address is configured",
		"The portal address (ci_url) is empty").Lacks(t, "The last e-mail", "SMS cannot be sent")
	boss.Header.Set("Accept-Language", "cs")
	boss.Get("/admin").Expect(t, 200, "Doručování e-mailů a SMS", "Není nastaven poštovní server", "Adresa portálu (ci_url) je prázdná")
	boss.Header.Set("Accept-Language", "en")

	srv := mailtest.Start(t)
	env.Set("smtp_host", "127.0.0.1")
	env.Set("smtp_port", fmt.Sprint(srv.Port()))
	env.Set("smtp_tls", "none")
	env.Set("system_mail", "portal@example.cz")
	env.Set("ci_url", "https://portal.isp.example/")
	boss.Get("/admin").Expect(t, 200, "The portal address (ci_url) is https://portal.isp.example/, which is not the address you are using now").
		Lacks(t, "No mail server", "No sender address")
	env.Set("ci_url", "https://example.com/") // the test requests' host
	boss.Get("/admin").Lacks(t, "Mail and SMS delivery")

	// The newest mail fails, then one goes through.
	queue := func() {
		env.Tx(func(tx *sql.Tx) error {
			_, err := mail.Enqueue(context.Background(), tx, mail.Message{To: []string{"c7301@example.net"}, Subject: "Notice",
				Text: "Text.", Purpose: "notice", ClientID: cid, At: env.Clock.Now()})
			return err
		})
		env.MailWorker.RunOnce(context.Background())
	}
	srv.RejectNext(1)
	queue()
	boss.Get("/admin").Expect(t, 200, "The last e-mail could not be delivered")
	queue()
	boss.Get("/admin").Lacks(t, "The last e-mail could not be delivered")

	// SMS: switched on without a transport, then a real SMSC refusing the newest SMS.
	env.Set("sms_notify", "smpp")
	boss.Get("/admin").Expect(t, 200, "SMS cannot be sent: SMPP connection not configured")
	smsc := smpptest.Start(t)
	cfg := smsc.Config()
	env.Set("smpp_host", cfg.Host)
	env.Set("smpp_port", fmt.Sprint(cfg.Port))
	env.Set("smpp_system_id", cfg.SystemID)
	env.Set("smpp_password", cfg.Password)
	boss.Get("/admin").Lacks(t, "Mail and SMS delivery")
	var mod *sms.Module
	for _, m := range env.Modules {
		if sm, ok := m.(*sms.Module); ok {
			mod = sm
		}
	}
	env.Tx(func(tx *sql.Tx) error {
		_, err := sms.EnqueueSMS(context.Background(), tx, cid, "+420777123456", "Outage tonight", 0, env.Clock.Now())
		return err
	})
	smsc.FailNext(1, smslib.StatusInvalidDestAddr)
	mod.Worker().RunOnce(context.Background())
	boss.Header.Set("Accept-Language", "cs")
	boss.Get("/admin").Expect(t, 200, "Poslední SMS se nepodařilo doručit")
}
