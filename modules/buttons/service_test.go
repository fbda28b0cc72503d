package buttons_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ispportal/portal/modules/buttons"
)

// TestCheckNamesFields checks that every refusal names its field, so the console
// shows it beside the field and the API answers invalid on it (before, the API's
// label refusals named no field).
func TestCheckNamesFields(t *testing.T) {
	ok := buttons.Button{LabelEN: "Speed test", LabelCS: "Test rychlosti", URL: "https://speed.example/", SortOrder: 10}
	if errs := buttons.Check(ok); len(errs) != 0 {
		t.Fatalf("good button refused: %v", errs)
	}
	bad := buttons.Button{LabelEN: "", LabelCS: strings.Repeat("ž", 41), URL: "javascript:alert(1)", SortOrder: 1001}
	var got []string
	for _, fe := range buttons.Check(bad) {
		if !errors.Is(fe, buttons.ErrInvalid) {
			t.Errorf("%v does not wrap ErrInvalid", fe)
		}
		got = append(got, fe.Field)
	}
	if strings.Join(got, ",") != "label_en,label_cs,url,sort_order" {
		t.Fatalf("fields %v", got)
	}
}
