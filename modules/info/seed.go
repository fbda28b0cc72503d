package info

import (
	"context"
	"database/sql"
	"time"

	"github.com/ispportal/portal/internal/app"
)

// seed adds one message of each kind: a private one for the demo client (unread), a
// global one (already read by the demo client), and one per demo invoice group.
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	demo := env.ClientIDs[app.DemoClientNumber]
	msgs := []Message{
		{ExternalID: "demo-msg-global", Kind: KindGlobal, Title: "Planned maintenance on Saturday night",
			Body: "<p>On Saturday between 1:00 and 3:00 we upgrade the core network. The connection may drop for a few minutes.</p>"},
		{ExternalID: "demo-msg-private", Kind: KindPrivate, ClientID: demo, Title: "Your new router is ready",
			Body: "<p>Dear customer, your new Wi-Fi router is waiting for you at our office in <strong>Vinohradská 12</strong>.</p>"},
	}
	if len(env.GroupIDs) > 0 {
		msgs = append(msgs, Message{ExternalID: "demo-msg-group1", Kind: KindGroup, GroupID: env.GroupIDs[0],
			Title: "Faster tariffs for residential customers", ValidFrom: env.Now.Add(-24 * time.Hour),
			Body: "<p>From next month every residential tariff gets <em>twice the speed</em> at the same price.</p>"})
	}
	if len(env.GroupIDs) > 1 {
		msgs = append(msgs, Message{ExternalID: "demo-msg-group2", Kind: KindGroup, GroupID: env.GroupIDs[1],
			Title: "New service level agreement",
			Body:  "<p>Business customers now have a 4-hour repair time. See the <a href=\"https://business.netwave.example/sla\">SLA</a>.</p>"})
	}
	for _, msg := range msgs {
		if msg.Kind == KindPrivate && msg.ClientID == 0 {
			continue
		}
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM info_messages WHERE external_id = ?`, msg.ExternalID).Scan(&exists); err != nil {
			return err
		}
		if exists > 0 {
			continue // staff may have edited it; keep their version
		}
		id, err := SaveMessage(ctx, tx, msg, env.Now.Add(-time.Hour))
		if err != nil {
			return err
		}
		if msg.Kind == KindGlobal && demo != 0 {
			if err := MarkRead(ctx, tx, demo, id, env.Now); err != nil {
				return err
			}
		}
	}
	return nil
}
