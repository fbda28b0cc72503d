package sms

import (
	"bytes"
	"errors"
	"testing"
)

func TestDecodePDU(t *testing.T) {
	valid := (&pdu{ID: cmdEnquireLink, Seq: 7}).marshal()
	tests := []struct {
		name string
		in   []byte
		ok   bool
	}{
		{"enquire_link", valid, true},
		{"empty", nil, false},
		{"short header", valid[:10], false},
		{"length below header", []byte{0, 0, 0, 8, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 1}, false},
		{"huge length", []byte{0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 1}, false},
		{"body missing", []byte{0, 0, 0, 20, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1}, false},
		{"trailing bytes", append(append([]byte{}, valid...), 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := decodePDU(tt.in)
			if tt.ok != (err == nil) {
				t.Fatalf("decodePDU error = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, errPDU) {
				t.Fatalf("error %v is not errPDU", err)
			}
			if p != nil && (p.ID != cmdEnquireLink || p.Seq != 7) {
				t.Fatalf("decoded %+v", p)
			}
		})
	}
}

func TestSubmitRoundTrip(t *testing.T) {
	bodies, err := submitBodies("+420600000000", Message{To: testNumber, Text: "Ahoj 😀 "}, 9)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := decodeSubmit(bodies[0])
	if err != nil {
		t.Fatal(err)
	}
	if sub.From != "420600000000" || sub.To != testNumber || sub.Text != "Ahoj 😀 " || sub.DataCoding != codingUCS2 {
		t.Fatalf("decoded %+v", sub)
	}
}

// FuzzDecodePDU feeds arbitrary bytes to the PDU and submit_sm decoders the
// test SMSC uses: they must never panic, and a decoded PDU must re-encode
// to the same bytes.
func FuzzDecodePDU(f *testing.F) {
	bodies, _ := submitBodies("ISP", Message{To: testNumber, Text: string(bytes.Repeat([]byte("€a"), 120))}, 1)
	for _, b := range bodies {
		f.Add((&pdu{ID: cmdSubmitSM, Seq: 1, Body: b}).marshal())
	}
	f.Add((&pdu{ID: cmdBindTransmitter, Seq: 2, Body: []byte("portal\x00secret\x00\x00\x34\x00\x00\x00")}).marshal())
	f.Add([]byte{0, 0, 0, 16, 0x80, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 9})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := decodePDU(data)
		if err != nil {
			return
		}
		if !bytes.Equal(p.marshal(), data) {
			t.Fatalf("re-encoding differs")
		}
		_, _ = decodeSubmit(p.Body)
		r := bodyReader{b: p.Body}
		r.cstr(16)
		r.cstr(9)
	})
}
