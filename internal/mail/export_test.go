package mail

import "context"

// The worker tests deliver to mailtest's SMTP server, and mailtest imports this
// package, so they are external tests (package mail_test). These names hand them
// the shared helpers of helpers_test.go.
var (
	NewTestDB        = newTestDB
	EnqueueCommitted = enqueue
	SampleMessage    = sampleMessage
	NewFakeClock     = newFakeClock
	TestLogger       = testLogger
	MustGet          = mustGet
)

// Claim marks the next due row as sending without delivering it, as a process
// that crashes right after claiming would leave it.
func (w *Worker) Claim(ctx context.Context, host string) (bool, error) {
	_, ok, err := w.claim(ctx, host)
	return ok, err
}
