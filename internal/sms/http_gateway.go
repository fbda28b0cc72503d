package sms

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// HTTPConfig describes a provider's HTTP send API. URL and Body may contain
// the placeholders {number}, {text}, {sender}, {user}, {password}, {coding} and
// {charset} (see the Placeholder constants).
type HTTPConfig struct {
	// URL is the endpoint, http or https. Placeholders are query-escaped.
	URL string
	// Method is GET or POST; empty means POST when Body is set, else GET.
	Method string
	// User and Password enable HTTP basic auth when User is set. When the URL or
	// Body uses {user} or {password}, they fill those instead and no Authorization
	// header is sent.
	User, Password string
	// Token is sent as "Authorization: Bearer <Token>", or fills {password} when the
	// template uses it.
	Token string
	// ContentType of Body; it decides the escaping of placeholders
	// (JSON for application/json, form for x-www-form-urlencoded, raw otherwise).
	ContentType string
	// Body is the request body template (POST only).
	Body string
	// Sender fills {sender}: the originator number or alphanumeric name.
	Sender string
	// IDPattern optionally extracts the provider message id from a 2xx
	// response body: the first capture group of this regexp, e.g. `"id":"([^"]+)"`.
	IDPattern string
}

// HTTPGateway sends SMS through a provider's HTTP API. It is safe for concurrent use.
type HTTPGateway struct {
	cfg    HTTPConfig
	client *http.Client
	esc    escaper
	id     *regexp.Regexp
}

// errBodyLimit is how much of a failed response goes into the error: enough
// for a provider's reason, not enough to flood logs.
const errBodyLimit = 200

// okBodyLimit bounds what we read from a successful response to find the id.
const okBodyLimit = 64 << 10

// NewHTTPGateway validates cfg and returns a gateway using client, or a
// client with a 30 s timeout when client is nil.
func NewHTTPGateway(cfg HTTPConfig, client *http.Client) (*HTTPGateway, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	g := &HTTPGateway{cfg: cfg, client: client, esc: bodyEscaper(cfg.ContentType)}
	if cfg.IDPattern != "" {
		g.id = regexp.MustCompile(cfg.IDPattern) // validated above
	}
	return g, nil
}

// Validate reports every problem of the configuration at once, as NewHTTPGateway
// would, without building a gateway.
func (c HTTPConfig) Validate() error { return c.validate() }

// validate normalises Method and reports every problem at once.
func (c *HTTPConfig) validate() error {
	var errs []error
	u, err := url.Parse(c.URL)
	switch {
	case c.URL == "":
		errs = append(errs, errors.New("URL is required"))
	case err != nil:
		errs = append(errs, errors.New("URL is not a valid URL"))
	case u.Scheme != "http" && u.Scheme != "https":
		errs = append(errs, fmt.Errorf("URL scheme must be http or https, not %q", u.Scheme))
	case u.Host == "":
		errs = append(errs, errors.New("URL has no host"))
	case u.User != nil:
		// Credentials in the URL would leak into logs; there are fields for them.
		errs = append(errs, errors.New("URL must not contain credentials; use User/Password or Token"))
	}
	c.Method = strings.ToUpper(strings.TrimSpace(c.Method))
	if c.Method == "" {
		c.Method = http.MethodGet
		if c.Body != "" {
			c.Method = http.MethodPost
		}
	}
	switch c.Method {
	case http.MethodGet:
		if c.Body != "" {
			errs = append(errs, errors.New("a body template needs method POST"))
		}
	case http.MethodPost:
	default:
		errs = append(errs, fmt.Errorf("method must be GET or POST, not %q", c.Method))
	}
	if c.User != "" && c.Token != "" {
		errs = append(errs, errors.New("set either User/Password or Token, not both"))
	}
	tmpl := c.URL + c.Body
	if !strings.Contains(tmpl, PlaceholderNumber) || !strings.Contains(tmpl, PlaceholderText) {
		errs = append(errs, errors.New("URL or body must contain {number} and {text}"))
	}
	if c.IDPattern != "" {
		if re, err := regexp.Compile(c.IDPattern); err != nil || re.NumSubexp() < 1 {
			errs = append(errs, errors.New("IDPattern must be a regexp with one capture group"))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("sms: invalid HTTP gateway config: %w", errors.Join(errs...))
	}
	return nil
}

// Send implements Sender. 2xx is success; 408, 429 and 5xx are temporary;
// other statuses are permanent. Errors quote at most 200 bytes of the
// response and never the URL, password or token.
func (g *HTTPGateway) Send(ctx context.Context, m Message) (string, error) {
	op := "http " + g.cfg.Method
	if err := checkLength(op, m.Text); err != nil {
		return "", err
	}
	f := fields{number: m.To, text: m.Text, sender: g.cfg.Sender, user: g.cfg.User, password: g.cfg.Password,
		coding: coding(m.Text)}
	if g.cfg.User == "" {
		f.password = g.cfg.Token
	}
	target := fill(g.cfg.URL, url.QueryEscape, f)
	var body io.Reader
	if g.cfg.Method == http.MethodPost {
		body = strings.NewReader(fill(g.cfg.Body, g.esc, f))
	}
	req, err := http.NewRequestWithContext(ctx, g.cfg.Method, target, body)
	if err != nil {
		// Only a placeholder value can break a URL that validated; say so without echoing it.
		return "", permanent(op, 0, errors.New("cannot build request URL from message"))
	}
	if g.cfg.ContentType != "" && body != nil {
		req.Header.Set("Content-Type", g.cfg.ContentType)
	}
	switch {
	case g.credentialsInTemplate():
		// Sent as parameters already.
	case g.cfg.User != "":
		req.SetBasicAuth(g.cfg.User, g.cfg.Password)
	case g.cfg.Token != "":
		req.Header.Set("Authorization", "Bearer "+g.cfg.Token)
	}
	resp, err := g.client.Do(req)
	if err != nil {
		return "", classify(op, g.redactErr(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, errBodyLimit))
		err := fmt.Errorf("provider answered %s: %q", resp.Status, g.redact(string(snippet)))
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests ||
			resp.StatusCode == http.StatusRequestTimeout {
			return "", temporary(op, resp.StatusCode, err)
		}
		return "", permanent(op, resp.StatusCode, err)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, okBodyLimit))
	if err != nil {
		// The provider accepted the message; losing the id is not worth a duplicate SMS.
		return "", nil
	}
	if g.id != nil {
		if sub := g.id.FindSubmatch(data); len(sub) > 1 {
			return string(sub[1]), nil
		}
	}
	return "", nil
}

// credentialsInTemplate reports whether the URL or body carries {user} or {password}.
func (g *HTTPGateway) credentialsInTemplate() bool {
	tmpl := g.cfg.URL + g.cfg.Body
	return strings.Contains(tmpl, PlaceholderUser) || strings.Contains(tmpl, PlaceholderPassword)
}

// redactErr drops the request URL that *url.Error carries, because the
// query holds the recipient, the text and often an API key.
func (g *HTTPGateway) redactErr(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return redactedError{msg: g.redact(err.Error()), err: err}
}

// redact removes configured secrets from s in case a provider echoes them.
func (g *HTTPGateway) redact(s string) string {
	for _, secret := range []string{g.cfg.Password, g.cfg.Token} {
		if secret != "" {
			// Also as it went into a query or form ({password}).
			s = strings.ReplaceAll(s, url.QueryEscape(secret), "[redacted]")
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}

// redactedError keeps the cause for errors.Is/As while printing a cleaned message.
type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }
