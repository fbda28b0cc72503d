package core_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/internal/testkit"
)

// TestSearchClientsIndexed: on SQLite the staff's client search looks a text of three
// characters or more up in the trigram index (migration 0010) and finds exactly what
// walking every client with LIKE finds, whatever writes the clients went through; a
// text more than the trigram limit (2,000) of clients contain, or a shorter one, is walked.
func TestSearchClientsIndexed(t *testing.T) {
	dbtest.SkipSQLiteOnly(t, "the trigram index is SQLite's (FTS5); PostgreSQL searches with LIKE alone")
	env := testkit.New(t)
	ctx := context.Background()
	q := env.Deps.DB.R
	save := func(c core.Client) int64 {
		t.Helper()
		var id int64
		env.Tx(func(tx *sql.Tx) error {
			var err error
			id, err = core.SaveClient(ctx, tx, c, core.Now(env.Clock.Now()))
			return err
		})
		return id
	}
	jana := save(core.Client{Number: "7001", Username: "jana", Name: "Jana Nováková", Email: "jana@example.net",
		Phone: "+420 601 111 222", Active: true})
	save(core.Client{Number: "7002", Name: "Petr Novák", Email: "petr@example.org", Mobile: "+420 777 000 111",
		IsBusiness: true, Company: `Novák "& syn" 100% s.r.o.`, Active: true})
	save(core.Client{Number: "7003", Name: "ÁBEL ŘÍHA", Email: "abel_riha@example.net", Active: true})
	gone := save(core.Client{Number: "7004", Name: "Zdeněk Smazaný", Email: "zdenek@example.net", Active: true})
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM clients WHERE id = ?`, gone)
		return err
	})
	// A change of name, e-mail and username through SaveClient and one through plain
	// SQL (the way the login's username step writes it).
	c, err := core.ClientByID(ctx, q, jana)
	if err != nil {
		t.Fatal(err)
	}
	c.Name, c.Email = "Jana Dvořáková", "jana.dvorakova@example.net"
	save(c)
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE clients SET username = 'janad' WHERE id = ?`, jana)
		return err
	})

	search := func(text string, indexed bool) []string {
		t.Helper()
		list, err := core.SearchClients(ctx, q, core.ClientFilter{Query: text, Limit: 500, Indexed: indexed})
		if err != nil {
			t.Fatalf("SearchClients(%q): %v", text, err)
		}
		var out []string
		for _, c := range list {
			out = append(out, c.Number)
		}
		return out
	}
	cases := map[string][]string{
		"dvořák":       {"7001"},
		"DVOŘÁK":       nil, // LIKE folds ASCII only; the index's few more are checked with it
		"JANA.DVO":     {"7001"},
		"nováková":     nil, // the old name is gone from the index
		"janad":        {"7001"},
		"smazan":       nil, // deleted
		"novák":        {"7002"},
		"example.n":    {"7001", "7003"},
		"example.":     {"7001", "7002", "7003"},
		`"& syn"`:      {"7002"},
		"100%":         {"7002"},
		"l_r":          {"7003"},
		"ŘÍHA":         {"7003"},
		"601 111":      {"7001"},
		"+420":         {"7001", "7002"},
		"70":           {"7001", "7002", "7003"}, // two characters: walked
		"7002":         {"7002"},
		"nic takového": nil,
	}
	for text, want := range cases {
		got, walked := search(text, true), search(text, false)
		if !slices.Equal(got, want) || !slices.Equal(walked, want) {
			t.Errorf("search %q: indexed %v, walked %v, want %v", text, got, walked, want)
		}
	}
	integrity := func() {
		t.Helper()
		if _, err := env.Deps.DB.W.ExecContext(ctx, `INSERT INTO clients_search (clients_search, rank) VALUES ('integrity-check', 1)`); err != nil {
			t.Fatalf("the index does not match the clients: %v", err)
		}
	}
	integrity()

	// The index is really asked: a client it has forgotten is not found by a text of
	// three characters, but still by the walk.
	c, _ = core.ClientByID(ctx, q, jana)
	if _, err := env.Deps.DB.W.ExecContext(ctx, `INSERT INTO clients_search (clients_search, rowid, number, username, name, email, phone, mobile, company)
		VALUES ('delete', ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.Number, c.Username, c.Name, c.Email, c.Phone, c.Mobile, c.Company); err != nil {
		t.Fatal(err)
	}
	if got, walked := search("dvořák", true), search("dvořák", false); got != nil || !slices.Equal(walked, []string{"7001"}) {
		t.Errorf("with the entry removed: indexed %v (want none), walked %v", got, walked)
	}
	if _, err := env.Deps.DB.W.ExecContext(ctx, `INSERT INTO clients_search (clients_search) VALUES ('rebuild')`); err != nil {
		t.Fatal(err)
	}

	// More clients contain "example" than the index may name: the search walks, and
	// pages the same way either path.
	env.Tx(func(tx *sql.Tx) error {
		for i := range 2100 {
			if _, err := core.SaveClient(ctx, tx, core.Client{Number: fmt.Sprintf("8%04d", i), Name: "Hromadný",
				Email: fmt.Sprintf("h%d@example.com", i), Active: true}, core.Now(env.Clock.Now())); err != nil {
				return err
			}
		}
		return nil
	})
	integrity()
	for _, page := range []core.ClientFilter{{Query: "example", Limit: 50}, {Query: "example", Limit: 50, Offset: 2050}, {Query: "hromadn", Limit: 7, Offset: 3}} {
		a, errA := core.SearchClients(ctx, q, core.ClientFilter{Query: page.Query, Limit: page.Limit, Offset: page.Offset, Indexed: true})
		b, errB := core.SearchClients(ctx, q, core.ClientFilter{Query: page.Query, Limit: page.Limit, Offset: page.Offset})
		if errA != nil || errB != nil || len(a) == 0 || !slices.EqualFunc(a, b, func(x, y core.Client) bool { return x.ID == y.ID }) {
			t.Errorf("%+v: indexed %d (%v), walked %d (%v)", page, len(a), errA, len(b), errB)
		}
	}
}
