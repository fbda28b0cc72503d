package settings

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/db/dbtest"
)

func newStore(t *testing.T, path string) (*Store, *db.DB) {
	t.Helper()
	target := path // two stores on one path share the database (two processes)
	if dbtest.Postgres() {
		target = dbtest.ForDir(t, path)
	}
	d, err := db.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	// The core tables first, as the app migrates them: the revision triggers watch one.
	if err := db.Migrate(context.Background(), d, core.Migrations(), Migrations()); err != nil {
		t.Fatal(err)
	}
	s, err := NewStore(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return s, d
}

func TestValidation(t *testing.T) {
	s, _ := newStore(t, filepath.Join(t.TempDir(), "s.db"))
	ctx := context.Background()
	cases := []struct {
		key, value string
		ok         bool
		rule       string
	}{
		{"ci_display_balance", "yes", true, ""},
		{"ci_display_balance", "OFF", true, ""},
		{"ci_display_balance", "maybe", false, "true or false"},
		{"ci_sms_per_month", "", true, ""}, // empty means unlimited (0)
		{"ci_sms_per_month", "250", true, ""},
		{"ci_sms_per_month", "-1", false, "from 0 to"},
		{"ci_sms_per_month", "12abc", false, "whole number"},
		{"ci_client_password_min_length", "4", false, "from 8 to 64"},
		{"ci_forgotten_password", "username", true, ""},
		{"ci_forgotten_password", "phone", false, "one of: email, username"},
		{"sms_notify", "smpp", true, ""},
		{"ci_url", "https://portal.example.cz/", true, ""},
		{"ci_url", "javascript:alert(1)", false, "http:// or https://"},
		{"ci_url", "/relative", false, "absolute"},
		{"ci_forward_url_after_logout", "", true, ""},
		{"system_mail", "portal@example.cz", true, ""},
		{"system_mail", "Portal <portal@example.cz>", false, "e-mail address"},
		{"system_mail", "nobody", false, "e-mail address"},
		{"ci_auth_requests_forwarding_email", "a@example.cz; b@example.cz,c@example.cz", true, ""},
		{"ci_auth_requests_forwarding_email", "a@example.cz; not-an-address", false, `"not-an-address"`},
		{"ci_skin_theme", "company", true, ""},
		{"ci_skin_theme", "../etc", false, "theme folder name"},
		{"ci_login_form_origins", "https://www.isp.cz http://isp.cz", true, ""},
		{"ci_login_form_origins", "https://www.isp.cz/login", false, "not an origin"},
		{"system_mail_name", "line\nbreak", false, "single line"},
		{"system_mail_name", "\xff\xfe", false, "UTF-8"},
		{"system_mail_name", strings.Repeat("x", 300), false, "at most 200"},
		{"ci_contact_text", "<p>multi\nline</p>", true, ""},
	}
	for _, c := range cases {
		err := s.Set(ctx, c.key, 0, c.value, "test")
		if c.ok && err != nil {
			t.Errorf("%s=%q: unexpected error %v", c.key, c.value, err)
		}
		if !c.ok {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Errorf("%s=%q: err %v, want a ValidationError", c.key, c.value, err)
				continue
			}
			if !strings.Contains(err.Error(), c.key) || !strings.Contains(err.Error(), c.rule) {
				t.Errorf("%s=%q: message %q should name the key and %q", c.key, c.value, err, c.rule)
			}
		}
	}
	if err := s.Set(ctx, "ci_no_such_thing", 0, "1", "test"); !errors.Is(err, ErrUnknown) {
		t.Errorf("unknown key: %v", err)
	}
	if SMSPerMonth.Get(s) != 250 || DisplayBalance.Get(s) {
		t.Errorf("typed reads: sms=%d balance=%v", SMSPerMonth.Get(s), DisplayBalance.Get(s))
	}
}

func TestAliasesAndDefaults(t *testing.T) {
	s, _ := newStore(t, filepath.Join(t.TempDir(), "s.db"))
	ctx := context.Background()
	if !ClientDataChange.Get(s) {
		t.Fatal("default of ci_enable_client_data_change should be on")
	}
	if err := s.Set(ctx, "ci_enable_cllient_data_change", 0, "0", "test"); err != nil {
		t.Fatal(err)
	}
	if ClientDataChange.Get(s) {
		t.Fatal("the seed's misspelt alias did not reach the setting")
	}
	if err := s.Set(ctx, " ISPADMIN_SERVER ", 0, "https://isp.example.cz", "test"); err != nil {
		t.Fatal(err)
	}
	if ServerURL.Get(s) != "https://isp.example.cz" {
		t.Fatal("alias ispadmin_server did not set server_url")
	}
	if err := s.Reset(ctx, "ci_enable_client_data_change", 0, "test"); err != nil {
		t.Fatal(err)
	}
	if !ClientDataChange.Get(s) {
		t.Fatal("reset did not restore the default")
	}
}

