package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"io/fs"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/ratelimit"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
	"github.com/ispportal/portal/templates"
	"github.com/ispportal/portal/themes"
)

// Config is the boot configuration: what must be known before the database opens.
// Everything staff may change at run time is a setting in the registry instead.
type Config struct {
	Listen         string   // address to serve on, e.g. ":9080"
	DataDir        string   // portal.db, uploads, custom themes
	Database       string   // postgres://... URL, or a SQLite file ("" = portal.db in DataDir)
	BasePath       string   // URL path the portal is mounted under behind a proxy ("" = root)
	TrustedProxies []string // addresses or CIDRs whose X-Forwarded-For / -Proto is believed
	LogLevel       string   // debug | info | warn | error
	Redis          string   // redis:// address: rate limits shared between instances ("" = per instance)
}

// ValidateAndSetDefaults fills defaults and reports every problem at once.
func (c *Config) ValidateAndSetDefaults() error {
	var errs []error
	if c.Listen == "" {
		c.Listen = ":9080"
	}
	if c.DataDir == "" {
		c.DataDir = "data"
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log level %q: must be debug, info, warn or error", c.LogLevel))
	}
	if c.BasePath != "" {
		if !strings.HasPrefix(c.BasePath, "/") {
			errs = append(errs, fmt.Errorf("base path %q: must start with /", c.BasePath))
		}
		c.BasePath = strings.TrimRight(c.BasePath, "/")
	}
	if _, err := web.ParseProxies(c.TrustedProxies); err != nil {
		errs = append(errs, fmt.Errorf("trusted proxies: %w", err))
	}
	return errors.Join(errs...)
}

// DatabaseTarget is what db.Open opens: Database, else the SQLite file in DataDir.
func (c *Config) DatabaseTarget() string {
	if c.Database != "" {
		return c.Database
	}
	return filepath.Join(c.DataDir, "portal.db")
}

// Logger returns the structured logger for the configured level.
func (c *Config) Logger() *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.LogLevel))
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
}

// Constructor builds a module from its dependencies. Constructors must not do work
// (no queries): Boot calls each once with empty Deps just to read its Info.
type Constructor func(Deps) Module

// Env is a booted portal: database migrated, settings loaded, modules built.
type Env struct {
	Config  Config
	Deps    Deps
	Modules []Module
	// MailWorker sends the outbox; `portal serve` runs it.
	MailWorker *mail.Worker
}

// SMTPConfig reads the outbox worker's connection from the settings at each round, so
// staff changes apply without a restart. The name given in HELO and Message-IDs is the
// host of ci_url, else of server_url, else (in the worker) the sender's domain.
func SMTPConfig(st *settings.Store) func() mail.SMTPConfig {
	return func() mail.SMTPConfig {
		host := mail.HostnameFromURL(settings.PortalURL.Get(st))
		if host == "" {
			host = mail.HostnameFromURL(settings.ServerURL.Get(st))
		}
		return mail.SMTPConfig{Host: settings.SMTPHost.Get(st), Port: settings.SMTPPort.Get(st), TLS: settings.SMTPTLS.Get(st),
			User: settings.SMTPUser.Get(st), Password: settings.SMTPPassword.Get(st),
			FromAddress: settings.SystemMail.Get(st), FromName: settings.SystemMailName.Get(st), Hostname: host}
	}
}

// BrandSender names the sender of a mail about a client as the client's brand does
// (its own system_mail_name; "" for the default brand, whose name is the global one).
func BrandSender(d *db.DB, st *settings.Store) func(ctx context.Context, clientID int64) string {
	return func(ctx context.Context, clientID int64) string {
		var brand int64
		if err := d.R.QueryRowContext(ctx, `SELECT brand_id FROM clients WHERE id = ?`, clientID).Scan(&brand); err != nil || brand == 0 {
			return ""
		}
		return settings.SystemMailName.Get(st.Brand(brand))
	}
}

