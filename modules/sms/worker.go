package sms

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/outbox"
	smslib "github.com/ispportal/portal/internal/sms"
	"github.com/ispportal/portal/settings"
)

// MaxAttempts is how many temporary failures give a message up (outbox.MaxAttempts).
const MaxAttempts = outbox.MaxAttempts

// maxErrorLen bounds the provider's answer kept as a message's last error.
const maxErrorLen = 300

// Errors recorded on queued messages while the transport cannot be built. They leave
// the messages queued, without counting an attempt: nothing is wrong with the message.
var (
	errGatewayNotConfigured = errors.New("SMS gateway not configured (sms_gateway_url is empty)")
	errSMPPNotConfigured    = errors.New("SMPP connection not configured (smpp_host is empty)")
)

// gatewayIDPattern finds a message id in a JSON answer such as {"id":"abc"} or
// {"message_id": 123}; answers without one leave the provider id empty.
const gatewayIDPattern = `"(?:message_?)?id"\s*:\s*"?([A-Za-z0-9._:-]+)`

// Backoff returns the wait after the n-th failed attempt (n ≥ 1), the schedule the
// mail outbox uses too.
func Backoff(n int) time.Duration { return outbox.Backoff(n) }

// Worker sends the SMS queue. Delivery is at-least-once: a row is claimed ("sending",
// by this worker) in its own transaction before the provider is called and marked
// "sent" afterwards; a crash in between leaves it claimed, and any worker sends it
// again once the claim is older than outbox.Lease. Workers of several instances may
// share one database: each row is claimed by exactly one.
type Worker struct {
	d    app.Deps
	loop *outbox.Loop

	// PollInterval is how often Run looks for due messages when not kicked (default 10 s).
	PollInterval time.Duration
	// SendTimeout bounds one provider call (default 30 s).
	SendTimeout time.Duration
	// HTTPClient is used by the HTTP gateway transport (nil: a client with SendTimeout).
	HTTPClient *http.Client

	// Claimant names this worker's claims (outbox.NewClaimant).
	Claimant string

	mu        sync.Mutex // one round at a time; guards the transport cache
	sender    smslib.Sender
	senderKey string
}

// NewWorker returns a worker; it does no work until Run or RunOnce.
func NewWorker(d app.Deps) *Worker {
	w := &Worker{d: d, PollInterval: 10 * time.Second, SendTimeout: 30 * time.Second, Claimant: outbox.NewClaimant()}
	w.loop = outbox.New("sms.Worker.Run", d.Log, func(ctx context.Context) (int, error) {
		sent, failed, err := w.RunOnce(ctx)
		return sent + failed, err
	})
	return w
}

// Kick wakes Run now, e.g. after a transaction that queued a message committed.
func (w *Worker) Kick() { w.loop.Kick() }

// Run sends due messages until ctx is done, polling every PollInterval and woken
// early by Kick. It closes the transport (an SMPP bind) when it stops.
func (w *Worker) Run(ctx context.Context) {
	defer w.closeSender()
	w.loop.Run(ctx, w.PollInterval)
}

// RunOnce sends the messages that are due now and reports how many were sent and how
// many attempts failed. With sms_notify disabled it sends nothing; with the chosen
// transport not configured, the queued messages wait and show why. Each round first
// re-queues the rows whose claim expired (a worker died mid-send).
func (w *Worker) RunOnce(ctx context.Context) (sent, failed int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.requeueSending(ctx); err != nil {
		return 0, 0, err
	}

	sender, err := w.transport()
	if err != nil {
		return 0, 0, w.noteWaiting(ctx, err)
	}
	if sender == nil {
		return 0, 0, nil
	}
	for sent+failed < outbox.BatchSize && ctx.Err() == nil {
		msg, ok, err := w.claim(ctx)
		if err != nil || !ok {
			return sent, failed, err
		}
		sctx, cancel := context.WithTimeout(ctx, w.SendTimeout)
		id, sendErr := sender.Send(sctx, smslib.Message{To: msg.Number, Text: msg.Text})
		cancel()
		if sendErr == nil {
			if err := w.markSent(ctx, msg.ID, id); err != nil {
				return sent, failed, err
			}
			sent++
			continue
		}
		if ctx.Err() != nil {
			// Shutting down is no delivery failure: put the row back as it was.
			return sent, failed, w.release(msg.ID)
		}
		failed++
		temporary := smslib.IsTemporary(sendErr)
		if err := w.markFailed(ctx, msg, temporary, sendErr); err != nil {
			return sent, failed, err
		}
		if temporary {
			// The provider is down or slow; the other messages would only wait for
			// the same failure. They go in a later round.
			break
		}
	}
	return sent, failed, ctx.Err()
}

