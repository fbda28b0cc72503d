package sms_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/sms"
	"github.com/ispportal/portal/internal/sms/smpptest"
)

// The transport's encoders checked against the test SMSC's decoders, which are
// written from the specifications and share no code with them.

func TestSubmitRoundTrip(t *testing.T) {
	bodies, err := sms.SubmitBodies("+420600000000", sms.Message{To: testNumber, Text: "Ahoj 😀 "}, 9)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := smpptest.DecodeSubmit(bodies[0])
	if err != nil {
		t.Fatal(err)
	}
	if sub.From != "420600000000" || sub.To != testNumber || sub.Text != "Ahoj 😀 " || sub.DataCoding != smpptest.CodingUCS2 {
		t.Fatalf("decoded %+v", sub)
	}
}

// FuzzPartEncoding checks that every part of a split text decodes back to
// itself in the coding the transport declares for it.
func FuzzPartEncoding(f *testing.F) {
	// The last seed is the whole GSM 03.38 alphabet and its extension table.
	gsm := "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€\f"
	for _, s := range []string{"", "Hello", "€€€", "Příliš 😀", strings.Repeat("a{", 100), gsm} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			return // invalid bytes become U+FFFD and cannot come back
		}
		enc, segs, _ := sms.Split(text)
		coding := byte(smpptest.CodingGSM7)
		if enc == sms.EncodingUCS2 {
			coding = smpptest.CodingUCS2
		}
		for _, seg := range segs {
			if got := smpptest.DecodeText(coding, sms.EncodePart(enc, seg)); got != seg {
				t.Fatalf("round trip %q -> %q", seg, got)
			}
		}
	})
}

// FuzzDecodeSubmit feeds arbitrary bodies to the test SMSC's submit_sm decoder,
// which must never panic on what a client sends.
func FuzzDecodeSubmit(f *testing.F) {
	bodies, _ := sms.SubmitBodies("ISP", sms.Message{To: testNumber, Text: string(bytes.Repeat([]byte("€a"), 120))}, 1)
	for _, b := range bodies {
		f.Add(b)
	}
	f.Add([]byte("portal\x00secret\x00\x00\x34\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, body []byte) {
		_, _ = smpptest.DecodeSubmit(body)
	})
}
