package core

import "testing"

func TestSectionsRoundTrip(t *testing.T) {
	m := ParseSections("+helpdesk -invoices x - + -usage")
	if len(m) != 3 || !m["helpdesk"] || m["invoices"] || m["usage"] {
		t.Fatalf("parse: %v", m)
	}
	if got := FormatSections(m); got != "+helpdesk -invoices -usage" {
		t.Fatalf("format: %q", got)
	}
	if ParseSections("") != nil || FormatSections(nil) != "" {
		t.Fatal("empty")
	}
}
