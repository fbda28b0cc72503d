package gdpr

import (
	"context"
	"database/sql"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// consentsHook lets the self sign-up offer a new account the consents its template
// customer has given, and record them, without reading the consent tables itself.
func consentsHook() app.Consents {
	return app.Consents{Given: givenConsents, Give: giveConsent}
}

// givenConsents lists the active documents the client's latest action left given.
func givenConsents(ctx context.Context, q core.Querier, clientID int64) ([]app.ConsentGiven, error) {
	states, err := ConsentState(ctx, q, clientID)
	if err != nil {
		return nil, err
	}
	out := []app.ConsentGiven{}
	for _, st := range states {
		if st.Status != StatusGiven || !st.Document.Active {
			continue
		}
		out = append(out, app.ConsentGiven{DocumentID: st.Document.ID, Version: st.Document.Version, Title: st.Document.Title,
			Text: st.Document.SafeText(), Purposes: st.Purposes})
	}
	return out, nil
}

// giveConsent records a first consent of the client to doc with the purposes named.
func giveConsent(ctx context.Context, tx *sql.Tx, clientID int64, doc app.ConsentGiven, ip, ua string, now time.Time) error {
	d, err := DocumentByID(ctx, tx, doc.DocumentID)
	if err != nil {
		return err
	}
	if d.Version != doc.Version || !d.Active {
		return core.ErrNotFound
	}
	names := map[string]bool{}
	for _, n := range doc.Purposes {
		names[n] = true
	}
	a := Action{ClientID: clientID, DocumentID: d.ID, Kind: "give", Version: d.Version, IP: ip, UserAgent: ua}
	for _, p := range d.Purposes {
		if names[p.Name] {
			a.PurposeIDs = append(a.PurposeIDs, p.ID)
		}
	}
	_, err = RecordConsent(ctx, tx, a, now)
	return err
}
