package smpptest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// SMPP 3.4 command ids the server answers (section 5.1.2.1).
const (
	cmdGenericNack     uint32 = 0x80000000
	cmdBindTransmitter uint32 = 0x00000002
	cmdSubmitSM        uint32 = 0x00000004
	cmdUnbind          uint32 = 0x00000006
	cmdEnquireLink     uint32 = 0x00000015

	// respBit marks a response: its id is the request's with the top bit set.
	respBit uint32 = 0x80000000
)

// maxPDU bounds what a client may make the server allocate; a submit_sm with
// its 254-octet short_message stays far below it.
const maxPDU = 64 << 10

// header is the fixed 16-octet PDU header, all fields big-endian.
type header struct {
	Length, ID, Status, Seq uint32
}

var headerLen = uint32(binary.Size(header{}))

// errMalformed marks PDUs that break the framing or a field's limits.
var errMalformed = errors.New("smpptest: malformed PDU")

// pdu is one request or response; Body is everything after the header.
type pdu struct {
	ID, Status, Seq uint32
	Body            []byte
}

// readPDU reads one PDU from r.
func readPDU(r io.Reader) (*pdu, error) {
	var h header
	if err := binary.Read(r, binary.BigEndian, &h); err != nil {
		return nil, err
	}
	if h.Length < headerLen || h.Length > maxPDU {
		return nil, fmt.Errorf("%w: command_length %d", errMalformed, h.Length)
	}
	p := &pdu{ID: h.ID, Status: h.Status, Seq: h.Seq, Body: make([]byte, h.Length-headerLen)}
	if _, err := io.ReadFull(r, p.Body); err != nil {
		return nil, fmt.Errorf("%w: body: %v", errMalformed, err)
	}
	return p, nil
}

// marshal encodes p with its command_length.
func (p *pdu) marshal() []byte {
	var b bytes.Buffer
	h := header{Length: headerLen + uint32(len(p.Body)), ID: p.ID, Status: p.Status, Seq: p.Seq}
	_ = binary.Write(&b, binary.BigEndian, h) // writing to a bytes.Buffer cannot fail
	b.Write(p.Body)
	return b.Bytes()
}

// bodyReader takes a PDU body apart field by field; the first error sticks,
// so a caller checks err once after reading every field.
type bodyReader struct {
	b   []byte
	err error
}

// cstr reads a C-octet string of at most max octets, its NUL included.
func (r *bodyReader) cstr(max int) string {
	if r.err != nil {
		return ""
	}
	s, rest, ok := bytes.Cut(r.b, []byte{0})
	if !ok || len(s)+1 > max {
		r.err = fmt.Errorf("%w: C-octet string unterminated or longer than %d", errMalformed, max)
		return ""
	}
	r.b = rest
	return string(s)
}

// u8 reads one octet.
func (r *bodyReader) u8() byte {
	b := r.bytes(1)
	if b == nil {
		return 0
	}
	return b[0]
}

// bytes reads n octets.
func (r *bodyReader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if len(r.b) < n {
		r.err = fmt.Errorf("%w: body too short", errMalformed)
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}
