package mail

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNotConfigured is SendTest's answer when no SMTP host is set: the worker keeps
// every mail queued.
var ErrNotConfigured = errors.New("mail: no SMTP server configured (smtp_host is empty)")

// SendTest delivers one message now, outside the outbox, with the settings the worker
// uses, and returns the server the message went to ("host:port"). A failure is the
// transport's own answer (the server's reply, a refused connection, a TLS error),
// cleaned like last_error: the password and the recipient's local part never appear.
// The console's "send a test e-mail" button reports it as it is.
func SendTest(ctx context.Context, cfg SMTPConfig, to, subject, text string, now time.Time) (string, error) {
	if cfg.Host == "" {
		return "", ErrNotConfigured
	}
	if err := validateConfig(cfg); err != nil {
		return "", err
	}
	c, err := newClient(cfg)
	if err != nil {
		return "", err
	}
	server := fmt.Sprintf("%s:%d", cfg.Host, cfg.port())
	o := outgoing{messageID: withDomain(newMessageID(), cfg.hostname()), purpose: "test", to: []string{to}, subject: subject, text: text}
	m, err := buildMsg(cfg, o, now)
	if err != nil {
		return server, err
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return server, errors.New(cleanError(err, cfg, o.to))
	}
	return server, nil
}
