package gdpr

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
)

// TestDocumentLimitsInCharacters checks the one rule of a consent document: title
// and purposes are counted in characters, not bytes, and at most MaxPurposes
// purposes. Before, the store counted bytes (a 250-character Czech title was
// refused) and took any number of purposes.
func TestDocumentLimitsInCharacters(t *testing.T) {
	f := newFixture(t)
	add := func(title string, purposes []string) error {
		var err error
		f.env.Tx(func(tx *sql.Tx) error {
			_, err = AddDocument(context.Background(), tx, "", title, "<p>x</p>", purposes, f.env.Clock.Now())
			return nil
		})
		return err
	}
	field := func(err error) string {
		if fe, ok := errors.AsType[*core.FieldError](err); ok {
			return fe.Field
		}
		return ""
	}
	many := func(n int) []string {
		var out []string
		for i := range n {
			out = append(out, "purpose "+itoa(int64(i)))
		}
		return out
	}
	if err := add(strings.Repeat("č", MaxTitle), []string{strings.Repeat("ř", MaxPurpose)}); err != nil {
		t.Fatalf("300-character title and 200-character purpose refused: %v", err)
	}
	if err := add(strings.Repeat("č", MaxTitle+1), nil); field(err) != "title" {
		t.Fatalf("301-character title: %v", err)
	}
	if err := add("Long purpose", []string{strings.Repeat("ř", MaxPurpose+1)}); field(err) != "purposes" {
		t.Fatalf("201-character purpose: %v", err)
	}
	if err := add("Twenty", many(MaxPurposes)); err != nil {
		t.Fatalf("20 purposes refused: %v", err)
	}
	if err := add("Twenty-one", many(MaxPurposes+1)); field(err) != "purposes" {
		t.Fatalf("21 purposes: %v", err)
	}
	// The CLI adds through the same rule and says why.
	if _, err := runCmd(t, f.env, "<p>x</p>", "consent add", "--title", strings.Repeat("č", 250)); err != nil {
		t.Fatalf("CLI refused a 250-character title: %v", err)
	}
	if _, err := runCmd(t, f.env, "<p>x</p>", "consent add", "--title", "X", "--purposes", strings.Join(many(MaxPurposes+1), ",")); err == nil ||
		!strings.Contains(err.Error(), "at most 20 purposes") {
		t.Fatalf("CLI took 21 purposes: %v", err)
	}
}
