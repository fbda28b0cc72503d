// Package outbox holds what the portal's delivery queues (mail in internal/mail, SMS in
// modules/sms) share: the retry schedule and the loop that wakes a queue's worker.
//
// Each queue keeps its own table and send: a row is claimed ("sending", with the
// worker's claimant and the time) in one transaction through Queue.Claim, sent, then
// marked sent or failed in another, at most BatchSize rows a round. Several workers,
// in one instance or several on one database, may drain one queue: each row goes to
// exactly one, and a row whose claim is older than Lease (its worker died) is taken
// over (Queue.TakeOver). Loop only decides when the next round runs.
package outbox

import (
	"context"
	"log/slog"
	"time"
)

// Retry schedule: 30 s after the first failure, doubling up to 1 h; the MaxAttempts-th
// failure gives the row up, about 3 hours after its first attempt.
const (
	MaxAttempts  = 10
	firstBackoff = 30 * time.Second
	maxBackoff   = time.Hour
)

// BatchSize bounds one round, so that the worker checks ctx and reads its
// configuration again between batches.
const BatchSize = 100

// Backoff returns the wait after the n-th failed attempt (n ≥ 1).
func Backoff(n int) time.Duration {
	d := firstBackoff
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// Round delivers one batch of due rows and reports how many it handled (sent or
// failed). A round that handled BatchSize probably left more work.
type Round func(ctx context.Context) (handled int, err error)

// Loop runs a worker's rounds: again at once after a full batch, else when kicked
// (after a transaction that queued a row committed) or every poll interval, whichever
// comes first. Rounds never overlap, since one goroutine runs them all.
type Loop struct {
	name  string
	log   *slog.Logger
	round Round
	kick  chan struct{}
}

// New returns a loop of round. name prefixes the log line of a failed round
// ("mail.Worker.Run").
func New(name string, log *slog.Logger, round Round) *Loop {
	return &Loop{name: name, log: log, round: round, kick: make(chan struct{}, 1)}
}

// Kick wakes Run now. It never blocks: kicks while a round runs merge into one more
// round after it.
func (l *Loop) Kick() {
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// Run runs rounds until ctx is done, the first at once. A failed round is logged and
// retried at the next kick or poll, not at once: the cause (a database or server
// down) rarely passes in a moment.
func (l *Loop) Run(ctx context.Context, poll time.Duration) {
	for {
		n, err := l.round(ctx)
		if err != nil && ctx.Err() == nil {
			l.log.Error(l.name+": round failed", "err", err)
		}
		if ctx.Err() != nil {
			return
		}
		if err == nil && n >= BatchSize {
			continue
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-l.kick:
		case <-t.C:
		}
		t.Stop()
	}
}
