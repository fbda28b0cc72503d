package outbox

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
)

// Lease is how long a claim holds. A row claimed longer ago is the leftover of a
// worker that died (its instance crashed or was killed mid-send) and any worker takes
// it over. One send is bounded far below it (SMTP and provider timeouts of seconds), so
// a live worker's claim never expires under it.
const Lease = 5 * time.Minute

// NewClaimant returns a name for one worker's claims: host, process and a random
// part, so that two instances, or two workers of one process, never share one.
func NewClaimant() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Queue describes a table worked as a queue by one or more workers, possibly in
// several instances on one database. The table has the columns id, claimed_by and
// claimed_at besides its own.
type Queue struct {
	Table string // "mail_outbox"
	State string // the status column ("status")
	// Claimed is the state of a claimed row ("sending").
	Claimed string
	// Due selects the rows waiting for a worker, with ? arguments given to Claim
	// ("status = 'queued' AND next_attempt_at <= ?").
	Due string
	// Order is the order rows are taken in ("next_attempt_at, id").
	Order string
	// OnClaim is more of the SET list written when a row is claimed
	// ("attempts = attempts + 1"), or "".
	OnClaim string
}

func (q Queue) set() string {
	s := q.State + " = '" + q.Claimed + "', claimed_by = ?, claimed_at = ?"
	if q.OnClaim != "" {
		s += ", " + q.OnClaim
	}
	return s
}

// Claim marks the next due row claimed by claimant at now, in tx, and returns its id;
// ok is false when no row is due. Exactly one worker gets a row: on SQLite the write
// transactions are serialised, on PostgreSQL the row is locked by the claim and
// skipped by concurrent ones (d.SkipLocked).
func (q Queue) Claim(ctx context.Context, d *db.DB, tx *sql.Tx, claimant string, now time.Time, dueArgs ...any) (id int64, ok bool, err error) {
	args := append([]any{claimant, core.Now(now)}, dueArgs...)
	err = tx.QueryRowContext(ctx, `UPDATE `+q.Table+` SET `+q.set()+`
		WHERE id = (SELECT id FROM `+q.Table+` WHERE `+q.Due+` ORDER BY `+q.Order+` LIMIT 1`+d.SkipLocked()+`)
		RETURNING id`, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// ClaimRow claims the row id if it is still due, for a worker that chose its row by
// other means; ok is false when another worker had it or it is no longer due.
func (q Queue) ClaimRow(ctx context.Context, tx *sql.Tx, id int64, claimant string, now time.Time, dueArgs ...any) (bool, error) {
	args := append([]any{claimant, core.Now(now), id}, dueArgs...)
	res, err := tx.ExecContext(ctx, `UPDATE `+q.Table+` SET `+q.set()+` WHERE id = ? AND `+q.Due, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// TakeOver applies set (an SQL SET list, with its ? arguments first in args) to the
// claimed rows whose lease expired at now, and to those claimed without a claimant
// (by a version before claimants, which took over everything at its start), and
// forgets their claimant. It reports how many it took.
func (q Queue) TakeOver(ctx context.Context, tx *sql.Tx, now time.Time, set string, args ...any) (int64, error) {
	args = append(args, core.Now(now.Add(-Lease)))
	res, err := tx.ExecContext(ctx, `UPDATE `+q.Table+` SET `+set+`, claimed_by = NULL
		WHERE `+q.State+` = '`+q.Claimed+`' AND (claimed_by IS NULL OR claimed_at IS NULL OR claimed_at < ?)`, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Release puts a row this claimant holds back to state without counting an attempt
// (a worker shutting down mid-send).
func (q Queue) Release(ctx context.Context, tx *sql.Tx, id int64, claimant, state string) error {
	_, err := tx.ExecContext(ctx, `UPDATE `+q.Table+` SET `+q.State+` = ?, claimed_by = NULL
		WHERE id = ? AND `+q.State+` = '`+q.Claimed+`' AND claimed_by = ?`, state, id, claimant)
	return err
}
