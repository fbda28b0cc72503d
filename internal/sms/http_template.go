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
	// PlaceholderUser and PlaceholderPassword carry HTTPConfig.User and Password (or
	// Token), for gateways such as Kannel that take credentials as parameters; the
	// settings that hold them are secret, the template is not.
	PlaceholderUser     = "{user}"
	PlaceholderPassword = "{password}"
	// PlaceholderCoding is the data coding of this message, from the same decision
	// Parts makes: "0" for GSM-7, "2" for UCS-2 (Kannel's coding, SMPP's data_coding
	// 0x00/0x08 family). Without it a gateway picks one coding for every message:
	// Czech letters then arrive as "?", or plain texts cost UCS-2's shorter parts.
	PlaceholderCoding = "{coding}"
	// PlaceholderCharset is the character set of {text} in the request: always UTF-8.
	PlaceholderCharset = "{charset}"
)

// Values of PlaceholderCoding and PlaceholderCharset.
const (
	CodingGSM7 = "0"
	CodingUCS2 = "2"
	Charset    = "UTF-8"
)

// fields are the per-message values of the placeholders.
type fields struct {
	number, text, sender, user, password, coding string
}

// escaper turns a raw value into its safe form for one context.
type escaper func(string) string

// fill substitutes the placeholders in tmpl in a single pass, so a message
// text that itself contains "{number}" is not expanded again.
func fill(tmpl string, esc escaper, f fields) string {
	return strings.NewReplacer(
		PlaceholderNumber, esc(f.number),
		PlaceholderText, esc(f.text),
		PlaceholderSender, esc(f.sender),
		PlaceholderUser, esc(f.user),
		PlaceholderPassword, esc(f.password),
		PlaceholderCoding, esc(f.coding),
		PlaceholderCharset, esc(Charset),
	).Replace(tmpl)
}

// coding is the PlaceholderCoding value for text.
func coding(text string) string {
	if enc, _, _ := Parts(text); enc == EncodingUCS2 {
		return CodingUCS2
	}
	return CodingGSM7
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