// transportConfig reads the transport chosen by sms_notify from the settings: "" when
// it is disabled, else "gateway" or "smpp" with its configuration, or the reason it
// cannot send (errGatewayNotConfigured, errSMPPNotConfigured, an invalid gateway
// template). The worker and the tab's gate share it, so the tab is shown exactly when
// messages can go out.
func transportConfig(st *settings.Store) (kind string, gw smslib.HTTPConfig, smpp smslib.SMPPConfig, err error) {
	switch kind = settings.SMSNotify.Get(st); kind {
	case "gateway":
		gw = smslib.HTTPConfig{URL: settings.SMSGatewayURL.Get(st), Method: settings.SMSGatewayMethod.Get(st),
			ContentType: settings.SMSGatewayContentType.Get(st), Body: settings.SMSGatewayBody.Get(st),
			User: settings.SMSGatewayUser.Get(st), Sender: settings.SMSSender.Get(st), IDPattern: gatewayIDPattern}
		if gw.URL == "" {
			return kind, gw, smpp, errGatewayNotConfigured
		}
		// The password setting is a bearer token when no user is set.
		if gw.User != "" {
			gw.Password = settings.SMSGatewayPassword.Get(st)
		} else {
			gw.Token = settings.SMSGatewayPassword.Get(st)
		}
		if gw.Method == http.MethodGet {
			gw.Body = "" // a GET carries everything in the URL
		}
		return kind, gw, smpp, gw.Validate()
	case "smpp":
		smpp = smslib.SMPPConfig{Host: settings.SMPPHost.Get(st), Port: settings.SMPPPort.Get(st),
			SystemID: settings.SMPPSystemID.Get(st), Password: settings.SMPPPassword.Get(st),
			SourceAddr: settings.SMSSender.Get(st)}
		if smpp.Host == "" {
			return kind, gw, smpp, errSMPPNotConfigured
		}
		return kind, gw, smpp, nil
	}
	return "", gw, smpp, nil
}

// transport builds the sender from the settings of this round, reusing the previous
// one while the settings are unchanged (an SMPP bind is kept open between rounds).
// It returns nil, nil when sms_notify is disabled.
func (w *Worker) transport() (smslib.Sender, error) {
	kind, gw, smpp, err := transportConfig(w.d.Settings)
	if kind == "" || err != nil {
		w.closeSender()
		return nil, err
	}
	var key string
	var build func() (smslib.Sender, error)
	if kind == "gateway" {
		key = fmt.Sprintf("gateway %#v", gw)
		build = func() (smslib.Sender, error) {
			client := w.HTTPClient
			if client == nil {
				client = &http.Client{Timeout: w.SendTimeout}
			}
			return smslib.NewHTTPGateway(gw, client)
		}
	} else {
		key = fmt.Sprintf("smpp %#v", smpp)
		build = func() (smslib.Sender, error) { return smslib.NewSMPP(smpp), nil }
	}
	if w.sender != nil && key == w.senderKey {
		return w.sender, nil
	}
	w.closeSender()
	s, err := build()
	if err != nil {
		return nil, err
	}
	w.sender, w.senderKey = s, key
	return s, nil
}

