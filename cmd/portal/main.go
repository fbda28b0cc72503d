// Command portal is the whole client portal in one binary: the web server, the
// database migrations, the demo data and the staff CLI.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/ispportal/portal/internal/app"
)

// usageError makes the CLI print usage and exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], app.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr})
	stop()
	os.Exit(code)
}

// globalFlags are accepted by every subcommand, with environment defaults.
func globalFlags(fs *flag.FlagSet, cfg *app.Config) (trustedProxies func() []string) {
	fs.StringVar(&cfg.Listen, "listen", env("PORTAL_LISTEN", ":9080"), "address to listen on (PORTAL_LISTEN)")
	fs.StringVar(&cfg.DataDir, "data", env("PORTAL_DATA", "data"), "data directory: database, uploads, custom themes (PORTAL_DATA)")
	fs.StringVar(&cfg.Database, "database", env("PORTAL_DATABASE", ""), "postgres://user:password@host/db to run on PostgreSQL; default: SQLite file portal.db in the data directory (PORTAL_DATABASE)")
	fs.StringVar(&cfg.BasePath, "base-path", env("PORTAL_BASE_PATH", ""), "URL path prefix when served under a sub-path (PORTAL_BASE_PATH)")
	proxies := env("PORTAL_TRUSTED_PROXIES", "")
	fs.Func("trusted-proxies", "comma-separated proxy addresses/CIDRs whose X-Forwarded-For is believed (PORTAL_TRUSTED_PROXIES)", func(s string) error {
		proxies = s
		return nil
	})
	fs.StringVar(&cfg.LogLevel, "log-level", env("PORTAL_LOG_LEVEL", "info"), "debug, info, warn or error (PORTAL_LOG_LEVEL)")
	fs.StringVar(&cfg.Redis, "redis", env("PORTAL_REDIS", ""), "redis://host:port: rate limits shared by several instances (PORTAL_REDIS)")
	cfg.TrustedProxies = nil
	// Parsed in run, after fs.Parse, through this closure (returned, not kept in a
	// package variable: tests call run from parallel goroutines).
	return func() []string {
		var out []string
		for _, p := range strings.Split(proxies, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

// builtin are the subcommands the binary itself provides; modules add more.
// builtinCmd is a command of the binary itself rather than of a module.
type builtinCmd struct {
	usage string
	help  string
	run   func(ctx context.Context, e *app.Env, io app.IO, args []string) error
}

var builtin = map[string]builtinCmd{
	"serve":    {"", "start the web server (the default)", serve},
	"migrate":  {"", "apply database migrations and exit", func(context.Context, *app.Env, app.IO, []string) error { return nil }},
	"demo":     {"", "add the demo data (safe to run again)", demo},
	"settings": {"list|get KEY|set KEY VALUE [--group ID]|reset KEY|audit [KEY]|doc [FILE]", "read and change settings", settingsCmd},
	"theme":    {"list|copy SRC NAME", "list themes, or copy one into data/themes to customise it", themeCmd},
	"backup":   {"FILE", "write a consistent copy of the live database to FILE", backup},
}

func run(ctx context.Context, args []string, io app.IO) int {
	cfg := app.Config{}
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(io.Err)
	trustedProxies := globalFlags(fs, &cfg)
	fs.Usage = func() { usage(io.Err, nil) }
	// Global flags may come before or after the subcommand; split them off.
	name, rest := splitCommand(args)
	if err := fs.Parse(rest.flags); err != nil {
		return 2
	}
	cfg.TrustedProxies = trustedProxies()
	if err := cfg.ValidateAndSetDefaults(); err != nil {
		fmt.Fprintln(io.Err, "portal:", err)
		return 2
	}
	log := cfg.Logger()
	if c, ok := preBoot[name]; ok {
		return exitCode(io, c.run(ctx, nil, io, append(rest.words, fs.Args()...)))
	}
	e, err := app.Boot(ctx, cfg, log, time.Now, modules)
	if err != nil {
		fmt.Fprintln(io.Err, "portal:", err)
		return 1
	}
	defer func() {
		if err := e.Close(); err != nil {
			log.Warn("portal: closing the database", "err", err)
		}
	}()
	if name == "help" || name == "-h" {
		usage(io.Out, e.Commands())
		return 0
	}
	cmdArgs := append(rest.words, fs.Args()...)
	if b, ok := builtin[name]; ok {
		err = b.run(ctx, e, io, cmdArgs)
	} else if c, args, ok := findCommand(e.Commands(), name, cmdArgs); ok {
		err = c.Run(ctx, e.Deps, io, args)
	} else {
		usage(io.Err, e.Commands())
		fmt.Fprintf(io.Err, "portal: unknown command %q\n", strings.TrimSpace(name+" "+strings.Join(cmdArgs, " ")))
		return 2
	}
	return exitCode(io, err)
}

// exitCode prints a command's error and returns the exit code: 2 for a usage error,
// 1 for any other.
func exitCode(io app.IO, err error) int {
	var ue usageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintln(io.Err, "portal:", err)
		return 2
	case err != nil:
		fmt.Fprintln(io.Err, "portal:", err)
		return 1
	}
	return 0
}

type split struct{ words, flags []string }

// globalFlagNames are the flags splitCommand lifts out of the arguments.
var globalFlagNames = map[string]bool{"listen": true, "data": true, "database": true, "base-path": true, "trusted-proxies": true, "log-level": true, "redis": true}

func splitCommand(args []string) (string, split) {
	var s split
	name := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			n := strings.TrimLeft(a, "-")
			n, _, hasValue := strings.Cut(n, "=")
			if globalFlagNames[n] {
				s.flags = append(s.flags, a)
				if !hasValue && i+1 < len(args) {
					s.flags = append(s.flags, args[i+1])
					i++
				}
				continue
			}
			if n == "h" || n == "help" {
				if name == "" {
					name = "help"
					continue
				}
			}
		}
		if name == "" && !strings.HasPrefix(a, "-") {
			name = a
			continue
		}
		s.words = append(s.words, a)
	}
	if name == "" {
		name = "serve"
	}
	return name, s
}

