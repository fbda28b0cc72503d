package buttons_test

import (
	"errors"
	"testing"

	"github.com/ispportal/portal/modules/buttons"
)

func TestCheckURL(t *testing.T) {
	good := []string{"https://www.isp.example/", "http://speed.isp.example:8080/test?a=1#x", "mailto:help@isp.example",
		"mailto:help@isp.example?subject=Portal", "https://xn--kd-ica.example/"}
	bad := []string{"", "javascript:alert(1)", "JavaScript:alert(1)", "JAVASCRIPT:alert(1)", " javascript:alert(1)",
		"java\tscript:alert(1)", "java\nscript:alert(1)", "\x01javascript:alert(1)", "javascript&colon;alert(1)",
		"data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "/relative/path", "relative", "//evil.example/",
		"https:evil.example", "http://", "https:///path", "ftp://files.isp.example/", "file:///etc/passwd",
		"https://user:pw@isp.example/", "https://isp.example/ x", "https://isp.example/\u202e", `https:\\evil.example`,
		"mailto:", "mailto:not an address", "mailto:a@b.example,javascript:alert(1)", "https://isp.example/\n",
		"https://isp.example/" + string(make([]byte, 2000))}
	for _, u := range good {
		if err := buttons.CheckURL(u); err != nil {
			t.Errorf("%q refused: %v", u, err)
		}
	}
	for _, u := range bad {
		if err := buttons.CheckURL(u); !errors.Is(err, buttons.ErrInvalid) {
			t.Errorf("%q accepted (err %v)", u, err)
		}
	}
}

func TestButtonValidate(t *testing.T) {
	ok := buttons.Button{LabelEN: "Speed test", URL: "https://x.example/"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string]buttons.Button{
		"no label":    {URL: "https://x.example/"},
		"long label":  {LabelEN: "0123456789012345678901234567890123456789x", URL: "https://x.example/"},
		"ctrl label":  {LabelEN: "Speed\x1btest", URL: "https://x.example/"},
		"spaces only": {LabelEN: " \n\t ", URL: "https://x.example/"},
		"bidi label":  {LabelEN: "Speed\u202etest", URL: "https://x.example/"},
		"ctrl cs":     {LabelEN: "Speed", LabelCS: "Te\x00st", URL: "https://x.example/"},
		"bad order":   {LabelEN: "Speed", URL: "https://x.example/", SortOrder: -1},
		"javascript:": {LabelEN: "Speed", URL: "javascript:alert(1)"},
	} {
		if err := b.Validate(); !errors.Is(err, buttons.ErrInvalid) {
			t.Errorf("%s accepted", name)
		}
	}
	// A line break in a label is made a space (single-line text is normalised), not
	// refused.
	if err := (buttons.Button{LabelEN: "Speed\ntest", URL: "https://x.example/"}).Validate(); err != nil {
		t.Errorf("label with a line break: %v", err)
	}
}
