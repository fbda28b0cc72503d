package admin

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
)

func commands() []app.Command {
	return []app.Command{
		{Name: "staff add", Usage: "LOGIN --role admin|support|readonly|api [--name N] [--email E] [--send-requests] [--send-tasks] < password",
			Help: "create a staff account (password from standard input, at least 12 characters)", Run: staffAdd},
		{Name: "staff list", Help: "list staff accounts", Run: staffList},
		{Name: "staff passwd", Usage: "LOGIN < password", Help: "set a staff member's password (from standard input); ends their sessions", Run: staffPasswd},
		{Name: "staff disable", Usage: "LOGIN", Help: "disable a staff account and end its sessions", Run: staffDisable},
		{Name: "staff reset-factor", Usage: "LOGIN", Help: "remove a staff member's second factor (authenticator app, recovery codes)", Run: staffResetFactor},
	}
}

var loginRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// splitLogin takes the LOGIN argument from before or after the flags.
func splitLogin(fs *flag.FlagSet, args []string) (string, error) {
	var login string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		login, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if login == "" && fs.NArg() > 0 {
		login = fs.Arg(0)
		if fs.NArg() > 1 {
			return "", fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(1))
		}
	} else if fs.NArg() > 0 {
		return "", fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	if login == "" {
		return "", fmt.Errorf("%s: LOGIN is required", fs.Name())
	}
	return login, nil
}

// staffArg loads the staff account the command's LOGIN argument names.
func staffArg(ctx context.Context, d app.Deps, fs *flag.FlagSet, args []string) (core.Staff, error) {
	login, err := splitLogin(fs, args)
	if err != nil {
		return core.Staff{}, err
	}
	s, err := core.StaffByLogin(ctx, d.DB.R, login)
	if errors.Is(err, core.ErrNotFound) {
		return s, fmt.Errorf("%s: no staff account %q", fs.Name(), login)
	}
	return s, err
}

// readPassword reads the first line of standard input and checks it against the staff
// policy: at least 12 characters, not easy to guess, not the login.
func readPassword(r io.Reader, login string) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, password.MaxBytes+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password on standard input")
	}
	if err := password.Check(pw, staffMinPassword, login); err != nil {
		switch {
		case errors.Is(err, password.ErrTooShort):
			return "", fmt.Errorf("the password must have at least %d characters", staffMinPassword)
		case errors.Is(err, password.ErrCommon):
			return "", errors.New("the password is too easy to guess (a common password, or common words, names, dates or keyboard patterns); choose another")
		case errors.Is(err, password.ErrPersonal):
			return "", errors.New("the password must not contain the login")
		}
		return "", fmt.Errorf("password refused: %w", err)
	}
	return pw, nil
}

// saveStaff saves s and audits it as the command's action (staff add -> staff.add),
// with detail, or "login LOGIN" when detail is nil. Saving a new hash or active flag
// ends the account's console, view-as and API sessions: the sessions tables' triggers
// on staff do it for every path.
func saveStaff(ctx context.Context, d app.Deps, command string, s core.Staff, detail func(id int64) string) error {
	err := d.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err := core.SaveStaff(ctx, tx, s, core.Now(d.Now()))
		if err != nil {
			return err
		}
		what := "login " + s.Login
		if detail != nil {
			what = detail(id)
		}
		return app.CLIAudit(ctx, d, tx, strings.Replace(command, " ", ".", 1), 0, what)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", command, err)
	}
	return nil
}

func staffAdd(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	fs := app.Flags("staff add", stdio)
	role := fs.String("role", "", "admin, support, readonly or api")
	name := fs.String("name", "", "full name")
	email := fs.String("email", "", "e-mail address")
	sendReq := fs.Bool("send-requests", false, "receive support requests from the portal by e-mail")
	sendTasks := fs.Bool("send-tasks", false, "receive tasks by e-mail")
	login, err := splitLogin(fs, args)
	if err != nil {
		return err
	}
	if !loginRE.MatchString(login) {
		return fmt.Errorf("staff add: login %q: use letters, digits and . _ @ - (at most 64)", login)
	}
	if !slices.Contains(core.Roles, *role) {
		return fmt.Errorf("staff add: --role must be one of %s", strings.Join(core.Roles, ", "))
	}
	if *email != "" && !strings.Contains(*email, "@") {
		return fmt.Errorf("staff add: --email %q is not an e-mail address", *email)
	}
	if _, err := core.StaffByLogin(ctx, d.DB.R, login); err == nil {
		return fmt.Errorf("staff add: login %q exists", login)
	}
	pw, err := readPassword(stdio.In, login)
	if err != nil {
		return fmt.Errorf("staff add: %w", err)
	}
	hash, err := password.Hash(pw)
	if err != nil {
		return err
	}
	s := core.Staff{Login: login, Name: *name, Email: *email, Role: *role, PasswordHash: hash,
		SendPortalRequests: *sendReq, SendTasksEmail: *sendTasks, Active: true}
	detail := func(id int64) string { return fmt.Sprintf("login %s, role %s, id %d", login, *role, id) }
	if err := saveStaff(ctx, d, "staff add", s, detail); err != nil {
		return err
	}
	fmt.Fprintf(stdio.Out, "Staff account %s (%s) created.\n", login, *role)
	return nil
}

func staffList(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("staff list: unexpected argument %q", args[0])
	}
	list, err := core.StaffList(ctx, d.DB.R)
	if err != nil {
		return err
	}
	// The table's minimum cell width was 2, which its padding of 2 already gives.
	tb := app.NewTable(stdio.Out, "LOGIN", "ROLE", "NAME", "E-MAIL", "ACTIVE")
	for _, s := range list {
		tb.Row(s.Login, s.Role, s.Name, s.Email, app.YesNo(s.Active))
	}
	return tb.Flush()
}

func staffPasswd(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	s, err := staffArg(ctx, d, app.Flags("staff passwd", stdio), args)
	if err != nil {
		return err
	}
	pw, err := readPassword(stdio.In, s.Login)
	if err != nil {
		return fmt.Errorf("staff passwd: %w", err)
	}
	if s.PasswordHash, err = password.Hash(pw); err != nil {
		return err
	}
	if err := saveStaff(ctx, d, "staff passwd", s, nil); err != nil {
		return err
	}
	fmt.Fprintf(stdio.Out, "Password of %s changed; their sessions ended.\n", s.Login)
	return nil
}

func staffDisable(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	s, err := staffArg(ctx, d, app.Flags("staff disable", stdio), args)
	if err != nil {
		return err
	}
	s.Active = false
	if err := saveStaff(ctx, d, "staff disable", s, nil); err != nil {
		return err
	}
	fmt.Fprintf(stdio.Out, "Staff account %s disabled; their sessions ended.\n", s.Login)
	return nil
}
