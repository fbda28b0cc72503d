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

// DeliverHooks posts the due rows, at most outbox.BatchSize: 2xx is sent; anything
// else is retried on outbox.Backoff until outbox.MaxAttempts, then failed.
func (m *Module) DeliverHooks(ctx context.Context) (int, error) {
	url, secret := settings.PaymentsWebhookURL.Get(m.d.Settings), settings.PaymentsWebhookSecret.Get(m.d.Settings)
	if url == "" {
		return 0, nil
	}
	type row struct {
		id       int64
		body     string
		attempts int
	}
	now := m.d.Now()
	rows, err := core.List(ctx, m.d.DB.R, func(r core.Row) (row, error) {
		var x row
		return x, r.Scan(&x.id, &x.body, &x.attempts)
	}, `SELECT id, body, attempts FROM payment_hooks WHERE state = 'queued' AND next_at <= ? ORDER BY id LIMIT ?`,
		core.Now(now), outbox.BatchSize)
	if err != nil {
		return 0, err
	}
	for _, x := range rows {
		sendErr := postHook(ctx, url, secret, []byte(x.body), m.d.Now())
		state, next, msg := "sent", now, ""
		if sendErr != nil {
			msg = sendErr.Error()
			state, next = "queued", m.d.Now().Add(outbox.Backoff(x.attempts+1))
			if x.attempts+1 >= outbox.MaxAttempts {
				state = "failed"
			}
			m.d.Log.Warn("payments: webhook not delivered", "payment_hook", x.id, "attempt", x.attempts+1, "err", sendErr)
		}
		if _, err := m.d.DB.W.ExecContext(ctx, `UPDATE payment_hooks SET state = ?, attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?`,
			state, core.Now(next), msg, x.id); err != nil {
			return 0, err
		}
	}
	return len(rows), nil
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
