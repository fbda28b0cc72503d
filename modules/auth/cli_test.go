package auth

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/lockout"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/testkit"
)

func runCmd(t *testing.T, env *testkit.Env, stdin string, args ...string) (string, error) {
	t.Helper()
	for _, c := range commands() {
		words := strings.Fields(c.Name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.Name {
			var out, errb bytes.Buffer
			err := c.Run(context.Background(), env.Deps, app.IO{In: strings.NewReader(stdin), Out: &out, Err: &errb}, args[len(words):])
			return out.String(), err
		}
	}
	t.Fatalf("no command %v", args)
	return "", nil
}

func TestCLI(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := addClient(t, env, "5001", "novak", goodPW)
	noMail := env.AddClient("5002", 0)
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET email = '' WHERE id = ?`, noMail)
		return err
	})

	out, err := runCmd(t, env, "", "client", "password", "NOVAK", "--generate")
	m := regexp.MustCompile(`client 5001: (\S+)`).FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("--generate: %q %v", out, err)
	}
	login(env.Browser(), "novak", m[1]).Expect(t, 303)
	if _, err := runCmd(t, env, "short\n", "client", "password", "5001", "--set"); err == nil || !strings.Contains(err.Error(), "at least 12") {
		t.Fatalf("--set short: %v", err)
	}
	if out, err := runCmd(t, env, "a fine phone password\n", "client", "password", "5001", "--set"); err != nil || !strings.Contains(out, "set") {
		t.Fatalf("--set: %q %v", out, err)
	}
	for _, bad := range [][]string{{"client", "password", "5001"}, {"client", "password", "5001", "--set", "--generate"},
		{"client", "password", "nobody", "--generate"}, {"client", "password", "--generate"}} {
		if _, err := runCmd(t, env, "", bad...); err == nil {
			t.Fatalf("%v accepted", bad)
		}
	}

	// --send-link refuses with the seed's two messages.
	if _, err := runCmd(t, env, "", "client", "password", "5002", "--send-link"); !errors.Is(err, ErrNoEmail) ||
		err.Error() != "No email address is available for the client." {
		t.Fatalf("no e-mail: %v", err)
	}
	env.Set("system_mail_name", "")
	if _, err := runCmd(t, env, "", "client", "password", "5001", "--send-link"); err == nil ||
		err.Error() != "The system email address and its name are not specified in the system settings." {
		t.Fatalf("no sender: %v", err)
	}
	env.Set("system_mail_name", "ISP portal")
	if _, err := runCmd(t, env, "", "client", "password", "5001", "--send-link"); err != nil {
		t.Fatal(err)
	}
	es, _ := mail.List(context.Background(), env.Deps.DB.R, mail.ListFilter{Limit: 10})
	if len(es) != 1 || es[0].Purpose != PurposeLink {
		t.Fatalf("outbox: %+v", es)
	}
	// Staff links live ci_password_link_staff_hours (72 h), not 60 minutes.
	var exp string
	env.Deps.DB.R.QueryRow(`SELECT expires_at FROM password_tokens WHERE client_id = ? AND used_at IS NULL`, id).Scan(&exp)
	if want := env.Clock.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339); exp != want {
		t.Fatalf("staff link expires %s, want %s", exp, want)
	}

	// Lockout: show and clear.
	env.Tx(func(tx *sql.Tx) error {
		for i := 0; i < 5; i++ {
			lockout.Fail(context.Background(), tx, lockout.KindClient, lockout.Account(id), env.Clock.Now(), lockout.Policy{MaxFailures: 5, LockFor: 15 * time.Minute})
		}
		return nil
	})
	if out, _ := runCmd(t, env, "", "client", "lockout", "5001"); !strings.Contains(out, "is locked until") {
		t.Fatalf("lockout: %q", out)
	}
	if out, err := runCmd(t, env, "", "client", "unlock", "novak"); err != nil || !strings.Contains(out, "unlocked") {
		t.Fatalf("unlock: %q %v", out, err)
	}
	if out, _ := runCmd(t, env, "", "client", "lockout", "5001"); !strings.Contains(out, "not locked; no failed") {
		t.Fatalf("lockout after unlock: %q", out)
	}

	// Mail templates per invoice group and language.
	g := env.AddGroup("Business")
	if _, err := runCmd(t, env, "Ahoj $CLIENT_NAME$: $CI_PASSWORD_LINK$\n", "mail-template", "set", PurposeLink, "--group",
		itoa(g), "--lang", "cs", "--subject", "Heslo pro firmy"); err != nil {
		t.Fatal(err)
	}
	out, _ = runCmd(t, env, "", "mail-template", "list")
	if !strings.Contains(out, "Heslo pro firmy") || !strings.Contains(out, "$CI_PASSWORD_LINK$") {
		t.Fatalf("list: %q", out)
	}
	tpl, err := env.Deps.Mail.Resolve(context.Background(), PurposeLink, g, "cs")
	if err != nil || tpl.Subject != "Heslo pro firmy" {
		t.Fatalf("resolve: %+v %v", tpl, err)
	}
	if _, err := runCmd(t, env, "body", "mail-template", "set", PurposeLink, "--group", "999", "--subject", "x"); err == nil {
		t.Fatal("unknown group accepted")
	}
	if _, err := runCmd(t, env, "body", "mail-template", "set", "nonsense", "--subject", "x"); err == nil {
		t.Fatal("unknown purpose accepted")
	}
	if _, err := runCmd(t, env, "", "mail-template", "delete", itoa(tpl.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := runCmd(t, env, "", "mail-template", "delete", "abc"); err == nil {
		t.Fatal("bad id accepted")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
