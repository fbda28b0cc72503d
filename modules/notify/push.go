package notify

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/settings"
)

// pushTTL is how long a push service keeps a notification for a device that is off
// (RFC 8030 TTL): a day, after which the news is stale anyway.
const pushTTL = 24 * 60 * 60

// VAPIDKeys returns the portal's VAPID key pair (RFC 8292), generating and storing it
// on first use: the private key as a secret setting, the public one beside it.
func (m *Module) VAPIDKeys(ctx context.Context) (private, public string, err error) {
	m.keyMu.Lock()
	defer m.keyMu.Unlock()
	st := m.d.Settings
	if err := st.Sync(ctx); err != nil {
		return "", "", err
	}
	private, public = settings.VAPIDPrivateKey.Get(st), settings.VAPIDPublicKey.Get(st)
	if private != "" && public != "" {
		return private, public, nil
	}
	if private, public, err = webpush.GenerateVAPIDKeys(); err != nil {
		return "", "", err
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := st.SetTx(ctx, tx, settings.VAPIDPrivateKey.Key, 0, private, "notify"); err != nil {
			return err
		}
		if err := st.SetTx(ctx, tx, settings.VAPIDPublicKey.Key, 0, public, "notify"); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: m.d.Now(), Actor: "notify", Action: "notifications.vapid_keys",
			Detail: "generated the web push key pair"})
	})
	if err != nil {
		return "", "", err
	}
	return private, public, st.Sync(ctx)
}

// ErrSubscription refuses a push subscription a browser would not have made.
var ErrSubscription = errors.New("not a valid push subscription")

// Subscription is a browser's push subscription (PushSubscription.toJSON()).
type Subscription struct {
	ID       int64
	ClientID int64
	Endpoint string
	P256dh   string
	Auth     string
	Created  time.Time
}

// checkSubscription validates what a browser posted: an https endpoint (http only to
// a loopback address, for tests), a P-256 public key and a 16-byte auth secret.
func checkSubscription(s Subscription) error {
	u, err := url.Parse(s.Endpoint)
	if err != nil || u.Host == "" || len(s.Endpoint) > 1000 ||
		(u.Scheme != "https" && !(u.Scheme == "http" && (u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost"))) {
		return &core.FieldError{Field: "endpoint", Err: ErrSubscription}
	}
	if k, err := b64(s.P256dh); err != nil || len(k) != 65 || k[0] != 4 {
		return &core.FieldError{Field: "p256dh", Err: ErrSubscription}
	}
	if a, err := b64(s.Auth); err != nil || len(a) != 16 {
		return &core.FieldError{Field: "auth", Err: ErrSubscription}
	}
	return nil
}

// b64 decodes the URL-safe base64 of the Push API, with or without padding.
func b64(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

// Subscribe stores (or moves to this client) a browser's subscription and audits it.
func (m *Module) Subscribe(ctx context.Context, s Subscription, actor, ip string) error {
	if err := checkSubscription(s); err != nil {
		return err
	}
	now := m.d.Now()
	return m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO notify_push (client_id, endpoint, p256dh, auth, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (endpoint) DO UPDATE SET client_id = excluded.client_id, p256dh = excluded.p256dh, auth = excluded.auth`,
			s.ClientID, s.Endpoint, s.P256dh, s.Auth, core.Now(now)); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "notifications.push_subscribe", ClientID: s.ClientID,
			Detail: "push service " + hostOf(s.Endpoint), IP: ip})
	})
}

// Unsubscribe removes every push subscription of the client (the page's "stop push
// on all devices").
func (m *Module) Unsubscribe(ctx context.Context, clientID int64, actor, ip string) error {
	now := m.d.Now()
	return m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM notify_push WHERE client_id = ?`, clientID); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "notifications.push_unsubscribe", ClientID: clientID, IP: ip})
	})
}

func hostOf(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil {
		return u.Host
	}
	return ""
}

// subscriptions lists a client's push subscriptions.
func subscriptions(ctx context.Context, q core.Querier, clientID int64) ([]Subscription, error) {
	return core.List(ctx, q, func(r core.Row) (Subscription, error) {
		var s Subscription
		var created string
		err := r.Scan(&s.ID, &s.ClientID, &s.Endpoint, &s.P256dh, &s.Auth, &created)
		s.Created = core.ParseTime(created)
		return s, err
	}, `SELECT id, client_id, endpoint, p256dh, auth, created_at FROM notify_push WHERE client_id = ? ORDER BY id`, clientID)
}

// pushPayload is what the service worker's push handler reads.
type pushPayload struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	URL   string `json:"url"`
}

// sendPush delivers one notification to every device of the client. A subscription
// the push service no longer knows (404, 410) is deleted; the push counts as sent
// when at least one device took it or none is left; otherwise the error is returned
// for a retry.
func (m *Module) sendPush(ctx context.Context, clientID int64, p pushPayload) error {
	subs, err := subscriptions(ctx, m.d.DB.R, clientID)
	if err != nil {
		return err
	}
	private, public, err := m.VAPIDKeys(ctx)
	if err != nil {
		return err
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return err
	}
	// The VAPID subject: the library adds "mailto:" to anything but an https URL.
	subject := settings.SystemMail.Get(m.d.Settings)
	if subject == "" {
		subject = settings.PortalBase(m.d.Settings)
	}
	var lastErr error
	delivered := 0
	for _, s := range subs {
		resp, err := webpush.SendNotificationWithContext(ctx, payload, &webpush.Subscription{Endpoint: s.Endpoint,
			Keys: webpush.Keys{P256dh: s.P256dh, Auth: s.Auth}},
			&webpush.Options{HTTPClient: m.httpClient, Subscriber: subject, TTL: pushTTL, Urgency: webpush.UrgencyNormal,
				VAPIDPublicKey: public, VAPIDPrivateKey: private}) // the JWT expires 12 h after the real clock's now
		if err != nil {
			lastErr = fmt.Errorf("push to %s: %w", hostOf(s.Endpoint), err)
			continue
		}
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
			if _, err := m.d.DB.W.ExecContext(ctx, `DELETE FROM notify_push WHERE id = ?`, s.ID); err != nil {
				return err
			}
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			delivered++
		default:
			lastErr = fmt.Errorf("push to %s: %s", hostOf(s.Endpoint), resp.Status)
		}
	}
	if delivered > 0 {
		return nil
	}
	if lastErr == nil {
		return errNoDevice
	}
	return lastErr
}

// errNoDevice: the client has no push subscription left (none, or the push service
// answered that each is gone); the notification fails without retries.
var errNoDevice = errors.New("no device subscribed to push")
