package buttons

import (
	"context"
	"database/sql"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// Check returns every reason b cannot be stored, each as a *core.FieldError naming
// the field ("label_en", "label_cs", "url", "sort_order") and wrapping ErrInvalid,
// so that a form can show each beside its field and the API can name it.
func Check(b Button) []*core.FieldError {
	var out []*core.FieldError
	if err := checkLabel("label_en", b.LabelEN, true); err != nil {
		out = append(out, &core.FieldError{Field: "label_en", Err: err})
	}
	if err := checkLabel("label_cs", b.LabelCS, false); err != nil {
		out = append(out, &core.FieldError{Field: "label_cs", Err: err})
	}
	if err := CheckURL(b.URL); err != nil {
		out = append(out, &core.FieldError{Field: "url", Err: err})
	}
	if err := (Button{LabelEN: "x", URL: "https://x.example", SortOrder: b.SortOrder}).Validate(); err != nil {
		out = append(out, &core.FieldError{Field: "sort_order", Err: err})
	}
	return out
}

// Save checks and stores a button (new when ID is 0 and no button has its
// ExternalID, else updated) and returns its id: the console, the API and the CLI
// all save buttons through it. A refusal is the first *core.FieldError of Check;
// the caller writes the audit entry in tx (it knows the actor).
func Save(ctx context.Context, tx *sql.Tx, b Button, now time.Time) (int64, error) {
	if errs := Check(b); len(errs) > 0 {
		return 0, errs[0]
	}
	return SaveButton(ctx, tx, b, now)
}
