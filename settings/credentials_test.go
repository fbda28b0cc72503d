package settings

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestGatewayCredentialsStayInSecretSettings: the SMS gateway's address and body are
// readable by read-only staff and API accounts, so a password typed into them is
// refused (it belongs in sms_gateway_password, referenced as {password}), and one
// stored before this rule is masked wherever the value is shown or audited.
func TestGatewayCredentialsStayInSecretSettings(t *testing.T) {
	s, d := newStore(t, filepath.Join(t.TempDir(), "s.db"))
	ctx := context.Background()
	cases := []struct {
		key, value string
		ok         bool
	}{
		{"sms_gateway_url", "http://kannel:13013/cgi-bin/sendsms?username={user}&password={password}&to={number}&text={text}&coding={coding}&charset={charset}", true},
		{"sms_gateway_url", "http://kannel:13013/cgi-bin/sendsms?username=portal&password=hunter2&to={number}&text={text}", false},
		{"sms_gateway_url", "https://gw.example/send?apikey=abc123&to={number}&text={text}", false},
		{"sms_gateway_url", "https://gw.example/send?Token=abc123&to={number}&text={text}", false},
		{"sms_gateway_url", "https://portal:hunter2@gw.example/send?to={number}&text={text}", false},
		{"sms_gateway_url", "https://gw.example/send?password=&to={number}&text={text}", true}, // nothing to hide
		{"sms_gateway_body", "user={user}&pass={password}&to={number}&text={text}", true},
		{"sms_gateway_body", "user=portal&pass=hunter2&to={number}&text={text}", false},
		{"sms_gateway_body", `{"api_key":"hunter2","to":"{number}","text":"{text}"}`, false},
		{"sms_gateway_body", `{"api_key":"{password}","to":"{number}","text":"{text}"}`, true},
	}
	for _, tc := range cases {
		err := s.Set(ctx, tc.key, 0, tc.value, "test")
		if tc.ok != (err == nil) {
			t.Errorf("%s = %q: err %v, want ok=%v", tc.key, tc.value, err, tc.ok)
			continue
		}
		if err != nil {
			if !errors.Is(err, ErrLiteralCredential) || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "abc123") {
				t.Errorf("%s: error %q should name the rule without echoing the secret", tc.key, err)
			}
		}
	}

	// A value stored before the rule existed: shown and audited masked.
	legacy := "http://kannel:13013/cgi-bin/sendsms?username=portal&password=hunter2&to={number}&text={text}"
	if _, err := d.W.Exec(`INSERT INTO settings (key, group_id, value, updated_at) VALUES ('sms_gateway_url', 0, ?, '')
		ON CONFLICT (key, group_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, legacy); err != nil {
		t.Fatal(err)
	}
	d.W.Exec(`UPDATE settings_revision SET rev = rev + 1`)
	if err := s.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	def, _ := Lookup("sms_gateway_url")
	v, _ := s.Value(def, 0)
	if v != legacy {
		t.Fatalf("the worker must still read the stored value, got %q", v)
	}
	shown := def.Display(v)
	if strings.Contains(shown, "hunter2") || !strings.Contains(shown, "username=portal&password=••••••&to={number}") {
		t.Fatalf("Display = %q", shown)
	}
	if err := s.Set(ctx, "sms_gateway_url", 0, "http://kannel:13013/cgi-bin/sendsms?username={user}&password={password}&to={number}&text={text}", "test"); err != nil {
		t.Fatal(err)
	}
	var n int
	d.R.QueryRow(`SELECT COUNT(*) FROM settings_audit WHERE old_value LIKE '%hunter2%' OR new_value LIKE '%hunter2%'`).Scan(&n)
	if n != 0 {
		t.Fatal("the audit table recorded the password")
	}
}
