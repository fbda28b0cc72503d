package ratelimit_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ulule/limiter/v3"

	"github.com/ispportal/portal/internal/ratelimit"
	"github.com/ispportal/portal/internal/redistest"
)

// syncBuffer is a log both instances write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var rate = limiter.Rate{Period: time.Minute, Limit: 5}

// instance is one portal instance's limit of rate.
func instance(t *testing.T, url string, log *syncBuffer) *limiter.Limiter {
	t.Helper()
	s, err := ratelimit.New(url, slog.New(slog.NewTextHandler(log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return limiter.New(s.Store("login"), rate)
}

// take spends n requests of key on l and reports how many were allowed.
func take(t *testing.T, l *limiter.Limiter, key string, n int) int {
	t.Helper()
	allowed := 0
	for range n {
		res, err := l.Get(context.Background(), key)
		if err != nil {
			t.Fatalf("limit check failed: %v", err)
		}
		if !res.Reached {
			allowed++
		}
	}
	return allowed
}

// Two instances on one Redis share one budget; when Redis dies each instance limits
// on its own (never without limit), with one warning; when Redis is back the budget
// is shared again.
func TestSharedThenFallbackThenShared(t *testing.T) {
	srv := redistest.Start(t)
	var log syncBuffer
	a, b := instance(t, srv.URL(), &log), instance(t, srv.URL(), &log)

	if n := take(t, a, "ip1", 3); n != 3 {
		t.Fatalf("A allowed %d of 3", n)
	}
	if n := take(t, b, "ip1", 5); n != 2 {
		t.Fatalf("B allowed %d more after A spent 3 of 5, want 2 (shared)", n)
	}
	if n := take(t, a, "ip2", 5); n != 5 {
		t.Fatalf("another address allowed %d of 5", n)
	}

	srv.Stop()
	if n := take(t, a, "ip3", 8); n != 5 {
		t.Fatalf("Redis down: A allowed %d of 8, want 5 (its own limit)", n)
	}
	if n := take(t, b, "ip3", 8); n != 5 {
		t.Fatalf("Redis down: B allowed %d of 8, want 5 (its own limit)", n)
	}
	if got := strings.Count(log.String(), "Redis does not answer"); got != 2 {
		t.Fatalf("%d outage warnings for two instances, want one each:\n%s", got, log.String())
	}

	srv.Start()
	time.Sleep(ratelimit.RetryEvery + 100*time.Millisecond)
	if n := take(t, a, "ip4", 3); n != 3 {
		t.Fatalf("Redis back: A allowed %d of 3", n)
	}
	if n := take(t, b, "ip4", 5); n != 2 {
		t.Fatalf("Redis back: B allowed %d more after A spent 3 of 5, want 2 (shared again)", n)
	}
	if got := strings.Count(log.String(), "Redis answers again"); got != 2 {
		t.Fatalf("%d recovery notes, want one per instance:\n%s", got, log.String())
	}
}

// Without --redis the limits count in memory; a malformed address is refused at boot.
func TestMemoryAndBadURL(t *testing.T) {
	var log syncBuffer
	a, b := instance(t, "", &log), instance(t, "", &log)
	if take(t, a, "ip", 6) != 5 || take(t, b, "ip", 6) != 5 {
		t.Fatal("memory limits wrong")
	}
	if _, err := ratelimit.New("http://example.net", slog.Default()); err == nil {
		t.Fatal("a non-Redis URL accepted")
	}
}
