package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ispportal/portal/internal/db"
)

// Template errors.
var (
	ErrNoTemplate      = errors.New("mail: no template for this purpose")
	ErrUnknownPurpose  = errors.New("mail: unknown template purpose")
	ErrInvalidTemplate = errors.New("mail: invalid template")
)

// Template is a subject and a body with $NAME$ variables.
type Template struct {
	ID      int64 // 0 for a built-in default
	Purpose string
	// GroupID is the invoice group it applies to; 0 = default for all groups.
	GroupID int64
	// Language is a lower-case tag such as "cs" or "en"; "" = any language.
	Language  string
	Subject   string
	Body      string
	UpdatedAt time.Time
	// BuiltIn is set on the default registered in Go (not stored, not deletable).
	BuiltIn bool
}

// Purpose describes a registered purpose for the staff editor.
type Purpose struct {
	Name string
	// Languages of the built-in defaults ("" = any).
	Languages []string
	// Vars are the variable names, without dollars ("CLIENT_NAME"), that the defaults
	// use or RegisterVars added.
	Vars []string
}

// Templates resolves e-mail templates: staff-edited rows in mail_templates first, then
// the built-in defaults that the owning modules register at startup.
type Templates struct {
	d *db.DB

	mu       sync.RWMutex
	defaults map[string]map[string]Template // purpose → language → default
	vars     map[string][]string            // purpose → extra variable names
}

// NewTemplates returns a resolver with no built-in defaults.
func NewTemplates(d *db.DB) *Templates {
	return &Templates{d: d, defaults: map[string]map[string]Template{}, vars: map[string][]string{}}
}

// RegisterDefault registers the built-in template of a purpose for a language ("" =
// any). It panics on a subject with a line break or an empty purpose, subject or body:
// it is called at startup with constants, and a broken default must stop the boot.
func (ts *Templates) RegisterDefault(purpose, lang, subject, body string) {
	if purpose == "" || strings.TrimSpace(subject) == "" || strings.TrimSpace(body) == "" || hasLineBreak(subject) {
		panic(fmt.Sprintf("mail.RegisterDefault: invalid default for %q/%q", purpose, lang))
	}
	lang = normLang(lang)
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.defaults[purpose] == nil {
		ts.defaults[purpose] = map[string]Template{}
	}
	ts.defaults[purpose][lang] = Template{Purpose: purpose, Language: lang, Subject: subject, Body: body, BuiltIn: true}
}

// RegisterVars adds variable names to a purpose's listing, for variables that the
// caller fills but the default text does not use.
func (ts *Templates) RegisterVars(purpose string, vars ...string) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for _, v := range vars {
		ts.vars[purpose] = append(ts.vars[purpose], strings.Trim(v, "$"))
	}
}