// Boot opens and migrates the database and builds every module, for the server and
// for CLI commands alike.
func Boot(ctx context.Context, cfg Config, log *slog.Logger, now func() time.Time, ctors []Constructor) (*Env, error) {
	if err := os.MkdirAll(filepath.Join(cfg.DataDir, "themes"), 0o750); err != nil {
		return nil, err
	}
	d, err := db.Open(cfg.DatabaseTarget())
	if err != nil {
		return nil, err
	}
	infos := make([]Info, len(ctors))
	sources := MigrationSources(ctors)
	locales := []fs.FS{web.Locales()}
	tpls := []web.TemplateSource{{Prefix: "", FS: templates.FS}}
	for i, ctor := range ctors {
		infos[i] = ctor(Deps{}).Info()
		if infos[i].Locales != nil {
			locales = append(locales, infos[i].Locales)
		}
		if infos[i].Templates != nil {
			tpls = append(tpls, web.TemplateSource{Prefix: infos[i].Name, FS: infos[i].Templates})
		}
	}
	if err := db.Migrate(ctx, d, sources...); err != nil {
		d.Close()
		return nil, err
	}
	for _, info := range infos {
		for _, name := range info.Secrets {
			if _, err := core.Secret(ctx, d, name); err != nil {
				d.Close()
				return nil, err
			}
		}
	}
	st, err := settings.NewStore(ctx, d)
	if err != nil {
		d.Close()
		return nil, err
	}
	cat, err := web.NewCatalog(log, locales...)
	if err != nil {
		d.Close()
		return nil, err
	}
	proxies, _ := web.ParseProxies(cfg.TrustedProxies)
	th := web.NewThemes(themes.FS, filepath.Join(cfg.DataDir, "themes"), log, TemplateFuncs(), tpls...)
	th.Fold(cat, cfg.BasePath)
	// The built-in templates must parse: this is a boot error, never a blank page. One
	// language shows it (the languages differ only in the texts folded in); the others
	// are built on their first page, which halves the cost of a boot.
	if _, err := th.Engine("default", web.Languages[0]); err != nil {
		d.Close()
		return nil, err
	}
	limits, err := ratelimit.New(cfg.Redis, log)
	if err != nil {
		d.Close()
		return nil, err
	}
	w, err := web.New(ctx, web.Options{DB: d, Settings: st, Catalog: cat, Themes: th, Log: log, Now: now,
		TrustedProxies: proxies, BasePath: cfg.BasePath, Limits: limits})
	if err != nil {
		d.Close()
		return nil, err
	}
	smtpCfg := SMTPConfig(st)
	mw := mail.NewWorker(d, func() mail.SMTPConfig {
		c := smtpCfg()
		c.FromNameOf = BrandSender(d, st)
		return c
	}, log, now)
	deps := Deps{DB: d, Settings: st, Web: w, Log: log, Now: now, DataDir: cfg.DataDir, Mail: mail.NewTemplates(d),
		KickMail: mw.Kick, Hooks: &Hooks{}, Declared: &Declared{}}
	env := &Env{Config: cfg, Deps: deps, MailWorker: mw}
	var declared []Info
	for _, ctor := range ctors {
		m := ctor(deps)
		info := m.Info()
		if md := info.MailDefaults; md != nil {
			md(deps.Mail)
		}
		env.Modules = append(env.Modules, m)
		declared = append(declared, info)
	}
	// Every module holds the same *Declared; it is filled now that all are built.
	*deps.Declared = *NewDeclared(declared...)
	return env, nil
}

// Close closes the database.
func (e *Env) Close() error {
	if e.Deps.Web != nil {
		e.Deps.Web.CloseLimits()
	}
	return e.Deps.DB.Close()
}

// Commands lists every module's CLI commands.
func (e *Env) Commands() []Command {
	var out []Command
	for _, m := range e.Modules {
		out = append(out, m.Info().Commands...)
	}
	return out
}
