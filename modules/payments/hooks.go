package payments

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/outbox"
	"github.com/ispportal/portal/settings"
)

const hookCursor = "cursor:payments-webhook"

// hookClient posts the webhook; short timeout, no redirects followed.
var hookClient = &http.Client{Timeout: 15 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// SignHook is the X-Portal-Signature of a webhook body at a time.
func SignHook(secret string, at time.Time, body []byte) string {
	ts := strconv.FormatInt(at.Unix(), 10)
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts + "."))
	h.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(h.Sum(nil))
}

// QueueHooks queues every payment recorded since the cursor (when a webhook address
// is set), advancing the cursor in the same transaction; it returns how many.
func (m *Module) QueueHooks(ctx context.Context) (int, error) {
	if settings.PaymentsWebhookURL.Get(m.d.Settings) == "" || m.d.Hooks.Money.Since == nil {
		return 0, nil
	}
	n := 0
	err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var cur string
		err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, hookCursor).Scan(&cur)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		after, _ := strconv.ParseInt(cur, 10, 64)
		list, err := m.d.Hooks.Money.Since(ctx, tx, after, outbox.BatchSize)
		if err != nil || len(list) == 0 {
			return err
		}
		now := core.Now(m.d.Now())
		for _, p := range list {
			body, err := json.Marshal(map[string]any{"event": "payment.recorded", "payment": PaymentOut{ID: p.ID, ClientID: p.ClientID,
				ExternalID: p.ExternalID, PaidOn: p.PaidOn.Format(time.DateOnly), Amount: p.Amount, Currency: p.Currency, Method: p.Method,
				InvoiceID: p.InvoiceID, Note: p.Note, CreatedAt: core.Now(p.CreatedAt)}})
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO payment_hooks (payment_id, body, state, next_at, created_at)
				VALUES (?, ?, 'queued', ?, ?) ON CONFLICT (payment_id) DO NOTHING`, p.ID, string(body), now, now); err != nil {
				return err
			}
			after = p.ID
			n++
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			hookCursor, strconv.FormatInt(after, 10))
		return err
	})
	return n, err
}

// hooks is the webhook queue. Several instances may deliver from one database: a
// row being posted is 'sending' and names its instance; one whose instance died
// mid-post is queued again once its claim is older than outbox.Lease.
var hooks = outbox.Queue{Table: "payment_hooks", State: "state", Claimed: "sending",
	Due: "state = 'queued' AND next_at <= ?", Order: "next_at, id"}

// DeliverHooks posts the due rows, at most outbox.BatchSize, claiming each before it
// is posted so that no two workers post the same payment: 2xx is sent; anything
// else is retried on outbox.Backoff until outbox.MaxAttempts, then failed.
func (m *Module) DeliverHooks(ctx context.Context) (int, error) {
	url, secret := settings.PaymentsWebhookURL.Get(m.d.Settings), settings.PaymentsWebhookSecret.Get(m.d.Settings)
	if url == "" {
		return 0, nil
	}
	now := m.d.Now()
	if err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		n, err := hooks.TakeOver(ctx, tx, now, `state = 'queued'`)
		if n > 0 {
			m.d.Log.Warn("payments: webhooks of a stopped worker queued again", "count", n)
		}
		return err
	}); err != nil {
		return 0, err
	}
	sent := 0
	for sent < outbox.BatchSize {
		var (
			id       int64
			body     string
			attempts int
			ok       bool
		)
		err := m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			if id, ok, err = hooks.Claim(ctx, m.d.DB, tx, m.claimant, now, core.Now(now)); err != nil || !ok {
				return err
			}
			return tx.QueryRowContext(ctx, `SELECT body, attempts FROM payment_hooks WHERE id = ?`, id).Scan(&body, &attempts)
		})
		if err != nil || !ok {
			return sent, err
		}
		sendErr := postHook(ctx, url, secret, []byte(body), m.d.Now())
		state, next, msg := "sent", now, ""
		if sendErr != nil {
			msg = sendErr.Error()
			state, next = "queued", m.d.Now().Add(outbox.Backoff(attempts+1))
			if attempts+1 >= outbox.MaxAttempts {
				state = "failed"
			}
			m.d.Log.Warn("payments: webhook not delivered", "payment_hook", id, "attempt", attempts+1, "err", sendErr)
		}
		// Written outside ctx: a post that went out must be recorded even when the
		// worker is being stopped, or the payment would be posted again.
		if _, err := m.d.DB.W.ExecContext(context.WithoutCancel(ctx), `UPDATE payment_hooks SET state = ?, attempts = attempts + 1,
			next_at = ?, last_error = ?, claimed_by = NULL WHERE id = ? AND claimed_by = ?`,
			state, core.Now(next), msg, id, m.claimant); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

func postHook(ctx context.Context, url, secret string, body []byte, at time.Time) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Portal-Signature", SignHook(secret, at, body))
	resp, err := hookClient.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("answered %d", resp.StatusCode)
	}
	return nil
}