func (w *Worker) closeSender() {
	if c, ok := w.sender.(io.Closer); ok {
		c.Close()
	}
	w.sender, w.senderKey = nil, ""
}

// noteWaiting records why queued messages are not being sent, so clients see it.
func (w *Worker) noteWaiting(ctx context.Context, cause error) error {
	msg := clip(cause.Error())
	return w.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sms_queue SET last_error = ? WHERE status = 'queued' AND last_error <> ?`, msg, msg)
		return err
	})
}

// queue is the SMS queue as outbox.Queue sees it.
var queue = outbox.Queue{Table: "sms_queue", State: "status", Claimed: StatusSending,
	Due: "status = 'queued' AND next_attempt_at <= ?", Order: "next_attempt_at, id"}

// claim marks the next due row "sending" by this worker and returns it.
func (w *Worker) claim(ctx context.Context) (Message, bool, error) {
	now := w.d.Now()
	var m Message
	var ok bool
	err := w.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, claimed, err := queue.Claim(ctx, w.d.DB, tx, w.Claimant, now, core.Now(now))
		if !claimed || err != nil {
			return err
		}
		m, err = scanMessage(tx.QueryRowContext(ctx, `SELECT `+messageCols+` FROM sms_queue WHERE id = ?`, id))
		ok = err == nil
		return err
	})
	return m, ok && err == nil, err
}

func (w *Worker) markSent(ctx context.Context, id int64, providerID string) error {
	// A cancelled ctx must not leave a sent message in "sending" (it would go twice).
	ctx = context.WithoutCancel(ctx)
	return w.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sms_queue SET status = 'sent', sent_at = ?, last_error = '', provider_id = ?,
			attempts = attempts + 1 WHERE id = ?`, core.Now(w.d.Now()), clip(providerID), id)
		return err
	})
}

func (w *Worker) release(id int64) error {
	ctx := context.Background()
	return w.d.DB.Tx(ctx, func(tx *sql.Tx) error { return queue.Release(ctx, tx, id, w.Claimant, StatusQueued) })
}

// markFailed counts a failed attempt: a temporary failure goes back to the queue with
// a later next_attempt_at until MaxAttempts; a permanent one fails at once.
func (w *Worker) markFailed(ctx context.Context, m Message, temporary bool, cause error) error {
	ctx = context.WithoutCancel(ctx)
	n := m.Attempts + 1
	status := StatusQueued
	if !temporary || n >= MaxAttempts {
		status = StatusFailed
	}
	reason := clip(cause.Error())
	w.d.Log.Warn("sms.Worker: attempt failed", "id", m.ID, "attempts", n, "status", status, "err", reason)
	return w.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sms_queue SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ?
			WHERE id = ?`, status, n, reason, core.Now(w.d.Now().Add(Backoff(n))), m.ID)
		return err
	})
}

// requeueSending puts rows whose claim expired (their worker died mid-send, see
// outbox.Lease) back in the queue. The interrupted send counts as an attempt, so a
// message that crashes the process every time ends up failed instead of looping.
func (w *Worker) requeueSending(ctx context.Context) error {
	now := w.d.Now()
	return w.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		n, err := queue.TakeOver(ctx, tx, now, `status = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE 'queued' END,
				attempts = attempts + 1,
				last_error = 'interrupted while sending; sent again',
				next_attempt_at = ?`, MaxAttempts, core.Now(now))
		if err != nil {
			return err
		}
		if n > 0 {
			w.d.Log.Warn("sms.Worker: re-queued messages interrupted while sending", "count", n)
		}
		return nil
	})
}

func clip(s string) string {
	if len(s) <= maxErrorLen {
		return s
	}
	// Cut on a rune boundary so the stored text stays valid UTF-8.
	for i := maxErrorLen; i > 0; i-- {
		if s[i]&0xC0 != 0x80 {
			return s[:i] + "…"
		}
	}
	return ""
}
