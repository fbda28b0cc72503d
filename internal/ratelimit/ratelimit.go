// Package ratelimit chooses where the portal's rate limits count: in each instance's
// memory (the default, for a single instance) or, with --redis, in Redis, shared by
// every instance behind one proxy, so that an address gets one budget whichever
// instance answers it.
//
// Redis down never means "no limit": while Redis does not answer, every limit counts
// in the instance's memory (a per-instance budget), with one warning per outage in
// the log, and Redis is tried again every RetryEvery; once it answers, the shared
// counts are used again.
package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/ulule/limiter/v3"
	"github.com/ulule/limiter/v3/drivers/store/memory"
	redisstore "github.com/ulule/limiter/v3/drivers/store/redis"
)

// RetryEvery is how long limits stay in memory after Redis failed before Redis is
// tried again; meanwhile no request waits for an unreachable server.
const RetryEvery = 2 * time.Second

// timeout bounds one Redis round trip: a limit check must not hold a request long.
const timeout = 300 * time.Millisecond

// Stores makes the limit stores of one instance.
type Stores struct {
	client *redis.Client // nil: memory only
	log    *slog.Logger

	mu      sync.Mutex
	down    bool      // in an outage, warned
	retryAt time.Time // Redis is skipped until then
}

// New returns the stores: shared through Redis at url ("redis://[:password@]host:port[/db]"),
// or in memory when url is "". A malformed url is an error; an unreachable server is
// not (the limits fall back to memory until it answers).
func New(url string, log *slog.Logger) (*Stores, error) {
	s := &Stores{log: log}
	if url == "" {
		return s, nil
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis address: %w", err)
	}
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout, opt.PoolTimeout = timeout, timeout, timeout, timeout
	opt.MaxRetries = -1 // a failed check falls back at once; RetryEvery paces the next try
	quietOnce.Do(func() { redis.SetLogger(quiet{}) })
	s.client = redis.NewClient(opt)
	return s, nil
}

// quiet drops go-redis's own log lines (one per failed dial): the outage is logged
// once, by failed.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

var quietOnce sync.Once

// Shared reports whether the limits are meant to be shared through Redis.
func (s *Stores) Shared() bool { return s != nil && s.client != nil }

// Close closes the Redis connections.
func (s *Stores) Close() error {
	if s.Shared() {
		return s.client.Close()
	}
	return nil
}

// Store returns the store of the limits named prefix (one key space per prefix).
func (s *Stores) Store(prefix string) limiter.Store {
	mem := memory.NewStoreWithOptions(limiter.StoreOptions{Prefix: prefix, CleanUpInterval: time.Minute})
	if !s.Shared() {
		return mem
	}
	return &store{s: s, prefix: prefix, mem: mem}
}

// skip reports whether Redis is to be skipped now (it failed less than RetryEvery ago).
func (s *Stores) skip() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.down && time.Now().Before(s.retryAt)
}

func (s *Stores) failed(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.down {
		s.down = true
		s.log.Warn("rate limits: Redis does not answer; each instance limits on its own until it is back", "err", err)
	}
	s.retryAt = time.Now().Add(RetryEvery)
}

func (s *Stores) answered() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		s.down = false
		s.log.Info("rate limits: Redis answers again; limits are shared between instances")
	}
}

// store counts in Redis, or in mem while Redis does not answer.
type store struct {
	s      *Stores
	prefix string
	mem    limiter.Store

	mu  sync.Mutex
	red limiter.Store // nil until its scripts are loaded
}

func (st *store) redis(ctx context.Context) (limiter.Store, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.red != nil {
		return st.red, nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// NewStoreWithOptions loads its scripts with a background context: check first, so
	// that an unreachable server fails within the timeout.
	if err := st.s.client.Ping(ctx).Err(); err != nil {
		return nil, err
	}
	red, err := redisstore.NewStoreWithOptions(st.s.client, limiter.StoreOptions{Prefix: "portal:" + st.prefix})
	if err != nil {
		return nil, err
	}
	st.red = red
	return red, nil
}

// do runs op on Redis, or on the memory store when Redis is down.
func (st *store) do(ctx context.Context, op func(limiter.Store) (limiter.Context, error)) (limiter.Context, error) {
	if st.s.skip() {
		return op(st.mem)
	}
	red, err := st.redis(ctx)
	if err == nil {
		var res limiter.Context
		if res, err = op(red); err == nil {
			st.s.answered()
			return res, nil
		}
	}
	if ctx.Err() != nil {
		return limiter.Context{}, ctx.Err()
	}
	st.s.failed(err)
	return op(st.mem)
}

func (st *store) Get(ctx context.Context, key string, rate limiter.Rate) (limiter.Context, error) {
	return st.do(ctx, func(s limiter.Store) (limiter.Context, error) { return s.Get(ctx, key, rate) })
}

func (st *store) Peek(ctx context.Context, key string, rate limiter.Rate) (limiter.Context, error) {
	return st.do(ctx, func(s limiter.Store) (limiter.Context, error) { return s.Peek(ctx, key, rate) })
}

func (st *store) Reset(ctx context.Context, key string, rate limiter.Rate) (limiter.Context, error) {
	return st.do(ctx, func(s limiter.Store) (limiter.Context, error) { return s.Reset(ctx, key, rate) })
}

func (st *store) Increment(ctx context.Context, key string, count int64, rate limiter.Rate) (limiter.Context, error) {
	return st.do(ctx, func(s limiter.Store) (limiter.Context, error) { return s.Increment(ctx, key, count, rate) })
}
