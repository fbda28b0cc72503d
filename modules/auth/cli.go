package auth

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/factor"
	"github.com/ispportal/portal/internal/mail"
)

// cliActor is the audit actor of CLI actions.
const cliActor = "cli"

func commands() []app.Command {
	return []app.Command{
		{Name: "client password", Usage: "CLIENT (--generate | --set | --send-link)",
			Help: "give a client a one-time password (generated and printed once, or read from stdin with --set), " +
				"or e-mail them a create-password link; CLIENT is a client number or username",
			Run: runClientPassword},
		{Name: "client unlock", Usage: "CLIENT", Help: "clear a client's login lockout", Run: runClientUnlock},
		{Name: "client lockout", Usage: "CLIENT", Help: "show a client's failed logins and lockout", Run: runClientLockout},
		{Name: "client second-factor", Usage: "CLIENT [--reset]",
			Help: "show a client's second factors, or remove them all with --reset (audited, mailed to the client)", Run: runClientFactor},
		{Name: "totp-code", Usage: "[KEY]",
			Help: "print the current 6-digit code of an authenticator-app key (default: the demo accounts' key), to try the login step without a phone",
			Run:  runTOTPCode},
		{Name: "mail-template", Usage: "list [PURPOSE] | set PURPOSE [--group ID] [--lang L] --subject S (body from stdin) | delete ID",
			Help: "list, store or delete e-mail templates (e.g. password_link with $CI_PASSWORD_LINK$)", Run: runMailTemplate},
	}
}

// splitArgs separates positional words from flags, so flags may follow them
// ("1001 --generate"), which the flag package alone does not allow.
func splitArgs(args []string, valued map[string]bool) (words, flags []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if valued[name] && !strings.Contains(name, "=") && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		words = append(words, a)
	}
	return words, flags
}

func findClient(ctx context.Context, d app.Deps, words []string) (core.Client, error) {
	if len(words) != 1 {
		return core.Client{}, errors.New("give exactly one CLIENT (client number or username)")
	}
	c, err := ClientByLogin(ctx, d.DB.R, words[0])
	if errors.Is(err, core.ErrNotFound) {
		return c, fmt.Errorf("no client with number or username %q", words[0])
	}
	return c, err
}

func runClientPassword(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	words, flags := splitArgs(args, nil)
	fs := app.Flags("client password", io)
	gen := fs.Bool("generate", false, "generate a one-time password and print it")
	set := fs.Bool("set", false, "read a one-time password from stdin")
	link := fs.Bool("send-link", false, "e-mail a create-password link")
	if err := fs.Parse(flags); err != nil {
		return err
	}
	n := 0
	for _, b := range []bool{*gen, *set, *link} {
		if b {
			n++
		}
	}
	if n != 1 {
		return errors.New("choose exactly one of --generate, --set, --send-link")
	}
	c, err := findClient(ctx, d, words)
	if err != nil {
		return err
	}
	switch {
	case *gen:
		pw, err := GenerateOneTimePassword(ctx, d, c.ID, cliActor, "")
		if err != nil {
			return err
		}
		fmt.Fprintf(io.Out, "One-time password for client %s: %s\nIt works for one login; the client must then choose a new password. It is not shown again.\n", c.Number, pw)
	case *set:
		pw, err := readSecret(io.In)
		if err != nil {
			return err
		}
		if err := SetOneTimePassword(ctx, d, c.ID, pw, cliActor, ""); err != nil {
			return err
		}
		fmt.Fprintf(io.Out, "One-time password set for client %s. It works for one login.\n", c.Number)
	case *link:
		if err := SendPasswordLink(ctx, d, c.ID, cliActor, ""); err != nil {
			return err
		}
		fmt.Fprintf(io.Out, "Create-password e-mail queued for client %s (%s). See 'portal mail list'.\n", c.Number, c.Email)
	}
	return nil
}

// readSecret reads one line (without its line break) from stdin.
func readSecret(in io.Reader) (string, error) {
	if in == nil {
		return "", errors.New("--set reads the password from stdin")
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on stdin")
	}
	return line, nil
}

func runClientUnlock(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	c, err := findClient(ctx, d, args)
	if err != nil {
		return err
	}
	if err := Unlock(ctx, d, c.ID, cliActor, ""); err != nil {
		return err
	}
	fmt.Fprintf(io.Out, "Client %s unlocked.\n", c.Number)
	return nil
}

func runClientLockout(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	c, err := findClient(ctx, d, args)
	if err != nil {
		return err
	}
	st, err := LockState(ctx, d, c.ID)
	if err != nil {
		return err
	}
	now := d.Now()
	switch {
	case st.Locked(now):
		fmt.Fprintf(io.Out, "Client %s is locked until %s (%d failed logins). Clear it with 'portal client unlock %s'.\n",
			c.Number, st.LockedUntil.Local().Format("2006-01-02 15:04:05"), st.Failures, c.Number)
	case st.Failures > 0:
		fmt.Fprintf(io.Out, "Client %s is not locked; %d failed login(s) in a row, the last at %s.\n",
			c.Number, st.Failures, st.LastFailure.Local().Format("2006-01-02 15:04:05"))
	default:
		fmt.Fprintf(io.Out, "Client %s is not locked; no failed logins.\n", c.Number)
	}
	return nil
}

