package db

// SkipLocked is the locking clause a queue's claim adds to the SELECT of its next row:
// on PostgreSQL " FOR UPDATE SKIP LOCKED", so that a claim never picks a row another
// transaction is claiming (its write transactions are serialized by the write lock
// too, see openPostgres, so this is a second guard, kept for the day claims leave
// that lock); on SQLite nothing, since its write transactions already run one at a
// time.
func (d *DB) SkipLocked() string {
	if d.Dialect == Postgres {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}
