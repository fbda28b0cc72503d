package sms

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// SMPP 3.4 command ids the transmitter sends and expects.
const (
	cmdGenericNack      uint32 = 0x80000000
	cmdBindTransmitter  uint32 = 0x00000002
	cmdBindTransmitterR uint32 = 0x80000002
	cmdSubmitSM         uint32 = 0x00000004
	cmdSubmitSMResp     uint32 = 0x80000004
	cmdUnbind           uint32 = 0x00000006
	cmdUnbindResp       uint32 = 0x80000006
	cmdEnquireLink      uint32 = 0x00000015
	cmdEnquireLinkResp  uint32 = 0x80000015

	respBit uint32 = 0x80000000
)

const (
	pduHeaderLen = 16
	// maxPDULen bounds allocation from a hostile length field; real PDUs
	// (254-octet short_message plus TLVs) stay far below it.
	maxPDULen = 64 << 10
)

// errPDU marks malformed PDUs.
var errPDU = errors.New("smpp: malformed PDU")

// pdu is one SMPP protocol data unit; Body is everything after the header.
type pdu struct {
	ID, Status, Seq uint32
	Body            []byte
}

// marshal encodes the header (with computed command_length) and body.
func (p *pdu) marshal() []byte {
	b := make([]byte, pduHeaderLen, pduHeaderLen+len(p.Body))
	binary.BigEndian.PutUint32(b[0:], uint32(pduHeaderLen+len(p.Body)))
	binary.BigEndian.PutUint32(b[4:], p.ID)
	binary.BigEndian.PutUint32(b[8:], p.Status)
	binary.BigEndian.PutUint32(b[12:], p.Seq)
	return append(b, p.Body...)
}

// readPDU reads one PDU from r.
func readPDU(r io.Reader) (*pdu, error) {
	var hdr [pduHeaderLen]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[0:])
	if n < pduHeaderLen || n > maxPDULen {
		return nil, fmt.Errorf("%w: command_length %d", errPDU, n)
	}
	p := &pdu{
		ID:     binary.BigEndian.Uint32(hdr[4:]),
		Status: binary.BigEndian.Uint32(hdr[8:]),
		Seq:    binary.BigEndian.Uint32(hdr[12:]),
		Body:   make([]byte, n-pduHeaderLen),
	}
	if _, err := io.ReadFull(r, p.Body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return p, nil
}

// bodyWriter builds a PDU body field by field.
type bodyWriter struct{ b []byte }

// cstr appends a C-octet string; callers check lengths before, as the
// spec's maxima differ per field.
func (w *bodyWriter) cstr(s string) *bodyWriter {
	w.b = append(append(w.b, s...), 0)
	return w
}

func (w *bodyWriter) u8(v byte) *bodyWriter {
	w.b = append(w.b, v)
	return w
}

func (w *bodyWriter) raw(v []byte) *bodyWriter {
	w.b = append(w.b, v...)
	return w
}

// bodyReader decodes fields; the first error sticks so callers check once.
type bodyReader struct {
	b   []byte
	err error
}

// cstr reads a C-octet string of at most max octets including the NUL.
func (r *bodyReader) cstr(max int) string {
	if r.err != nil {
		return ""
	}
	i := bytes.IndexByte(r.b, 0)
	if i < 0 || i+1 > max {
		r.err = fmt.Errorf("%w: C-octet string unterminated or longer than %d", errPDU, max)
		return ""
	}
	s := string(r.b[:i])
	r.b = r.b[i+1:]
	return s
}
