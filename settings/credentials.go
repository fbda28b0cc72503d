package settings

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// ErrLiteralCredential refuses a password, token or API key typed into a setting that
// is not secret: such settings are shown to read-only staff, over the API and in the
// settings audit. The credential belongs in a Secret setting that the template names
// with a placeholder.
var ErrLiteralCredential = errors.New("must not contain a password, token or API key: store it in sms_gateway_password (and the login in sms_gateway_user) and write {password} (and {user}) here")

// masked replaces a credential found in a non-secret value when it is shown.
const masked = "••••••"

var (
	// userinfoRE finds "user:password@" in an absolute URL.
	userinfoRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://[^/?#@:]*:([^/?#@]*)@`)
	// pairRE finds name=value pairs of a query string or form body.
	pairRE = regexp.MustCompile(`(?:^|[?&;])([^=&?;#\s]+)=([^&;#\s]*)`)
	// jsonRE finds "name": "value" members of a JSON body.
	jsonRE = regexp.MustCompile(`"((?:[^"\\]|\\.)+)"\s*:\s*"((?:[^"\\]|\\.)*)"`)
	// placeholderRE is one {placeholder}; a value made only of these holds no secret.
	placeholderRE = regexp.MustCompile(`\{[a-z]+\}`)
)

// credentialName reports whether a parameter or field name carries a secret.
func credentialName(name string) bool {
	if u, err := url.QueryUnescape(name); err == nil {
		name = u
	}
	n := strings.ToLower(name)
	for _, part := range []string{"pass", "pwd", "secret", "token", "apikey", "api_key", "api-key", "signature"} {
		if strings.Contains(n, part) {
			return true
		}
	}
	return n == "key" || n == "auth" || n == "sig"
}

// credentialSpans returns the byte ranges of literal credential values in v: the
// password of a URL's userinfo, and the values of credential-named query, form or JSON
// parameters that are not made of placeholders only.
func credentialSpans(v string) [][2]int {
	var out [][2]int
	if m := userinfoRE.FindStringSubmatchIndex(v); m != nil && m[3] > m[2] {
		out = append(out, [2]int{m[2], m[3]})
	}
	for _, re := range []*regexp.Regexp{pairRE, jsonRE} {
		for _, m := range re.FindAllStringSubmatchIndex(v, -1) {
			name, val := v[m[2]:m[3]], v[m[4]:m[5]]
			if val == "" || placeholderRE.ReplaceAllString(val, "") == "" || !credentialName(name) {
				continue
			}
			out = append(out, [2]int{m[4], m[5]})
		}
	}
	return out
}

// noLiteralCredential is the Check of the SMS gateway's address and body.
func noLiteralCredential(v string) error {
	if len(credentialSpans(v)) > 0 {
		return ErrLiteralCredential
	}
	return nil
}

// maskCredentials hides literal credentials stored before noLiteralCredential existed.
func maskCredentials(v string) string {
	spans := credentialSpans(v)
	// Replace from the end so earlier offsets stay valid; spans from the two patterns
	// may overlap, so skip one that reaches into a span already replaced.
	sortSpans(spans)
	end := len(v) + 1
	for i := len(spans) - 1; i >= 0; i-- {
		s := spans[i]
		if s[1] > end {
			continue
		}
		v = v[:s[0]] + masked + v[s[1]:]
		end = s[0]
	}
	return v
}

// sortSpans orders spans by start (there are only a few).
func sortSpans(s [][2]int) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j][0] < s[j-1][0]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
