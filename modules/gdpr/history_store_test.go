package gdpr

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
)

func TestHistoryIsAppendOnly(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.env.Tx(func(tx *sql.Tx) error {
		_, err := RecordConsent(ctx, tx, Action{ClientID: f.a, DocumentID: f.plain.ID, Kind: "give", Version: 1, Seq: 0}, f.env.Clock.Now())
		return err
	})
	w := f.env.Deps.DB.W
	refused := []struct{ name, sql string }{
		{"update action", `UPDATE consent_history SET action = 'withdrawn'`},
		{"update time", `UPDATE consent_history SET at = '2000-01-01T00:00:00Z'`},
		{"delete", `DELETE FROM consent_history`},
		{"insert out of order", `INSERT INTO consent_history (client_id, document_id, seq, version, action, at)
			VALUES (` + itoa(f.a) + `, ` + itoa(f.plain.ID) + `, 5, 1, 'withdrawn', '2026-11-02T10:00:00Z')`},
		{"insert duplicate seq", `INSERT INTO consent_history (client_id, document_id, seq, version, action, at)
			VALUES (` + itoa(f.a) + `, ` + itoa(f.plain.ID) + `, 1, 1, 'withdrawn', '2026-11-02T10:00:00Z')`},
		{"rewrite a consented text", `UPDATE consent_versions SET text = 'other'`},
		{"delete a consented text", `DELETE FROM consent_versions`},
		{"delete a document with history", `DELETE FROM consent_documents WHERE id = ` + itoa(f.plain.ID)},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			if _, err := w.Exec(c.sql); err == nil {
				t.Fatalf("%s was allowed", c.sql)
			}
		})
	}
	if h := history(t, f.env, f.a, 0); len(h) != 1 || h[0].Action != "given" || h[0].At.IsZero() {
		t.Fatalf("history changed: %+v", h)
	}
	// Erasing the client record is the one way history goes: with the client.
	if _, err := w.Exec(`DELETE FROM clients WHERE id = ?`, f.a); err != nil {
		t.Fatal(err)
	}
	if h := history(t, f.env, f.a, 0); len(h) != 0 {
		t.Fatalf("history of an erased client: %+v", h)
	}
}

func TestRecordConsentRules(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := func(name string) int64 {
		for _, p := range f.mk.Purposes {
			if p.Name == name {
				return p.ID
			}
		}
		return 0
	}
	steps := []struct {
		kind     string
		seq      int
		purposes []int64
		err      error
	}{
		{"withdraw", 0, nil, ErrNotAllowed},
		{"change", 0, []int64{id("SMS")}, ErrNotAllowed},
		{"give", 0, nil, ErrNoPurpose},
		{"give", 0, []int64{f.plain.ID + 1000}, ErrUnknownPurpose},
		{"give", 0, []int64{id("Phone"), id("E-mail"), id("E-mail")}, nil},
		{"give", 1, []int64{id("SMS")}, ErrNotAllowed},
		{"change", 1, []int64{id("E-mail"), id("Phone")}, ErrUnchanged},
		{"change", 0, []int64{id("SMS")}, ErrStale},
		{"change", 1, []int64{id("SMS")}, nil},
		{"withdraw", 2, nil, nil},
		{"withdraw", 3, nil, ErrNotAllowed},
	}
	for i, s := range steps {
		err := f.env.Deps.DB.Tx(ctx, func(tx *sql.Tx) error {
			_, err := RecordConsent(ctx, tx, Action{ClientID: f.a, DocumentID: f.mk.ID, Kind: s.kind, Version: 1, Seq: s.seq,
				PurposeIDs: s.purposes}, f.env.Clock.Now())
			return err
		})
		if !errors.Is(err, s.err) {
			t.Fatalf("step %d %s: err %v, want %v", i, s.kind, err, s.err)
		}
	}
	h := history(t, f.env, f.a, f.mk.ID)
	got := []string{}
	for _, e := range h {
		got = append(got, e.Action+":"+strings.Join(e.Purposes, "+"))
	}
	// Purposes are stored by name in the document's order, without duplicates.
	if strings.Join(got, " ") != "given:E-mail+Phone changed:SMS withdrawn:" {
		t.Fatalf("history %v", got)
	}
	st, err := ConsentStateFor(ctx, f.env.Deps.DB.R, f.a, f.mk.ID)
	if err != nil || st.Status != StatusWithdrawn || st.Seq != 3 {
		t.Fatalf("state %+v %v", st, err)
	}
	all, _ := ConsentState(ctx, f.env.Deps.DB.R, f.a)
	if len(all) != 2 || all[1].Status != StatusNone {
		t.Fatalf("states %+v", all)
	}
}
