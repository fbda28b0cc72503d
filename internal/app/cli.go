package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/ispportal/portal/internal/core"
)

// The small pieces every module's CLI commands share, so that each command says only
// what it does.

// Flags returns a flag set for a command that reports its errors and usage to the
// command's error stream and never exits the process.
func Flags(command string, stdio IO) *flag.FlagSet {
	fs := flag.NewFlagSet(command, flag.ContinueOnError)
	fs.SetOutput(stdio.Err)
	return fs
}

// ParseFlags parses a command's flags and refuses positional arguments, naming the
// command (the flag set's name) in the error.
func ParseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// Positional parses flags that may come before, between or after the positional
// arguments ("ticket reply 12 --author Eva"), which the flag package alone stops at,
// and returns the positional ones.
func Positional(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}

// YesNo is how command output shows a flag.
func YesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// NoArgs refuses arguments to a command that takes none.
func NoArgs(command string, args []string) error {
	if len(args) != 0 {
		return fmt.Errorf("%s takes no arguments", command)
	}
	return nil
}

// OneID reads the one argument of a command as the id of what (a positive number).
func OneID(command, what string, args []string) (int64, error) {
	if len(args) != 1 {
		return 0, fmt.Errorf("%s: give one %s ID", command, what)
	}
	id, ok := core.ParseID(args[0])
	if !ok {
		return 0, fmt.Errorf("%s: %q is not a %s id", command, args[0], what)
	}
	return id, nil
}

// IDArg is OneID in the wording of the commands that predate it, which stays as their
// users know it: usage is the error for other than one argument, and a bad id is
// "<prefix>id %q is not a number".
func IDArg(args []string, usage, prefix string) (int64, error) {
	if len(args) != 1 {
		return 0, errors.New(usage)
	}
	id, ok := core.ParseID(args[0])
	if !ok {
		return 0, fmt.Errorf("%sid %q is not a number", prefix, args[0])
	}
	return id, nil
}

// OneClient reads the one argument of a command as a client number and loads the
// client; an unknown number is the command's error, not an internal one.
func OneClient(ctx context.Context, d Deps, command string, args []string) (core.Client, error) {
	if len(args) != 1 {
		return core.Client{}, fmt.Errorf("%s: give exactly one client number", command)
	}
	cl, err := core.ClientByNumber(ctx, d.DB.R, args[0])
	if errors.Is(err, core.ErrNotFound) {
		return cl, fmt.Errorf("%s: no client with number %q", command, args[0])
	}
	return cl, err
}

// ClientFlag loads the client a --client NUMBER flag names; no number is no client
// (the zero Client).
func ClientFlag(ctx context.Context, d Deps, number string) (core.Client, error) {
	if number == "" {
		return core.Client{}, nil
	}
	cl, err := core.ClientByNumber(ctx, d.DB.R, number)
	if err != nil {
		return cl, fmt.Errorf("client %q: %w", number, err)
	}
	return cl, nil
}

// CommandError is a command's failure err prefixed with the command; a field check's
// error stands without its field name, as its own text names the field already.
func CommandError(command string, err error) error {
	if fe, ok := errors.AsType[*core.FieldError](err); ok {
		err = fe.Err
	}
	return fmt.Errorf("%s: %w", command, err)
}

// CLIAudit records a command's change in its transaction, with the actor "cli".
func CLIAudit(ctx context.Context, d Deps, q core.Querier, action string, clientID int64, detail string) error {
	return core.Audit(ctx, q, core.AuditEntry{At: d.Now(), Actor: "cli", Action: action, ClientID: clientID, Detail: detail})
}

// Table writes aligned columns: NewTable(out, "ID", "TITLE"), Row per line, Flush.
type Table struct{ tw *tabwriter.Writer }

// NewTable starts a table with its header line.
func NewTable(out io.Writer, header ...any) *Table {
	t := &Table{tw: tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)}
	t.Row(header...)
	return t
}

// Row writes one line; values are printed with %v.
func (t *Table) Row(values ...any) {
	for i, v := range values {
		if i > 0 {
			fmt.Fprint(t.tw, "\t")
		}
		fmt.Fprint(t.tw, v)
	}
	fmt.Fprintln(t.tw)
}

// Flush writes the table out.
func (t *Table) Flush() error { return t.tw.Flush() }