// findCommand matches the longest module command name ("client password") against
// the words given.
func findCommand(cmds []app.Command, first string, rest []string) (app.Command, []string, bool) {
	words := append([]string{first}, rest...)
	best, bestLen := app.Command{}, 0
	for _, c := range cmds {
		parts := strings.Fields(c.Name)
		if len(parts) > len(words) || len(parts) <= bestLen {
			continue
		}
		match := true
		for i, p := range parts {
			if words[i] != p {
				match = false
				break
			}
		}
		if match {
			best, bestLen = c, len(parts)
		}
	}
	if bestLen == 0 {
		return app.Command{}, nil, false
	}
	return best, words[bestLen:], true
}

func usage(w io.Writer, cmds []app.Command) {
	fmt.Fprintln(w, "Usage: portal [global flags] COMMAND [ARGS]")
	fmt.Fprintln(w, "\nCommands:")
	all := map[string]builtinCmd{}
	var names []string
	for _, m := range []map[string]builtinCmd{builtin, preBoot} {
		for n, c := range m {
			all[n] = c
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-40s %s\n", strings.TrimSpace(n+" "+all[n].usage), all[n].help)
	}
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].Name < cmds[j].Name })
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-40s %s\n", strings.TrimSpace(c.Name+" "+c.Usage), c.Help)
	}
	fmt.Fprintln(w, "\nGlobal flags (also as environment variables):")
	fmt.Fprintln(w, "  --listen ADDR (PORTAL_LISTEN, default :9080)   --data DIR (PORTAL_DATA, default data)")
	fmt.Fprintln(w, "  --database postgres://USER:PASSWORD@HOST/DB (PORTAL_DATABASE, default: SQLite DIR/portal.db)")
	fmt.Fprintln(w, "  --base-path /PATH (PORTAL_BASE_PATH)   --trusted-proxies LIST (PORTAL_TRUSTED_PROXIES)")
	fmt.Fprintln(w, "  --log-level LEVEL (PORTAL_LOG_LEVEL: debug, info, warn, error)")
	fmt.Fprintln(w, "  --redis redis://HOST:PORT (PORTAL_REDIS): rate limits shared by several instances")
}
