package gdpr

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

const demoMarketing = `<p>We would like to tell you about new tariffs, discounts and events of NetWave.</p>
<p>Choose how we may contact you. You can change or withdraw your consent here at any time.</p>`

const demoProcessingV1 = `<p>To improve our network and services we would like to process data about how you use them
(traffic volumes, outages reported) and ask for your opinion in short surveys.</p>`

const demoProcessingV2 = `<p>To improve our network and services we would like to process data about how you use them
(traffic volumes, outages reported, <strong>Wi-Fi signal quality of your router</strong>) and ask for your opinion in
short surveys.</p><p>Data are kept for 24 months and never passed to third parties.</p>`

// seed adds the module's demo data: consents and the own-data history.
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	if err := m.seedConsents(ctx, tx, env); err != nil {
		return err
	}
	return seedPrivacy(ctx, tx, env)
}

// seedPrivacy gives demo client 1001 a past export (expired, its file long gone)
// and a restriction request staff handled, and client 1002 an open erasure request
// for the console's list. It adds nothing once 1001 has an export.
func seedPrivacy(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	cid := env.ClientIDs[app.DemoClientNumber]
	if cid == 0 {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM gdpr_exports WHERE client_id = ?`, cid).Scan(&n); err != nil || n > 0 {
		return err
	}
	at := func(days int) string { return core.Now(env.Now.AddDate(0, 0, -days)) }
	if _, err := tx.ExecContext(ctx, `INSERT INTO gdpr_exports (client_id, state, lang, requested_by, requested_at, ready_at, expires_at)
		VALUES (?, 'expired', 'en', 'client:1001', ?, ?, ?)`, cid, at(40), at(40), at(33)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gdpr_requests (client_id, kind, note, state, created_at, updated_at, handled_by, reply)
		VALUES (?, 'restriction', 'Please do not use my data for surveys.', 'done', ?, ?, 'staff:admin',
		'Done: your data is no longer used for surveys or marketing.')`, cid, at(60), at(55)); err != nil {
		return err
	}
	if other := env.ClientIDs["1002"]; other != 0 {
		_, err := tx.ExecContext(ctx, `INSERT INTO gdpr_requests (client_id, kind, note, created_at, updated_at)
			VALUES (?, 'erasure', 'We are closing the branch office; please erase the contact person''s data.', ?, ?)`, other, at(2), at(2))
		return err
	}
	return nil
}

// seedConsents publishes two consent documents. Demo client 1001 gave the data-processing
// consent (to version 1; version 2 followed, so the portal asks to review) and gave
// then withdrew the marketing consent.
func (m *Module) seedConsents(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	at := func(days int) time.Time { return env.Now.AddDate(0, 0, -days) }
	mk, err := demoDoc(ctx, tx, "demo-consent-marketing", "Marketing communications", demoMarketing,
		[]string{"E-mail", "SMS", "Phone"}, at(200))
	if err != nil {
		return err
	}
	proc, err := demoDoc(ctx, tx, "demo-consent-processing", "Processing of usage data", demoProcessingV1,
		[]string{"Network quality analytics", "Satisfaction surveys"}, at(200))
	if err != nil {
		return err
	}
	cid := env.ClientIDs[app.DemoClientNumber]
	if cid == 0 {
		return nil
	}
	if hist, err := ConsentHistory(ctx, tx, cid, 0); err != nil || len(hist) > 0 {
		return err // already seeded (or a real error)
	}
	steps := []struct {
		doc      Document
		kind     string
		purposes []string
		days     int
	}{
		{mk, "give", []string{"E-mail", "SMS"}, 150},
		{proc, "give", []string{"Network quality analytics"}, 120},
		{mk, "withdraw", nil, 30},
	}
	for _, s := range steps {
		st, err := ConsentStateFor(ctx, tx, cid, s.doc.ID)
		if err != nil {
			return err
		}
		a := Action{ClientID: cid, DocumentID: s.doc.ID, Kind: s.kind, Version: st.Document.Version, Seq: st.Seq,
			UserAgent: "demo data", Actor: "demo"}
		for _, p := range st.Document.Purposes {
			for _, want := range s.purposes {
				if p.Name == want {
					a.PurposeIDs = append(a.PurposeIDs, p.ID)
				}
			}
		}
		if _, err := RecordConsent(ctx, tx, a, at(s.days)); err != nil {
			return err
		}
	}
	_, err = NewVersion(ctx, tx, proc.ID, demoProcessingV2, at(10))
	return err
}

func demoDoc(ctx context.Context, tx *sql.Tx, ext, title, text string, purposes []string, now time.Time) (Document, error) {
	d, err := DocumentByExternalID(ctx, tx, ext)
	if !errors.Is(err, core.ErrNotFound) {
		return d, err
	}
	if _, err := AddDocument(ctx, tx, ext, title, text, purposes, now); err != nil {
		return d, err
	}
	return DocumentByExternalID(ctx, tx, ext)
}
