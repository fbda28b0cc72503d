package settings

import (
	"errors"
	"net/url"
	"strings"
)

// FormActionSource turns an absolute http(s) address into the Content-Security-Policy
// source expression that admits exactly it in form-action: scheme, host, port and
// path, without query or fragment (CSP matches neither), with ";" and "," in the path
// percent-encoded as CSP requires. It refuses what CSP cannot express: user info,
// hosts that are not plain ASCII names or IPv4 addresses (write a non-ASCII domain
// in its xn-- form), and anything that could break out of the header.
func FormActionSource(v string) (string, error) {
	if strings.ContainsAny(v, "\\\r\n\t \"'") {
		return "", errors.New("must not contain spaces, quotes or backslashes")
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return "", errors.New("must be an absolute http:// or https:// address")
	}
	if u.User != nil {
		return "", errors.New("must not contain a user name or password")
	}
	host := u.Hostname()
	for _, r := range host {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return "", errors.New("host must be a plain name or IPv4 address (write a non-ASCII domain in its xn-- form)")
		}
	}
	if host == "" || strings.HasPrefix(host, ".") || strings.HasSuffix(host, ".") || strings.Contains(host, "..") {
		return "", errors.New("must name a host")
	}
	src := strings.ToLower(u.Scheme) + "://" + strings.ToLower(host)
	if p := u.Port(); p != "" {
		src += ":" + p
	}
	path := strings.NewReplacer(";", "%3B", ",", "%2C").Replace(u.EscapedPath())
	if path == "" {
		path = "/"
	}
	return src + path, nil
}

// logoutTarget checks ci_forward_url_after_logout: the pages of a logged-in client
// admit it in their form-action (Chromium applies form-action to the redirect after
// the logout form), so it must be expressible there.
func logoutTarget(v string) error {
	if v == "" {
		return nil
	}
	_, err := FormActionSource(v)
	return err
}
