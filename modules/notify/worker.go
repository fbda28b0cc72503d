package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/outbox"
	"github.com/ispportal/portal/settings"
)

// pollInterval is how often the worker looks for due notifications when not kicked.
const pollInterval = 15 * time.Second

// overdueEvery is how often the worker looks for invoices that became overdue, and
// overdueWindow how far back: an invoice overdue for longer when the module was
// switched on is not announced.
const (
	overdueEvery  = time.Hour
	overdueWindow = 30 * 24 * time.Hour
)

// round is one pass of the module's worker: scan for overdue invoices (hourly), then
// deliver due notifications (push, SMS held by quiet hours).
func (m *Module) round(ctx context.Context) (int, error) {
	if !settings.NotificationsEnable.Get(m.d.Settings) {
		return 0, nil
	}
	if now := m.d.Now(); now.Sub(m.lastScan) >= overdueEvery {
		if _, err := m.ScanOverdue(ctx); err != nil {
			return 0, err
		}
		m.lastScan = now
	}
	return m.DeliverDue(ctx)
}

// run is the module's Worker, until ctx is done.
func (m *Module) run(ctx context.Context) { m.loop.Run(ctx, pollInterval) }

// dueRow is a notification waiting for the worker.
type dueRow struct {
	ID, ClientID     int64
	Channel, Status  string
	Title, Body, URL string
	Attempts         int
}

// queue is notify_sent as outbox.Queue sees it: queued push and held SMS wait for the
// worker.
var queue = outbox.Queue{Table: "notify_sent", State: "status", Claimed: StatusSending,
	Due: "status IN ('queued', 'held') AND due_at <= ?", Order: "due_at, id", OnClaim: "attempts = attempts + 1"}

// DeliverDue sends the notifications that are due (at most outbox.BatchSize) and
// reports how many it handled. Each row is claimed (status 'sending', by this
// instance) in its own transaction first, so two workers, of one instance or of
// several, never send one twice; a held SMS is handed to the SMS outbox in that same
// transaction. A push whose worker died mid-send is queued again once its claim is
// older than outbox.Lease.
func (m *Module) DeliverDue(ctx context.Context) (int, error) {
	now := m.d.Now()
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		n, err := queue.TakeOver(ctx, tx, now, `status = 'queued', last_error = 'interrupted while sending', due_at = ?`, core.Now(now))
		if n > 0 {
			m.d.Log.Warn("notify.Worker: re-queued notifications interrupted while sending", "count", n)
		}
		return err
	})
	handled := 0
	for err == nil && handled < outbox.BatchSize && ctx.Err() == nil {
		var ok bool
		if ok, err = m.deliverOne(ctx, now); !ok {
			break
		}
		handled++
	}
	if err == nil {
		err = ctx.Err()
	}
	return handled, err
}

