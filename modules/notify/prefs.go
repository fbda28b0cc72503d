package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
)

// The topics a subscriber may be told of, in the order the page lists them.
const (
	TopicInvoiceNew  = "invoice_new"
	TopicPayment     = "payment"
	TopicOverdue     = "invoice_overdue"
	TopicTicketReply = "ticket_reply"
	TopicFUP80       = "fup80"
	TopicFUP100      = "fup100"
	TopicOutage      = "outage"
)

// Topics lists every topic.
var Topics = []string{TopicInvoiceNew, TopicPayment, TopicOverdue, TopicTicketReply, TopicFUP80, TopicFUP100, TopicOutage}

// The channels, in the order of the page's columns.
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
	ChannelPush  = "push"
)

// Channels lists every channel.
var Channels = []string{ChannelEmail, ChannelSMS, ChannelPush}

// Default quiet hours, local time of the portal.
const (
	DefaultQuietFrom = "22:00"
	DefaultQuietTo   = "07:00"
)

// Named errors of SavePrefs (wrapped in *core.FieldError naming the form field).
var (
	ErrTopic   = errors.New("unknown topic or channel")
	ErrQuiet   = errors.New("quiet hours must be a time from 00:00 to 23:59")
	errNoPrefs = errors.New("no saved preferences")
)

// Prefs are a client's choices: On[topic][channel] and quiet hours ("HH:MM", local
// time; From == To means none).
type Prefs struct {
	On        map[string]map[string]bool
	QuietFrom string
	QuietTo   string
	// Saved is false while the defaults apply (the client never saved).
	Saved bool
}

// Defaults are what a client who never chose gets: e-mail of what costs money or
// needs an answer (new and overdue invoices, ticket replies) and of outages, and the
// default quiet hours. SMS and push are opt-in: SMS may cost the client's provider
// nothing but interrupts, and push needs a device anyway.
func Defaults() Prefs {
	p := Prefs{On: map[string]map[string]bool{}, QuietFrom: DefaultQuietFrom, QuietTo: DefaultQuietTo}
	for _, t := range []string{TopicInvoiceNew, TopicOverdue, TopicTicketReply, TopicOutage, TopicFUP100} {
		p.Set(t, ChannelEmail, true)
	}
	return p
}

// Set switches one topic × channel.
func (p *Prefs) Set(topic, channel string, on bool) {
	if p.On == nil {
		p.On = map[string]map[string]bool{}
	}
	if p.On[topic] == nil {
		p.On[topic] = map[string]bool{}
	}
	p.On[topic][channel] = on
}

// Wants reports whether the client wants topic on channel.
func (p Prefs) Wants(topic, channel string) bool { return p.On[topic][channel] }

// Pairs lists the switched-on pairs as "topic.channel", sorted (API and audit).
func (p Prefs) Pairs() []string {
	var out []string
	for _, t := range Topics {
		for _, ch := range Channels {
			if p.Wants(t, ch) {
				out = append(out, t+"."+ch)
			}
		}
	}
	return out
}

// ValidPair reports whether topic and channel are known.
func ValidPair(topic, channel string) bool {
	return slices.Contains(Topics, topic) && slices.Contains(Channels, channel)
}

// ParseClock reads "H:MM" or "HH:MM" (00:00–23:59) as minutes after midnight.
func ParseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(m) != 2 || len(h) < 1 || len(h) > 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 || h[0] == '+' || h[0] == '-' {
		return 0, false
	}
	return hh*60 + mm, true
}