// Purposes lists the registered purposes, sorted, with their languages and variables.
func (ts *Templates) Purposes() []Purpose {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	out := make([]Purpose, 0, len(ts.defaults))
	for name, byLang := range ts.defaults {
		p := Purpose{Name: name}
		seen := map[string]bool{}
		add := func(v string) {
			if !seen[v] {
				seen[v] = true
				p.Vars = append(p.Vars, v)
			}
		}
		for lang, t := range byLang {
			p.Languages = append(p.Languages, lang)
			for _, v := range Vars(t.Subject + "\n" + t.Body) {
				add(v)
			}
		}
		for _, v := range ts.vars[name] {
			add(v)
		}
		sort.Strings(p.Languages)
		sort.Strings(p.Vars)
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (ts *Templates) registered(purpose string) bool {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	return ts.defaults[purpose] != nil
}

// Set stores a template in the caller's transaction, replacing the one with the same
// purpose, group and language. The purpose must have a registered default.
func (ts *Templates) Set(ctx context.Context, tx *sql.Tx, t Template) error {
	if !ts.registered(t.Purpose) {
		return fmt.Errorf("%w: %q", ErrUnknownPurpose, t.Purpose)
	}
	if strings.TrimSpace(t.Subject) == "" || strings.TrimSpace(t.Body) == "" {
		return fmt.Errorf("%w: empty subject or body", ErrInvalidTemplate)
	}
	if hasLineBreak(t.Subject) {
		return ErrHeaderInjection
	}
	if t.GroupID < 0 {
		return fmt.Errorf("%w: group id %d", ErrInvalidTemplate, t.GroupID)
	}
	lang := normLang(t.Language)
	now := fmtTime(time.Now())
	// UPDATE then INSERT rather than ON CONFLICT: the unique key is an expression over a
	// NULL-able column, which conflict targets do not match portably.
	groupCond, args := "invoice_group_id IS NULL", []any{t.Subject, t.Body, now, t.Purpose, lang}
	if t.GroupID != 0 {
		groupCond, args = "invoice_group_id = ?", append(args, t.GroupID)
	}
	res, err := tx.ExecContext(ctx, `UPDATE mail_templates SET subject = ?, body = ?, updated_at = ?
		WHERE purpose = ? AND language = ? AND `+groupCond, args...)
	if err != nil {
		return fmt.Errorf("mail.Templates.Set: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO mail_templates
		(purpose, invoice_group_id, language, subject, body, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		t.Purpose, nullID(t.GroupID), lang, t.Subject, t.Body, now)
	if err != nil {
		return fmt.Errorf("mail.Templates.Set: %w", err)
	}
	return nil
}

// Delete removes a stored template; the next more general one applies again.
func (ts *Templates) Delete(ctx context.Context, tx *sql.Tx, id int64) error {
	res, err := tx.ExecContext(ctx, "DELETE FROM mail_templates WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("mail.Templates.Delete: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

const templateColumns = "id, purpose, invoice_group_id, language, subject, body, updated_at"

func scanTemplate(sc interface{ Scan(...any) error }) (Template, error) {
	var t Template
	var group sql.NullInt64
	var updated sql.NullString
	err := sc.Scan(&t.ID, &t.Purpose, &group, &t.Language, &t.Subject, &t.Body, &updated)
	t.GroupID, t.UpdatedAt = group.Int64, parseTime(updated)
	return t, err
}

// List returns the stored templates of a purpose ("" = all), defaults for all groups
// first.
func (ts *Templates) List(ctx context.Context, purpose string) ([]Template, error) {
	q := "SELECT " + templateColumns + " FROM mail_templates"
	var args []any
	if purpose != "" {
		q, args = q+" WHERE purpose = ?", []any{purpose}
	}
	q += " ORDER BY purpose, COALESCE(invoice_group_id, 0), language"
	rows, err := ts.d.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("mail.Templates.List: %w", err)
	}
	defer rows.Close()
	var out []Template
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, fmt.Errorf("mail.Templates.List: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Get returns one stored template.
func (ts *Templates) Get(ctx context.Context, id int64) (Template, error) {
	t, err := scanTemplate(ts.d.R.QueryRowContext(ctx, "SELECT "+templateColumns+" FROM mail_templates WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Template{}, ErrNotFound
	}
	return t, err
}

// Resolve returns the template to use for a purpose, an invoice group (0 = none) and a
// language. The most specific wins: group+language, group, default+language, default;
// then the built-in default for the language, for any language, and finally the
// built-in of any other language (a mail in the wrong language beats no password
// mail). "cs-CZ" also matches templates for "cs".
func (ts *Templates) Resolve(ctx context.Context, purpose string, groupID int64, lang string) (Template, error) {
	langs := langChain(lang)
	rows, err := ts.d.R.QueryContext(ctx, "SELECT "+templateColumns+` FROM mail_templates
		WHERE purpose = ? AND (invoice_group_id IS NULL OR invoice_group_id = ?)`, purpose, groupID)
	if err != nil {
		return Template{}, fmt.Errorf("mail.Templates.Resolve: %w", err)
	}
	defer rows.Close()
	best, bestRank := Template{}, -1
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return Template{}, fmt.Errorf("mail.Templates.Resolve: %w", err)
		}
		li := indexOf(langs, t.Language)
		if li < 0 || (t.GroupID != 0 && t.GroupID != groupID) {
			continue
		}
		// Group beats language: rank = group bit, then language specificity.
		rank := len(langs) - li
		if t.GroupID != 0 {
			rank += len(langs) + 1
		}
		if rank > bestRank {
			best, bestRank = t, rank
		}
	}
	if err := rows.Err(); err != nil {
		return Template{}, err
	}
	if bestRank >= 0 {
		return best, nil
	}

	ts.mu.RLock()
	defer ts.mu.RUnlock()
	byLang := ts.defaults[purpose]
	for _, l := range langs {
		if t, ok := byLang[l]; ok {
			return t, nil
		}
	}
	if len(byLang) > 0 {
		keys := make([]string, 0, len(byLang))
		for k := range byLang {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return byLang[keys[0]], nil
	}
	return Template{}, fmt.Errorf("%w: %q", ErrNoTemplate, purpose)
}

// normLang folds "cs_CZ" and "CS-cz" to "cs-cz".
func normLang(s string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "-"))
}

// langChain lists the languages to try, most specific first: "cs-cz", "cs", "".
func langChain(lang string) []string {
	lang = normLang(lang)
	var out []string
	for lang != "" {
		out = append(out, lang)
		i := strings.LastIndexByte(lang, '-')
		if i < 0 {
			break
		}
		lang = lang[:i]
	}
	return append(out, "")
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
