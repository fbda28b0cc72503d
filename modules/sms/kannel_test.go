package sms

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/sms/kanneltest"
)

// TestKannelGetsCodingPerMessage sends through the portal's HTTP gateway transport to
// a real Kannel (bearerbox, smsbox, fake SMSC) configured the documented way: the
// credentials in the secret settings, the template carrying {coding} and {charset}.
// Czech must arrive intact as UCS-2, and a plain text as GSM-7 in as many parts as the
// portal counted (with a fixed coding=2 it would be 5 parts instead of 2; without a
// coding Czech letters arrive as "?").
func TestKannelGetsCodingPerMessage(t *testing.T) {
	f := newFixture(t)
	k := kanneltest.Start(t)
	f.env.Set("sms_notify", "gateway")
	f.env.Set("sms_gateway_url", k.Template())
	f.env.Set("sms_gateway_method", "GET")
	f.env.Set("sms_gateway_user", k.User)
	f.env.Set("sms_gateway_password", k.Password)
	f.env.Set("sms_sender", "NetWave")

	cases := []struct {
		name, text string
		ucs2       bool
		parts      int
	}{
		{"czech", "Příliš žluťoučký kůň úpěl ďábelské ódy.", true, 1},
		{"plain 300", strings.Repeat("Hello world. ", 23) + "!", false, 2},
		{"long czech", strings.Repeat("Dobrý den, zítra ráno bude výpadek. ", 3), true, 2},
	}
	seen := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			send(t, f, "+420777123456", tc.text)
			if sent, _ := f.runOnce(t); sent != 1 {
				t.Fatalf("not sent: %+v", f.messages(t, f.c1)[0])
			}
			if m := f.messages(t, f.c1)[0]; m.Parts != tc.parts || m.Status != StatusSent {
				t.Fatalf("the portal counted %d parts (%s), want %d", m.Parts, m.Status, tc.parts)
			}
			all := k.WaitForParts(t, seen+tc.parts, 20*time.Second)
			got := all[seen:]
			seen = len(all)
			time.Sleep(300 * time.Millisecond) // a surplus part would show up now
			if n := len(k.Parts()); n != seen {
				t.Fatalf("Kannel sent %d parts, the portal counted %d", tc.parts+n-seen, tc.parts)
			}
			var data []byte
			for i, p := range got {
				if p.To != "+420777123456" || p.From != "NetWave" {
					t.Errorf("part %d: from %q to %q", i, p.From, p.To)
				}
				if p.Total() != tc.parts {
					t.Errorf("part %d says %d parts, want %d", i, p.Total(), tc.parts)
				}
				if tc.parts == 1 {
					want := "text"
					if tc.ucs2 {
						want = "ucs-2"
					}
					if p.Type != want {
						t.Errorf("coding %q, want %q", p.Type, want)
					}
				}
				data = append(data, p.Data...)
			}
			var text string
			if tc.ucs2 {
				text = decodeUTF16BE(data)
			} else {
				// GSM-7 parts carry the text itself; a UCS-2 part would hold NUL bytes.
				if !utf8.Valid(data) || strings.ContainsRune(string(data), 0) {
					t.Fatalf("GSM-7 expected, got %q", data)
				}
				text = string(data)
			}
			if text != tc.text {
				t.Fatalf("the handset gets %q, want %q", text, tc.text)
			}
		})
	}
}

func decodeUTF16BE(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, binary.BigEndian.Uint16(b[i:]))
	}
	return string(utf16.Decode(u))
}