func runMailTemplate(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	// The CLI does not Mount modules, so register our built-in templates here; other
	// modules' purposes need the foundation to register defaults at Boot.
	words, flags := splitArgs(args, map[string]bool{"group": true, "lang": true, "subject": true})
	if len(words) == 0 {
		return errors.New("usage: portal mail-template list [PURPOSE] | set PURPOSE [--group ID] [--lang L] --subject S | delete ID")
	}
	switch words[0] {
	case "list":
		purpose := ""
		if len(words) > 1 {
			purpose = words[1]
		}
		// The table's minimum cell width was 2, which its padding of 2 already gives.
		tb := app.NewTable(io.Out, "ID", "PURPOSE", "GROUP", "LANG", "SUBJECT")
		ts, err := d.Mail.List(ctx, purpose)
		if err != nil {
			return err
		}
		for _, t := range ts {
			tb.Row(t.ID, t.Purpose, groupLabel(t.GroupID), langLabel(t.Language), t.Subject)
		}
		for _, p := range d.Mail.Purposes() {
			if purpose != "" && p.Name != purpose {
				continue
			}
			tb.Row("built-in", p.Name, "all", strings.Join(p.Languages, ","), "$"+strings.Join(p.Vars, "$ $")+"$")
		}
		return tb.Flush()
	case "set":
		if len(words) != 2 {
			return errors.New("usage: portal mail-template set PURPOSE [--group ID] [--lang L] --subject S (body from stdin)")
		}
		fs := app.Flags("mail-template set", io)
		group := fs.Int64("group", 0, "invoice group id (0 = all groups)")
		lang := fs.String("lang", "", "language, e.g. cs or en (empty = any)")
		subject := fs.String("subject", "", "subject line")
		if err := fs.Parse(flags); err != nil {
			return err
		}
		if *group < 0 {
			return errors.New("--group must be an invoice group id")
		}
		if *group > 0 {
			if _, err := core.GroupByID(ctx, d.DB.R, *group); err != nil {
				return fmt.Errorf("no invoice group %d", *group)
			}
		}
		if io.In == nil {
			return errors.New("the body is read from stdin")
		}
		body, err := readAllLimited(io.In, 256<<10)
		if err != nil {
			return err
		}
		t := mail.Template{Purpose: words[1], GroupID: *group, Language: *lang, Subject: *subject, Body: body}
		if err := d.DB.Tx(ctx, func(tx *sql.Tx) error { return d.Mail.Set(ctx, tx, t) }); err != nil {
			return err
		}
		fmt.Fprintf(io.Out, "Template %s stored for group %s, language %s.\n", t.Purpose, groupLabel(t.GroupID), langLabel(t.Language))
		return nil
	case "delete":
		if len(words) != 2 {
			return errors.New("usage: portal mail-template delete ID")
		}
		id, ok := core.ParseID(words[1])
		if !ok {
			return errors.New("the template id must be a number (see 'portal mail-template list')")
		}
		if err := d.DB.Tx(ctx, func(tx *sql.Tx) error { return d.Mail.Delete(ctx, tx, id) }); err != nil {
			return err
		}
		fmt.Fprintf(io.Out, "Template %d deleted.\n", id)
		return nil
	}
	return fmt.Errorf("unknown mail-template action %q", words[0])
}

func readAllLimited(r io.Reader, n int64) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, n+1))
	if err != nil {
		return "", err
	}
	if int64(len(b)) > n {
		return "", fmt.Errorf("the body is longer than %d bytes", n)
	}
	return string(b), nil
}

func groupLabel(id int64) string {
	if id == 0 {
		return "all"
	}
	return strconv.FormatInt(id, 10)
}

func langLabel(l string) string {
	if l == "" {
		return "any"
	}
	return l
}

func runClientFactor(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	words, flags := splitArgs(args, nil)
	fs := app.Flags("client second-factor", io)
	reset := fs.Bool("reset", false, "remove every second factor of the client")
	if err := fs.Parse(flags); err != nil {
		return err
	}
	c, err := findClient(ctx, d, words)
	if err != nil {
		return err
	}
	if *reset {
		had, err := ResetSecondFactor(ctx, d, c.ID, cliActor, "")
		if err != nil {
			return err
		}
		if !had {
			fmt.Fprintf(io.Out, "Client %s has no second factor.\n", c.Number)
			return nil
		}
		fmt.Fprintf(io.Out, "Second factor of client %s removed; the client was told by e-mail.\n", c.Number)
		return nil
	}
	st, err := SecondFactorStatus(ctx, d, c.ID)
	if err != nil {
		return err
	}
	tb := app.NewTable(io.Out, "CLIENT", "AUTHENTICATOR APP", "PASSKEYS", "RECOVERY CODES LEFT", "POLICY")
	tb.Row(c.Number, app.YesNo(st.TOTP), st.Passkeys, st.RecoveryLeft, st.Policy)
	return tb.Flush()
}

// runTOTPCode is `portal totp-code [KEY]`: it computes from the key typed (or the demo
// key) and reads no account, so it reveals nothing the caller does not hold.
func runTOTPCode(_ context.Context, d app.Deps, stdio app.IO, args []string) error {
	if len(args) > 1 {
		return errors.New("give at most one KEY")
	}
	key := ""
	if len(args) == 1 {
		key = args[0]
	}
	out, err := factor.PrintCode(d.Now(), key)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdio.Out, out)
	return nil
}
