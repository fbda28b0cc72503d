package core_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
)

// TestSaveClientRefusesTakenLoginNames: SaveClient, which every writer of clients
// uses (API, demo data, contact data changes), refuses a number or username that is
// another client's login name, and names the field.
func TestSaveClientRefusesTakenLoginNames(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	save := func(c core.Client) error {
		return env.Deps.DB.Tx(ctx, func(tx *sql.Tx) error {
			_, err := core.SaveClient(ctx, tx, c, core.Now(env.Clock.Now()))
			return err
		})
	}
	a := env.AddClient("1001", 0)
	if err := save(core.Client{Number: "1002", Username: "novak", Name: "B", Active: true}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		c            core.Client
		field, other string
	}{
		{core.Client{Number: "1003", Username: "1001", Name: "C"}, "username", "number"},
		{core.Client{Number: "1003", Username: "NOVAK", Name: "C"}, "username", "username"},
		{core.Client{Number: "Novak", Name: "C"}, "number", "username"},
		{core.Client{Number: "1001", Name: "C"}, "number", "number"},
		{core.Client{ID: a, Number: "1001", Username: "1002", Name: "A"}, "username", "number"},
	}
	for _, c := range cases {
		err := save(c.c)
		var taken *core.LoginNameTakenError
		if !errors.As(err, &taken) || taken.Field != c.field || taken.Other != c.other {
			t.Errorf("save %+v: %v, want %s taken as a %s", c.c, err, c.field, c.other)
		}
	}
	// One's own number as username, and unrelated changes, are fine.
	if err := save(core.Client{ID: a, Number: "1001", Username: "1001", Name: "A renamed"}); err != nil {
		t.Fatal(err)
	}
	// A clash stored before the check existed does not block the other client's
	// unrelated changes.
	env.AddClient("1005", 0)
	if _, err := env.Deps.DB.W.Exec(`UPDATE clients SET username = '1005' WHERE number = '1002'`); err != nil {
		t.Fatal(err)
	}
	b, err := core.ClientByNumber(ctx, env.Deps.DB.R, "1002")
	if err != nil {
		t.Fatal(err)
	}
	b.Email = "b@example.net"
	if err := save(b); err != nil {
		t.Fatalf("unrelated change refused: %v", err)
	}
}

// TestLookupsOfUnstorableText: a typed name or search that is not valid UTF-8 or holds
// a NUL finds nothing, on both engines (PostgreSQL refuses such a parameter outright),
// while the same lookups of stored text still find, without regard to case where the
// column has it so.
func TestLookupsOfUnstorableText(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	env.Tx(func(tx *sql.Tx) error {
		_, err := core.SaveClient(ctx, tx, core.Client{Number: "7001", Username: "jana", Name: "Jana Nováková",
			Email: "Jana@Example.net", Active: true}, core.Now(env.Clock.Now()))
		return err
	})
	q := env.Deps.DB.R
	for _, bad := range []string{"7001\x00", "\xff\xfe", "ja\x00na", "jana@example.net\x00"} {
		if _, err := core.ClientByNumber(ctx, q, bad); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("ClientByNumber(%q): %v", bad, err)
		}
		if _, err := core.ClientByUsername(ctx, q, bad); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("ClientByUsername(%q): %v", bad, err)
		}
		if _, err := core.StaffByLogin(ctx, q, bad); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("StaffByLogin(%q): %v", bad, err)
		}
		if l, err := core.ClientsByEmail(ctx, q, bad); err != nil || len(l) != 0 {
			t.Errorf("ClientsByEmail(%q): %v %v", bad, l, err)
		}
		for _, indexed := range []bool{false, core.IndexedOn(env.Deps.DB.Dialect)} {
			if l, err := core.SearchClients(ctx, q, core.ClientFilter{Query: bad, Indexed: indexed}); err != nil || len(l) != 0 {
				t.Errorf("SearchClients(%q, indexed %v): %v %v", bad, indexed, l, err)
			}
		}
	}
	if c, err := core.ClientByUsername(ctx, q, "JANA"); err != nil || c.Number != "7001" {
		t.Errorf("ClientByUsername(JANA): %+v %v", c, err)
	}
	if l, err := core.ClientsByEmail(ctx, q, "jana@EXAMPLE.net"); err != nil || len(l) != 1 {
		t.Errorf("ClientsByEmail: %v %v", l, err)
	}
	if l, err := core.SearchClients(ctx, q, core.ClientFilter{Query: "JANA NOV"}); err != nil || len(l) != 1 {
		t.Errorf("SearchClients(JANA NOV): %v %v", l, err)
	}
}

// TestSearchClientsQuotesAndWildcards: the staff's search finds text with quotes,
// backslashes and LIKE's wildcards as itself and nothing else, on both engines
// (PostgreSQL gets this query with its values quoted into the text, db.PlanEach).
func TestSearchClientsQuotesAndWildcards(t *testing.T) {
	env := testkit.New(t)
	ctx := context.Background()
	env.Tx(func(tx *sql.Tx) error {
		for _, c := range []core.Client{
			{Number: "7001", Name: `O'Brien \ 100% _x`, Active: true},
			{Number: "7002", Name: "Obrien 1000 ax", Active: true},
		} {
			if _, err := core.SaveClient(ctx, tx, c, core.Now(env.Clock.Now())); err != nil {
				return err
			}
		}
		return nil
	})
	for text, want := range map[string]int{`O'Brien`: 1, `\`: 1, `100%`: 1, `_x`: 1, `' OR '1'='1`: 0,
		`'; DROP TABLE clients; --`: 0, `$1`: 0, `%`: 1, `_`: 1, `obrien`: 1, `brien`: 2} {
		for _, indexed := range []bool{false, core.IndexedOn(env.Deps.DB.Dialect)} {
			l, err := core.SearchClients(ctx, env.Deps.DB.R, core.ClientFilter{Query: text, Indexed: indexed})
			if err != nil || len(l) != want {
				t.Errorf("SearchClients(%q, indexed %v): %d clients, want %d (%v)", text, indexed, len(l), want, err)
			}
		}
	}
	if n := env.Count(`SELECT COUNT(*) FROM clients`); n != 2 {
		t.Fatalf("%d clients", n)
	}
}