// clock formats minutes after midnight as "HH:MM".
func clock(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// Check validates p and normalises its quiet hours to "HH:MM"; a refusal is a
// *core.FieldError naming quiet_from or quiet_to.
func (p *Prefs) Check() error {
	for t, chans := range p.On {
		for ch := range chans {
			if !ValidPair(t, ch) {
				return &core.FieldError{Field: "topics", Err: ErrTopic}
			}
		}
	}
	f, ok := ParseClock(p.QuietFrom)
	if !ok {
		return &core.FieldError{Field: "quiet_from", Err: ErrQuiet}
	}
	to, ok := ParseClock(p.QuietTo)
	if !ok {
		return &core.FieldError{Field: "quiet_to", Err: ErrQuiet}
	}
	p.QuietFrom, p.QuietTo = clock(f), clock(to)
	return nil
}

// QuietUntil returns when the quiet hours around now end, in loc; zero when now is
// outside them (or p has none).
func (p Prefs) QuietUntil(now time.Time, loc *time.Location) time.Time {
	f, ok1 := ParseClock(p.QuietFrom)
	t, ok2 := ParseClock(p.QuietTo)
	if !ok1 || !ok2 || f == t {
		return time.Time{}
	}
	local := now.In(loc)
	m := local.Hour()*60 + local.Minute()
	quiet := (f < t && m >= f && m < t) || (f > t && (m >= f || m < t))
	if !quiet {
		return time.Time{}
	}
	y, mo, d := local.Date()
	end := time.Date(y, mo, d, t/60, t%60, 0, 0, loc)
	if !end.After(local) {
		end = time.Date(y, mo, d+1, t/60, t%60, 0, 0, loc)
	}
	return end
}

// LoadPrefs returns a client's saved choices, or the defaults.
func LoadPrefs(ctx context.Context, q core.Querier, clientID int64) (Prefs, error) {
	p, err := loadSaved(ctx, q, clientID)
	if errors.Is(err, errNoPrefs) {
		return Defaults(), nil
	}
	return p, err
}

func loadSaved(ctx context.Context, q core.Querier, clientID int64) (Prefs, error) {
	p := Prefs{On: map[string]map[string]bool{}, Saved: true}
	err := q.QueryRowContext(ctx, `SELECT quiet_from, quiet_to FROM notify_prefs WHERE client_id = ?`, clientID).Scan(&p.QuietFrom, &p.QuietTo)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errNoPrefs
	}
	if err != nil {
		return p, err
	}
	rows, err := q.QueryContext(ctx, `SELECT topic, channel FROM notify_choices WHERE client_id = ?`, clientID)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var t, ch string
		if err := rows.Scan(&t, &ch); err != nil {
			return p, err
		}
		p.Set(t, ch, true)
	}
	return p, rows.Err()
}

// storePrefs replaces a client's choices in tx (p already checked).
func storePrefs(ctx context.Context, tx *sql.Tx, clientID int64, p Prefs, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO notify_prefs (client_id, quiet_from, quiet_to, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (client_id) DO UPDATE SET quiet_from = excluded.quiet_from, quiet_to = excluded.quiet_to,
			updated_at = excluded.updated_at`, clientID, p.QuietFrom, p.QuietTo, core.Now(now)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM notify_choices WHERE client_id = ?`, clientID); err != nil {
		return err
	}
	for _, pair := range p.Pairs() {
		t, ch, _ := strings.Cut(pair, ".")
		if _, err := tx.ExecContext(ctx, `INSERT INTO notify_choices (client_id, topic, channel) VALUES (?, ?, ?)`, clientID, t, ch); err != nil {
			return err
		}
	}
	return nil
}

// SavePrefs is the one service function behind the subscriber page and the client
// card (the API's notify.preferences.set runs SavePrefsTx in its call's transaction):
// it checks p, stores it and audits who changed it from where. The client must exist
// (core.ErrNotFound); a refusal is a *core.FieldError and changes nothing.
func SavePrefs(ctx context.Context, db *db.DB, clientID int64, p Prefs, actor, ip string, now time.Time) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if err := SavePrefsTx(ctx, tx, clientID, &p, now); err != nil {
			return err
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "notifications.preferences", ClientID: clientID,
			Detail: p.Summary(), IP: ip})
	})
}

// SavePrefsTx checks p (normalising its quiet hours) and stores it in tx.
func SavePrefsTx(ctx context.Context, tx *sql.Tx, clientID int64, p *Prefs, now time.Time) error {
	if err := p.Check(); err != nil {
		return err
	}
	if _, err := core.ClientByID(ctx, tx, clientID); err != nil {
		return err
	}
	return storePrefs(ctx, tx, clientID, *p, now)
}

// Summary is the audit detail of a change.
func (p Prefs) Summary() string {
	return fmt.Sprintf("quiet %s-%s on: %s", p.QuietFrom, p.QuietTo, strings.Join(p.Pairs(), " "))
}
