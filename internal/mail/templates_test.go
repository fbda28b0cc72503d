package mail

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"testing"

	"github.com/ispportal/portal/internal/db"
)

func newTestTemplates(t *testing.T) (*Templates, *db.DB) {
	t.Helper()
	d := newTestDB(t)
	ts := NewTemplates(d)
	ts.RegisterDefault("password_link", "cs", "Nové heslo", "Dobrý den $CLIENT_NAME$, heslo: $CI_PASSWORD_LINK$")
	ts.RegisterDefault("password_link", "", "New password", "Hello $CLIENT_NAME$ ($CLIENT_NUMBER$): $CI_PASSWORD_LINK$")
	return ts, d
}

func set(t *testing.T, ts *Templates, d *db.DB, tpl Template) {
	t.Helper()
	if err := d.Tx(context.Background(), func(tx *sql.Tx) error { return ts.Set(context.Background(), tx, tpl) }); err != nil {
		t.Fatal(err)
	}
}

func TestTemplateResolutionOrder(t *testing.T) {
	ts, d := newTestTemplates(t)
	ctx := context.Background()
	resolve := func(group int64, lang string) string {
		t.Helper()
		tpl, err := ts.Resolve(ctx, "password_link", group, lang)
		if err != nil {
			t.Fatal(err)
		}
		return tpl.Subject
	}
	// Built-ins only: the language's default, else the any-language one.
	if got := resolve(7, "cs"); got != "Nové heslo" {
		t.Fatalf("built-in cs = %q", got)
	}
	if got := resolve(7, "de"); got != "New password" {
		t.Fatalf("built-in fallback = %q", got)
	}
	if got := resolve(7, "CS_cz"); got != "Nové heslo" {
		t.Fatalf("cs-CZ → cs = %q", got)
	}

	// Add stored templates from general to specific and watch each one win.
	steps := []struct {
		tpl   Template
		group int64
		lang  string
		want  string
	}{
		{Template{Purpose: "password_link", Subject: "default"}, 7, "cs", "default"},
		{Template{Purpose: "password_link", Language: "cs", Subject: "default+cs"}, 7, "cs", "default+cs"},
		{Template{Purpose: "password_link", GroupID: 7, Subject: "group"}, 7, "cs", "group"},
		{Template{Purpose: "password_link", GroupID: 7, Language: "cs", Subject: "group+cs"}, 7, "cs", "group+cs"},
	}
	for _, s := range steps {
		s.tpl.Body = "body"
		set(t, ts, d, s.tpl)
		if got := resolve(s.group, s.lang); got != s.want {
			t.Fatalf("after adding %q: %q", s.want, got)
		}
	}
	cases := []struct {
		group int64
		lang  string
		want  string
	}{
		{7, "cs", "group+cs"},
		{7, "cs-CZ", "group+cs"},
		{7, "en", "group"},      // group beats language
		{8, "cs", "default+cs"}, // another group's templates do not apply
		{8, "en", "default"},
		{0, "cs", "default+cs"}, // no group
	}
	for _, c := range cases {
		if got := resolve(c.group, c.lang); got != c.want {
			t.Errorf("Resolve(%d, %q) = %q, want %q", c.group, c.lang, got, c.want)
		}
	}

	// Set replaces, it does not duplicate (NULL group included).
	set(t, ts, d, Template{Purpose: "password_link", Subject: "default v2", Body: "b"})
	set(t, ts, d, Template{Purpose: "password_link", GroupID: 7, Subject: "group v2", Body: "b"})
	list, err := ts.List(ctx, "password_link")
	if err != nil || len(list) != 4 {
		t.Fatalf("List = %d rows, %v", len(list), err)
	}
	if got := resolve(8, "en"); got != "default v2" {
		t.Fatalf("after update = %q", got)
	}
	// The unique index holds even for the NULL group.
	if _, err := d.W.Exec(`INSERT INTO mail_templates (purpose, invoice_group_id, language, subject, body, updated_at)
		VALUES ('password_link', NULL, '', 's', 'b', '2026-01-01T00:00:00Z')`); err == nil {
		t.Fatal("duplicate default template accepted")
	}

	// Delete the group template: the default applies again.
	for _, tpl := range list {
		if tpl.GroupID == 7 && tpl.Language == "" {
			if err := d.Tx(ctx, func(tx *sql.Tx) error { return ts.Delete(ctx, tx, tpl.ID) }); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := resolve(7, "en"); got != "default v2" {
		t.Fatalf("after delete = %q", got)
	}
	if err := d.Tx(ctx, func(tx *sql.Tx) error { return ts.Delete(ctx, tx, 999) }); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Delete missing = %v", err)
	}
	if _, err := ts.Resolve(ctx, "nothing", 0, ""); !errors.Is(err, ErrNoTemplate) {
		t.Fatalf("unknown purpose = %v", err)
	}
}

func TestTemplateSetValidation(t *testing.T) {
	ts, d := newTestTemplates(t)
	cases := []struct {
		tpl  Template
		want error
	}{
		{Template{Purpose: "unknown", Subject: "s", Body: "b"}, ErrUnknownPurpose},
		{Template{Purpose: "password_link", Subject: "", Body: "b"}, ErrInvalidTemplate},
		{Template{Purpose: "password_link", Subject: "s", Body: " "}, ErrInvalidTemplate},
		{Template{Purpose: "password_link", Subject: "s\r\nBcc: x@evil.tld", Body: "b"}, ErrHeaderInjection},
	}
	for _, c := range cases {
		err := d.Tx(context.Background(), func(tx *sql.Tx) error { return ts.Set(context.Background(), tx, c.tpl) })
		if !errors.Is(err, c.want) {
			t.Errorf("Set(%+v) = %v, want %v", c.tpl, err, c.want)
		}
	}
}

func TestRender(t *testing.T) {
	tpl := Template{
		Subject: "Heslo pro $CLIENT_NAME$ ($CLIENT_NUMBER$)",
		Body:    "Dobrý den $CLIENT_NAME$,\nodkaz: $CI_PASSWORD_LINK$\ncena 5 $ a $UNKNOWN$ a $lower$ a $$ a $CLIENT_NUMBER$",
	}
	subject, body := Render(tpl, map[string]string{
		"CLIENT_NAME":        "Jan\r\nBcc: victim@evil.tld $CI_PASSWORD_LINK$",
		"$CLIENT_NUMBER$":    "1042",
		"CI_PASSWORD_LINK":   "https://portal.example/p/abc",
		"UNUSED_BY_TEMPLATE": "x",
	})
	if subject != "Heslo pro Jan Bcc: victim@evil.tld $CI_PASSWORD_LINK$ (1042)" {
		t.Errorf("subject = %q", subject)
	}
	want := "Dobrý den Jan\r\nBcc: victim@evil.tld $CI_PASSWORD_LINK$,\nodkaz: https://portal.example/p/abc\ncena 5 $ a $UNKNOWN$ a $lower$ a $$ a 1042"
	if body != want {
		t.Errorf("body =\n%q\nwant\n%q", body, want)
	}
	if got := Vars("$A$ $B_1$ $A$ $x$ 5 $"); !reflect.DeepEqual(got, []string{"A", "B_1"}) {
		t.Errorf("Vars = %q", got)
	}
}

func TestPurposes(t *testing.T) {
	ts, _ := newTestTemplates(t)
	ts.RegisterDefault("ticket_reply", "", "Re: $TICKET_SUBJECT$", "$BODY$")
	ts.RegisterVars("ticket_reply", "$CLIENT_NAME$")
	got := ts.Purposes()
	want := []Purpose{
		{Name: "password_link", Languages: []string{"", "cs"}, Vars: []string{"CI_PASSWORD_LINK", "CLIENT_NAME", "CLIENT_NUMBER"}},
		{Name: "ticket_reply", Languages: []string{""}, Vars: []string{"BODY", "CLIENT_NAME", "TICKET_SUBJECT"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Purposes =\n%+v\nwant\n%+v", got, want)
	}
	// Each Templates value has its own registry.
	if other := NewTemplates(nil).Purposes(); len(other) != 0 {
		t.Errorf("fresh Templates has purposes %v", other)
	}
}

func TestRegisterDefaultRejectsBrokenSubject(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	NewTemplates(nil).RegisterDefault("x", "", "a\nb", "body")
}
