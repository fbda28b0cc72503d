package sms

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestReadPDU(t *testing.T) {
	valid := (&pdu{ID: cmdEnquireLink, Seq: 7}).marshal()
	tests := []struct {
		name    string
		in      []byte
		ok      bool
		badPDU  bool // the error is errPDU rather than a read error
		wantErr error
	}{
		{"enquire_link", valid, true, false, nil},
		{"empty", nil, false, false, io.EOF},
		{"short header", valid[:10], false, false, io.ErrUnexpectedEOF},
		{"length below header", []byte{0, 0, 0, 8, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 1}, false, true, nil},
		{"huge length", []byte{0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0x15, 0, 0, 0, 0, 0, 0, 0, 1}, false, true, nil},
		{"body missing", []byte{0, 0, 0, 20, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1}, false, false, io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := readPDU(bytes.NewReader(tt.in))
			if tt.ok != (err == nil) {
				t.Fatalf("readPDU error = %v, want ok %v", err, tt.ok)
			}
			if tt.badPDU && !errors.Is(err, errPDU) {
				t.Fatalf("error %v is not errPDU", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if p != nil && (p.ID != cmdEnquireLink || p.Seq != 7) {
				t.Fatalf("decoded %+v", p)
			}
		})
	}
}

// FuzzReadPDU feeds arbitrary bytes to the PDU reader the transmitter uses on
// the SMSC's answers: it must never panic, and a PDU it reads must re-encode
// to the bytes it consumed.
func FuzzReadPDU(f *testing.F) {
	bodies, _ := submitBodies("ISP", Message{To: "+420777123456", Text: string(bytes.Repeat([]byte("€a"), 120))}, 1)
	for _, b := range bodies {
		f.Add((&pdu{ID: cmdSubmitSM, Seq: 1, Body: b}).marshal())
	}
	f.Add((&pdu{ID: cmdSubmitSMResp, Seq: 2, Body: []byte("msg-1\x00")}).marshal())
	f.Add([]byte{0, 0, 0, 16, 0x80, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 9})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		p, err := readPDU(r)
		if err != nil {
			return
		}
		if consumed := data[:len(data)-r.Len()]; !bytes.Equal(p.marshal(), consumed) {
			t.Fatalf("re-encoding differs")
		}
		br := bodyReader{b: p.Body}
		br.cstr(65)
	})
}
