package sms

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/url"
	"strings"
)

// Placeholders substituted in HTTPConfig.URL and HTTPConfig.Body.
const (
	PlaceholderNumber = "{number}"
	PlaceholderText   = "{text}"
	PlaceholderSender = "{sender}"
)

// escaper turns a raw value into its safe form for one context.
type escaper func(string) string

// fill substitutes the placeholders in tmpl in a single pass, so a message
// text that itself contains "{number}" is not expanded again.
func fill(tmpl string, esc escaper, number, text, sender string) string {
	return strings.NewReplacer(
		PlaceholderNumber, esc(number),
		PlaceholderText, esc(text),
		PlaceholderSender, esc(sender),
	).Replace(tmpl)
}

// bodyEscaper picks the escaping for a body of the given Content-Type.
func bodyEscaper(contentType string) escaper {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return rawEscape
	}
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return jsonEscape
	case mt == "application/x-www-form-urlencoded":
		return url.QueryEscape
	}
	return rawEscape
}

func rawEscape(s string) string { return s }

// jsonEscape returns s as the inside of a JSON string literal: the template
// supplies the quotes, e.g. {"text":"{text}"}.
func jsonEscape(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // gateways need not see \u0026 for &
	_ = enc.Encode(s)        // encoding a string cannot fail
	out := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	return string(out[1 : len(out)-1])
}
