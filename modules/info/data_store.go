package info

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// FieldChange is one changed field of a client's contact data.
type FieldChange struct {
	Field    string
	Old, New string
}

// DataChange is one row of the change history.
type DataChange struct {
	ID       int64
	ClientID int64
	FieldChange
	Actor string
	IP    string
	At    time.Time
}

// ChangeContactData applies d to the client in the caller's transaction: only the
// fields a client may change (company fields only for businesses), each change kept in
// info_data_changes with its old value and an audit-log entry naming the fields. It
// returns the changes; none means nothing was written. d must be validated.
func ChangeContactData(ctx context.Context, tx *sql.Tx, clientID int64, d ContactData, actor, ip string, now time.Time) ([]FieldChange, error) {
	cl, err := core.ClientByID(ctx, tx, clientID)
	if err != nil {
		return nil, err
	}
	cur := clientPtrs(&cl)
	next := d.fieldPtrs()
	var changes []FieldChange
	for _, name := range dataFields {
		if businessFields[name] && !cl.IsBusiness {
			continue
		}
		if *cur[name] == *next[name] {
			continue
		}
		changes = append(changes, FieldChange{Field: name, Old: *cur[name], New: *next[name]})
		*cur[name] = *next[name]
	}
	if len(changes) == 0 {
		return nil, nil
	}
	at := core.Now(now)
	if _, err := core.SaveClient(ctx, tx, cl, at); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(changes))
	for _, ch := range changes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO info_data_changes (client_id, field, old_value, new_value, actor, ip, at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, clientID, ch.Field, ch.Old, ch.New, actor, ip, at); err != nil {
			return nil, err
		}
		names = append(names, ch.Field)
	}
	err = core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "client.data_change", ClientID: clientID,
		Detail: "fields: " + strings.Join(names, ", "), IP: ip})
	return changes, err
}
