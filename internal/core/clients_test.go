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