func TestPerGroupValues(t *testing.T) {
	s, _ := newStore(t, filepath.Join(t.TempDir(), "s.db"))
	ctx := context.Background()
	s.Set(ctx, "ci_contact_text", 0, "<p>default</p>", "test")
	if err := s.Set(ctx, "ci_contact_text", 7, "<p>group seven</p>", "test"); err != nil {
		t.Fatal(err)
	}
	if ContactText.For(s, 7) != "<p>group seven</p>" || ContactText.For(s, 8) != "<p>default</p>" {
		t.Fatalf("per group: 7=%q 8=%q", ContactText.For(s, 7), ContactText.For(s, 8))
	}
	if err := s.Set(ctx, "ci_display_balance", 7, "1", "test"); err == nil {
		t.Fatal("a global-only setting accepted a group value")
	}
}

func TestAuditAndSecrets(t *testing.T) {
	s, _ := newStore(t, filepath.Join(t.TempDir(), "s.db"))
	ctx := context.Background()
	s.Set(ctx, "ci_sms_per_month", 0, "10", "staff:alice")
	s.Set(ctx, "ci_sms_per_month", 0, "20", "cli")
	s.Set(ctx, "smtp_password", 0, "hunter2-secret", "staff:alice")
	a, err := s.Audit(ctx, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != 3 {
		t.Fatalf("%d audit rows, want 3", len(a))
	}
	if a[1].Key != "ci_sms_per_month" || *a[1].Old != "10" || *a[1].New != "20" || a[1].Actor != "cli" {
		t.Fatalf("audit row: %+v", a[1])
	}
	if a[2].Old != nil {
		t.Fatal("first change should have no old value")
	}
	if strings.Contains(*a[0].New, "hunter2") {
		t.Fatal("a secret reached the audit table")
	}
	if SMTPPassword.Display(SMTPPassword.Get(s)) == "hunter2-secret" {
		t.Fatal("secret shown unmasked")
	}
}

// A value set by another process (here: a second Store on the same file, as
// `portal settings set` is) is seen after Sync, which the app runs on every request.
func TestChangeFromAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	server, _ := newStore(t, path)
	cli, _ := newStore(t, path)
	ctx := context.Background()
	if InvoicesOn := DisplayInvoicesTab.Get(server); !InvoicesOn {
		t.Fatal("default should be on")
	}
	if err := cli.Set(ctx, "ci_display_invoices_tab", 0, "0", "cli"); err != nil {
		t.Fatal(err)
	}
	if err := server.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if DisplayInvoicesTab.Get(server) {
		t.Fatal("server did not see the change made by the other process")
	}
}

func TestEveryDefaultIsValidAndDocumented(t *testing.T) {
	for _, d := range All() {
		if err := d.Validate(d.Normalize(d.Default)); err != nil {
			t.Errorf("%s: default invalid: %v", d.Key, err)
		}
		if d.Label == "" || d.Help == "" || d.Section == "" {
			t.Errorf("%s: needs a label, help text and section", d.Key)
		}
	}
	// The settings the ISPadmin seed names must all be declared.
	for _, k := range []string{"system_mail", "system_mail_name", "server_url", "ispadmin_server", "sms_notify", "ci_url",
		"ci_forgotten_password", "ci_client_password_min_length", "ci_enable_login_name_creation",
		"ci_enable_client_data_change", "ci_enable_cllient_data_change", "ci_webmail_url", "ci_display_graph_tab",
		"ci_display_invoices_tab", "ci_display_balance", "ci_display_cash_payments", "ci_display_documents_tab",
		"ci_display_contracts_tab", "ci_sms_enable", "ci_sms_per_month", "ci_skin_theme", "ci_login_form_allow_cross_origin",
		"ci_forward_url_after_logout", "ci_auth_requests_enable", "ci_auth_requests_forwarding_email",
		"ci_display_supplier_contact"} {
		if _, ok := Lookup(k); !ok {
			t.Errorf("seed setting %s is not declared", k)
		}
	}
}

// docs/settings.md is generated from the registry; a new or changed declaration must
// come with `make docs` (portal settings doc).
func TestSettingsDocIsCurrent(t *testing.T) {
	got, err := os.ReadFile(filepath.Join("..", "docs", "settings.md"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != Markdown() {
		t.Fatal("docs/settings.md is stale: run `make docs` (portal settings doc docs/settings.md)")
	}
}
