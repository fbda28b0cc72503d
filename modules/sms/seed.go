package sms

import (
	"context"
	"database/sql"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/settings"
)

var demoContacts = []Contact{
	{ExternalID: "demo-sms-contact-1", Name: "Petr Svoboda", Number: "+420777301401"},
	{ExternalID: "demo-sms-contact-2", Name: "Mom", Number: "+420602123456"},
	{ExternalID: "demo-sms-contact-3", Name: "Office", Number: "+421905111222"},
}

var demoMessages = []struct {
	ext, number, text, status, lastError string
	ago                                  time.Duration
}{
	{"demo-sms-1", "+420777301401", "Hi Petr, the router is back online. Jana", StatusSent, "", 20 * 24 * time.Hour},
	{"demo-sms-2", "+420602123456", "Přijedu v sobotu kolem desáté. Jana", StatusSent, "", 3 * 24 * time.Hour},
	{"demo-sms-3", "+421905111222", "Meeting moved to 14:00.", StatusFailed,
		`sms: http POST: provider answered 400 Bad Request: "invalid destination number" (permanent)`, 2 * 24 * time.Hour},
	{"demo-sms-4", "+420777301401", "See you tonight!", StatusQueued, "", time.Hour},
}

// demoSettings switch the tab on in the demo, but only when staff never stored them.
// The tab needs a configured transport, so the demo points the gateway at a Kannel
// smsbox on its usual local port; without one running, messages wait and their
// history says that sending is delayed.
var demoSettings = []struct {
	def   *settings.Def
	value string
}{
	{settings.SMSNotify.Def, "gateway"},
	{settings.SMSGatewayURL.Def, demoGatewayURL},
	{settings.SMSGatewayMethod.Def, "GET"},
	{settings.SMSGatewayUser.Def, "portal"},
	{settings.SMSEnable.Def, "1"},
	{settings.SMSPerMonth.Def, "20"},
}

// demoGatewayURL is a Kannel sendsms request on localhost, written the documented way:
// credentials from their settings, the coding chosen per message.
const demoGatewayURL = "http://127.0.0.1:13013/cgi-bin/sendsms?username={user}&password={password}" +
	"&from={sender}&to={number}&text={text}&coding={coding}&charset={charset}"

// seed adds demo directory entries and messages for client 1001; it is idempotent.
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	for _, s := range demoSettings {
		if _, stored := m.d.Settings.Value(s.def, 0); stored {
			continue
		}
		if err := m.d.Settings.SetTx(ctx, tx, s.def.Key, 0, s.value, "demo"); err != nil {
			return err
		}
	}
	client, ok := env.ClientIDs[app.DemoClientNumber]
	if !ok {
		return nil
	}
	for _, c := range demoContacts {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sms_contacts WHERE external_id = ?`, c.ExternalID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			continue
		}
		c.ClientID = client
		if _, err := SaveContact(ctx, tx, c, env.Now); err != nil {
			return err
		}
	}
	for _, d := range demoMessages {
		parts, err := CheckText(d.text)
		if err != nil {
			return err
		}
		created := env.Now.Add(-d.ago)
		var sent any
		if d.status == StatusSent {
			sent = core.Now(created.Add(5 * time.Second))
		}
		attempts := 0
		if d.status != StatusQueued {
			attempts = 1
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sms_queue (external_id, client_id, number, text, parts, status,
				attempts, next_attempt_at, last_error, provider_id, created_at, sent_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (external_id) DO NOTHING`,
			d.ext, client, d.number, d.text, parts, d.status, attempts, core.Now(created), d.lastError, "",
			core.Now(created), sent); err != nil {
			return err
		}
	}
	return nil
}
