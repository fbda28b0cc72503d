package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes of SMTPConfig.
const (
	TLSNone     = "none"     // plain SMTP: tests and relays on localhost only
	TLSStartTLS = "starttls" // STARTTLS, mandatory: the mail is not sent without it
	TLSImplicit = "tls"      // TLS from the first byte (SMTPS, port 465)
)

// DefaultTimeout bounds connecting and each SMTP command.
const DefaultTimeout = 15 * time.Second

// SMTPConfig is where and how the worker delivers. An empty Host means "do not send":
// mails stay queued.
type SMTPConfig struct {
	Host string
	// Port defaults to 25 (none), 587 (starttls) or 465 (tls).
	Port int
	// TLS is TLSNone, TLSStartTLS or TLSImplicit; "" means starttls.
	TLS         string
	User        string
	Password    string
	FromAddress string
	FromName    string
	// FromNameOf, when set, names the sender of a mail about a client (the client's
	// brand's system_mail_name); "" keeps FromName.
	FromNameOf func(ctx context.Context, clientID int64) string
	// Hostname is the portal's public host name (from ci_url), given in HELO/EHLO and
	// used as the domain of Message-IDs; empty means the domain of FromAddress.
	Hostname string
	// Timeout defaults to DefaultTimeout.
	Timeout time.Duration
}

// newClient builds a go-mail client for cfg. TLS is at least 1.2 and certificates are
// verified against Host. With TLS "none", credentials go out only to localhost: go-mail's
// PLAIN refuses an unencrypted connection to any other host.
func newClient(cfg SMTPConfig) (*gomail.Client, error) {
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	opts := []gomail.Option{
		gomail.WithTimeout(timeout),
		gomail.WithHELO(cfg.hostname()),
		gomail.WithTLSConfig(&tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}),
	}
	switch cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS, "":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	default:
		return nil, fmt.Errorf("mail: unknown TLS mode %q", cfg.TLS)
	}
	opts = append(opts, gomail.WithPort(cfg.port()))
	if cfg.User != "" {
		opts = append(opts, gomail.WithUsername(cfg.User), gomail.WithPassword(cfg.Password))
		if cfg.TLS == TLSNone {
			opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain))
		} else {
			// PLAIN or LOGIN when offered (every server that matters does), else the
			// strongest mechanism go-mail knows.
			opts = append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin))
		}
	}
	return gomail.NewClient(cfg.Host, opts...)
}

// hostname is the name the portal gives in HELO/EHLO and Message-IDs: Hostname, else
// the domain of the sender address (validateConfig makes sure there is one). go-mail's
// own default, os.Hostname, is never used: a bare "vm" or "localhost" gets mail scored
// as spam.
func (cfg SMTPConfig) hostname() string {
	if h := dotAtom(cfg.Hostname); h != "" {
		return h
	}
	if a, err := parseAddress(cfg.FromAddress); err == nil {
		if h := dotAtom(a.Address[strings.LastIndexByte(a.Address, '@')+1:]); h != "" {
			return h
		}
	}
	return "localhost.localdomain"
}

// port is Port, or the default of the TLS mode.
func (cfg SMTPConfig) port() int {
	switch cfg.TLS {
	case TLSNone:
		return cmp0(cfg.Port, 25)
	case TLSImplicit:
		return cmp0(cfg.Port, 465)
	}
	return cmp0(cfg.Port, 587)
}

func cmp0(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// validateConfig reports a configuration that cannot send before any row is touched.
func validateConfig(cfg SMTPConfig) error {
	if cfg.FromAddress == "" {
		return errors.New("mail: no sender address configured")
	}
	if hasLineBreak(cfg.FromAddress) || hasLineBreak(cfg.FromName) {
		return ErrHeaderInjection
	}
	if _, err := parseAddress(cfg.FromAddress); err != nil {
		return fmt.Errorf("mail: sender address: %w", err)
	}
	return nil
}

// buildMsg turns an outbox row into a go-mail message.
func buildMsg(cfg SMTPConfig, o outgoing, now time.Time) (*gomail.Msg, error) {
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := m.FromFormat(cfg.FromName, cfg.FromAddress); err != nil {
		return nil, fmt.Errorf("mail: sender: %w", err)
	}
	if err := m.To(o.to...); err != nil {
		return nil, fmt.Errorf("mail: recipient: %w", err)
	}
	m.Subject(o.subject)
	m.SetMessageIDWithValue(strings.TrimSuffix(strings.TrimPrefix(o.messageID, "<"), ">"))
	m.SetDateWithValue(now)
	// RFC 3834: tells auto-responders (vacation replies) not to answer.
	m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	m.SetBodyString(gomail.TypeTextPlain, o.text)
	if o.html != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, o.html)
	}
	return m, nil
}

// cleanError makes an SMTP error fit for last_error and the logs: one line, bounded, the
// password removed if a server echoed it, and recipients' local parts masked.
func cleanError(err error, cfg SMTPConfig, to []string) string {
	s := err.Error()
	if cfg.Password != "" {
		s = strings.ReplaceAll(s, cfg.Password, "***")
	}
	for _, a := range to {
		if p, perr := parseAddress(a); perr == nil {
			at := strings.LastIndexByte(p.Address, '@')
			s = strings.ReplaceAll(s, p.Address, "***"+p.Address[at:])
		}
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 500 {
		s = strings.ToValidUTF8(s[:500], "")
	}
	return s
}