// deliverOne claims the next due row and sends it; ok is false when none is due.
func (m *Module) deliverOne(ctx context.Context, now time.Time) (bool, error) {
	var r dueRow
	claimed := false
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, ok, err := queue.Claim(ctx, m.d.DB, tx, m.claimant, now, core.Now(now))
		if !ok || err != nil {
			return err
		}
		claimed = true
		// attempts is the count before this claim, as the outcome below expects.
		if err := tx.QueryRowContext(ctx, `SELECT id, client_id, channel, status, title, body, url, attempts - 1 FROM notify_sent WHERE id = ?`, id).
			Scan(&r.ID, &r.ClientID, &r.Channel, &r.Status, &r.Title, &r.Body, &r.URL, &r.Attempts); err != nil {
			return err
		}
		if r.Channel != ChannelSMS {
			return nil
		}
		cl, err := core.ClientByID(ctx, tx, r.ClientID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notify_sent SET status = 'sent', sent_at = ? WHERE id = ?`, core.Now(now), r.ID); err != nil {
			return err
		}
		if m.d.Hooks == nil || m.d.Hooks.SMS == nil {
			_, err := tx.ExecContext(ctx, `UPDATE notify_sent SET status = 'failed', last_error = 'no SMS transport configured', sent_at = NULL WHERE id = ?`, r.ID)
			return err
		}
		return m.queueSMS(ctx, tx, r.ID, cl, r.Title, now)
	})
	if err != nil || !claimed || r.Channel == ChannelSMS {
		return claimed, err
	}
	sendErr := m.sendPush(ctx, r.ClientID, pushPayload{Title: r.Title, Body: r.Body, URL: r.URL})
	done := m.d.Now()
	switch {
	case sendErr == nil:
		_, err = m.d.DB.W.ExecContext(ctx, `UPDATE notify_sent SET status = 'sent', sent_at = ?, last_error = '' WHERE id = ?`, core.Now(done), r.ID)
	case errors.Is(sendErr, errNoDevice) || r.Attempts+1 >= outbox.MaxAttempts:
		_, err = m.d.DB.W.ExecContext(ctx, `UPDATE notify_sent SET status = 'failed', last_error = ? WHERE id = ?`, clip(sendErr.Error()), r.ID)
	default:
		_, err = m.d.DB.W.ExecContext(ctx, `UPDATE notify_sent SET status = 'queued', last_error = ?, due_at = ? WHERE id = ?`,
			clip(sendErr.Error()), core.Now(done.Add(outbox.Backoff(r.Attempts+1))), r.ID)
	}
	return true, err
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300]
	}
	return s
}

// ScanOverdue tells clients of invoices whose due date has passed (in the last
// overdueWindow) and that are still unpaid, once per invoice. It reads open invoices
// through Hooks.Money (the invoices module) and reports how many events it raised.
func (m *Module) ScanOverdue(ctx context.Context) (int, error) {
	if m.d.Hooks == nil || m.d.Hooks.Money.OpenInvoices == nil {
		return 0, nil
	}
	now := m.d.Now().In(time.Local)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	ids, err := core.List(ctx, m.d.DB.R, core.ScanValue[int64], `SELECT id FROM clients WHERE active = 1 ORDER BY id`)
	if err != nil {
		return 0, err
	}
	raised := 0
	for _, id := range ids {
		open, err := m.d.Hooks.Money.OpenInvoices(ctx, m.d.DB.R, id)
		if err != nil {
			return raised, err
		}
		var due []app.OpenInvoice
		for _, inv := range open {
			d := time.Date(inv.Due.Year(), inv.Due.Month(), inv.Due.Day(), 0, 0, 0, 0, time.UTC)
			if d.Before(today) && today.Sub(d) <= overdueWindow && !m.announced(ctx, id, TopicOverdue, invoiceKey(inv.ID)) {
				due = append(due, inv)
			}
		}
		if len(due) == 0 {
			continue
		}
		err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
			for _, inv := range due {
				if _, err := m.Emit(ctx, tx, app.Event{ClientID: id, Topic: TopicOverdue, Key: invoiceKey(inv.ID), InvoiceID: inv.ID,
					Vars: map[string]string{"NUMBER": inv.Number, "AMOUNT": Amount(inv.Open, inv.Currency),
						"DUE": inv.Due.Format(time.DateOnly), "PATH": "invoices/" + strconv.FormatInt(inv.ID, 10)}}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil && !errors.Is(err, core.ErrNotFound) {
			return raised, err
		}
		raised += len(due)
	}
	return raised, nil
}

// announced reports whether any channel already took the event (read pool; the
// unique key still decides in the write transaction).
func (m *Module) announced(ctx context.Context, clientID int64, topic, key string) bool {
	var n int
	err := m.d.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_sent WHERE client_id = ? AND topic = ? AND event_key = ?`,
		clientID, topic, key).Scan(&n)
	return err == nil && n > 0
}

func invoiceKey(id int64) string { return "invoice:" + strconv.FormatInt(id, 10) }

// Amount formats minor units for a message ("1 234.50 CZK" is left to the
// templates' readers: plain "1234.50 CZK").
func Amount(minor int64, currency string) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return fmt.Sprintf("%s%d.%02d %s", sign, minor/100, minor%100, currency)
}
