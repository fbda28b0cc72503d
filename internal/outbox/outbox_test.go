package outbox

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour, time.Hour}
	var total time.Duration
	for i, w := range want {
		if got := Backoff(i + 1); got != w {
			t.Errorf("Backoff(%d) = %s, want %s", i+1, got, w)
		}
		if i+1 < MaxAttempts {
			total += Backoff(i + 1)
		}
	}
	// The waits between the first and the last attempt: a row is given up about three
	// hours after its first try.
	if total != 3*time.Hour+3*time.Minute+30*time.Second {
		t.Errorf("first to last attempt = %s", total)
	}
}

// loopRig runs a Loop whose rounds announce themselves on entered and wait for an
// answer on answer, so the test decides what each round reports and when.
type loopRig struct {
	loop    *Loop
	entered chan int
	answer  chan result
	stopped chan struct{}
	cancel  context.CancelFunc
	logs    *bytes.Buffer // read only after stopped
}

type result struct {
	n   int
	err error
}

func startLoop(t *testing.T, poll time.Duration) *loopRig {
	t.Helper()
	r := &loopRig{entered: make(chan int), answer: make(chan result), stopped: make(chan struct{}), logs: &bytes.Buffer{}}
	calls := 0
	r.loop = New("test.Run", slog.New(slog.NewTextHandler(r.logs, nil)), func(ctx context.Context) (int, error) {
		calls++
		select {
		case r.entered <- calls:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		select {
		case a := <-r.answer:
			return a.n, a.err
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go func() { r.loop.Run(ctx, poll); close(r.stopped) }()
	t.Cleanup(r.stop)
	return r
}

// round waits for round number want to start and lets it report res.
func (r *loopRig) round(t *testing.T, want int, res result) {
	t.Helper()
	select {
	case got := <-r.entered:
		if got != want {
			t.Fatalf("round %d started, want %d", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("round %d did not start", want)
	}
	r.answer <- res
}

// idle checks that no round starts for a while.
func (r *loopRig) idle(t *testing.T) {
	t.Helper()
	select {
	case n := <-r.entered:
		t.Fatalf("round %d started unasked", n)
	case <-time.After(50 * time.Millisecond):
	}
}

func (r *loopRig) stop() {
	r.cancel()
	<-r.stopped
}

func TestLoopRunsAtStartAndOnKick(t *testing.T) {
	r := startLoop(t, time.Hour)
	r.round(t, 1, result{})
	r.idle(t)
	r.loop.Kick()
	r.round(t, 2, result{n: 3})
	r.idle(t)
}

// Kicks while a round runs never block the caller and merge into one more round.
func TestLoopKicksMerge(t *testing.T) {
	r := startLoop(t, time.Hour)
	select {
	case <-r.entered:
	case <-time.After(5 * time.Second):
		t.Fatal("first round did not start")
	}
	for i := 0; i < 5; i++ {
		r.loop.Kick()
	}
	r.answer <- result{}
	r.round(t, 2, result{})
	r.idle(t)
}

func TestLoopFullBatchGoesOnAtOnce(t *testing.T) {
	r := startLoop(t, time.Hour)
	r.round(t, 1, result{n: BatchSize})
	r.round(t, 2, result{n: BatchSize})
	r.round(t, 3, result{n: BatchSize - 1})
	r.idle(t)
}

// A failed round is logged and waits for the next kick or poll, even after a full
// batch.
func TestLoopFailedRoundWaits(t *testing.T) {
	r := startLoop(t, time.Hour)
	r.round(t, 1, result{n: BatchSize, err: errors.New("database is locked")})
	r.idle(t)
	r.loop.Kick()
	r.round(t, 2, result{})
	r.stop()
	if got := r.logs.String(); strings.Count(got, "test.Run: round failed") != 1 || !strings.Contains(got, "database is locked") {
		t.Fatalf("log = %q", got)
	}
}

func TestLoopPolls(t *testing.T) {
	r := startLoop(t, 10*time.Millisecond)
	for i := 1; i <= 3; i++ {
		r.round(t, i, result{})
	}
}

// Cancelling ctx ends Run, also in the middle of a round, and the round's error from
// the cancellation is no failure worth a log line.
func TestLoopStops(t *testing.T) {
	r := startLoop(t, time.Hour)
	r.round(t, 1, result{})
	r.loop.Kick()
	select {
	case <-r.entered:
	case <-time.After(5 * time.Second):
		t.Fatal("second round did not start")
	}
	r.cancel()
	select {
	case <-r.stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
	if r.logs.Len() != 0 {
		t.Fatalf("logged on shutdown: %s", r.logs)
	}
}
