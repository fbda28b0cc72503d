package notify

import (
	"context"
	"database/sql"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/settings"
)

// demoSent are the demo client's recent notifications, as the page lists them.
var demoSent = []struct {
	topic, key, channel, title string
	ago                        time.Duration
}{
	{TopicOutage, "demo:notice", ChannelEmail, "Planned maintenance on Saturday 01:00–03:00", 12 * 24 * time.Hour},
	{TopicOutage, "demo:notice", ChannelPush, "Planned maintenance on Saturday 01:00–03:00", 12 * 24 * time.Hour},
	{TopicInvoiceNew, "demo:invoice", ChannelEmail, "New invoice 2026110042: 499.00 CZK, due 2026-11-15", 30 * 24 * time.Hour},
	{TopicPayment, "demo:payment", ChannelEmail, "Payment received: 499.00 CZK", 22 * 24 * time.Hour},
	{TopicFUP80, "demo:fup", ChannelSMS, "You have used 80 % of your data: Internet 100", 3 * 24 * time.Hour},
	{TopicTicketReply, "demo:ticket", ChannelEmail, "New reply to your ticket #1", 2 * 24 * time.Hour},
}

// seed switches the page on (unless staff stored the setting), gives the demo client
// choices and a few sent notifications; idempotent.
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	if _, stored := m.d.Settings.Value(settings.NotificationsEnable.Def, 0); !stored {
		if err := m.d.Settings.SetTx(ctx, tx, settings.NotificationsEnable.Key, 0, "1", "demo"); err != nil {
			return err
		}
	}
	client, ok := env.ClientIDs[app.DemoClientNumber]
	if !ok {
		return nil
	}
	if _, err := loadSaved(ctx, tx, client); err == errNoPrefs {
		p := Defaults()
		p.Set(TopicPayment, ChannelEmail, true)
		p.Set(TopicOverdue, ChannelSMS, true)
		p.Set(TopicFUP80, ChannelSMS, true)
		p.Set(TopicFUP100, ChannelSMS, true)
		p.Set(TopicOutage, ChannelPush, true)
		p.Set(TopicTicketReply, ChannelPush, true)
		if err := SavePrefsTx(ctx, tx, client, &p, env.Now); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	for _, s := range demoSent {
		at := core.Now(env.Now.Add(-s.ago))
		if _, err := tx.ExecContext(ctx, `INSERT INTO notify_sent (client_id, topic, event_key, channel, status, title, body,
			due_at, attempts, created_at, sent_at) VALUES (?, ?, ?, ?, 'sent', ?, '', ?, 1, ?, ?)
			ON CONFLICT (client_id, topic, event_key, channel) DO NOTHING`,
			client, s.topic, s.key, s.channel, s.title, at, at, at); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO notify_notices (external_id, title, text, audience, clients, created_by, created_at)
		VALUES ('demo-notice-1', ?, ?, 'all', ?, 'demo', ?) ON CONFLICT (external_id) DO NOTHING`,
		demoSent[0].title, "We are upgrading the network; the connection may drop for a few minutes.", len(env.ClientIDs),
		core.Now(env.Now.Add(-demoSent[0].ago)))
	return err
}
