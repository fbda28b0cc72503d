package web

import "github.com/ispportal/portal/internal/core"

// Message keys of the form checks below (internal/web/locales).
const (
	KeyRequired = "form.required"
	KeyControl  = "form.control"
)

// FormLine reads a single-line form value through core.Line and returns it with the
// message key of what is wrong ("" when nothing): KeyControl for control or invisible
// formatting characters. Refused values come back as typed, to be shown again.
func FormLine(v string) (string, string) {
	n, err := core.Line(v)
	if err != nil {
		return v, KeyControl
	}
	return n, ""
}

// FormText is FormLine for multi-line values (core.Text).
func FormText(v string) (string, string) {
	n, err := core.Text(v)
	if err != nil {
		return v, KeyControl
	}
	return n, ""
}
