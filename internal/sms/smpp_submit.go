package sms

import (
	"errors"
	"strings"
	"unicode/utf16"
)

// SMPP field values used in submit_sm.
const (
	tonUnknown       = 0x00
	tonInternational = 0x01
	tonNetwork       = 0x03 // network-specific: short codes
	tonAlphanumeric  = 0x05
	npiUnknown       = 0x00
	npiISDN          = 0x01 // E.164

	codingGSM7 = 0x00
	codingUCS2 = 0x08

	esmUDHI = 0x40 // short_message starts with a user data header

	// maxAlphaSender is the longest alphanumeric originator GSM can carry.
	maxAlphaSender = 11
	// maxAddrLen is the 21-octet source/destination_addr field minus its NUL.
	maxAddrLen = 20
)

var errBadDestination = errors.New("destination must be digits with an optional leading +")

// destAddr maps a recipient to TON/NPI/digits: "+…" is international E.164.
func destAddr(to string) (ton, npi byte, addr string, err error) {
	digits, intl := strings.CutPrefix(to, "+")
	if digits == "" || len(digits) > maxAddrLen || strings.Trim(digits, "0123456789") != "" {
		return 0, 0, "", errBadDestination
	}
	if intl {
		return tonInternational, npiISDN, digits, nil
	}
	return tonUnknown, npiISDN, digits, nil
}

// sourceAddr maps the configured originator: E.164, a short code, or an
// alphanumeric name (which handsets show instead of a number).
func sourceAddr(src string) (ton, npi byte, addr string, err error) {
	if src == "" {
		return tonUnknown, npiUnknown, "", nil
	}
	digits, intl := strings.CutPrefix(src, "+")
	if digits != "" && strings.Trim(digits, "0123456789") == "" && len(digits) <= maxAddrLen {
		switch {
		case intl:
			return tonInternational, npiISDN, digits, nil
		case len(digits) <= 8:
			return tonNetwork, npiISDN, digits, nil
		default:
			return tonUnknown, npiISDN, digits, nil
		}
	}
	if intl || len(src) > maxAlphaSender {
		return 0, 0, "", errors.New("source address must be a number or at most 11 characters")
	}
	if _, ok := encodeGSM7(src); !ok {
		return 0, 0, "", errors.New("alphanumeric source address must use GSM characters")
	}
	return tonAlphanumeric, npiUnknown, src, nil
}

// submitBodies builds one submit_sm body per part of m. ref identifies the
// concatenated message so the handset can reassemble its parts.
func submitBodies(src string, m Message, ref byte) ([][]byte, error) {
	dton, dnpi, dst, err := destAddr(m.To)
	if err != nil {
		return nil, err
	}
	ston, snpi, srcAddr, err := sourceAddr(src)
	if err != nil {
		return nil, err
	}
	enc, segs, _ := split(m.Text)
	coding := byte(codingGSM7)
	if enc == EncodingUCS2 {
		coding = codingUCS2
	}
	bodies := make([][]byte, 0, len(segs))
	for i, seg := range segs {
		payload := encodePart(enc, seg)
		esm := byte(0)
		if len(segs) > 1 {
			// IE 0x00: concatenated short message, 8-bit reference.
			udh := []byte{0x05, 0x00, 0x03, ref, byte(len(segs)), byte(i + 1)}
			payload = append(udh, payload...)
			esm = esmUDHI
		}
		w := &bodyWriter{}
		w.cstr("") // service_type: SMSC default
		w.u8(ston).u8(snpi).cstr(srcAddr)
		w.u8(dton).u8(dnpi).cstr(dst)
		w.u8(esm)
		w.u8(0)      // protocol_id
		w.u8(0)      // priority_flag
		w.cstr("")   // schedule_delivery_time: now
		w.cstr("")   // validity_period: SMSC default
		w.u8(0)      // registered_delivery: a transmitter cannot receive receipts
		w.u8(0)      // replace_if_present_flag
		w.u8(coding) // data_coding
		w.u8(0)      // sm_default_msg_id
		w.u8(byte(len(payload)))
		w.raw(payload)
		bodies = append(bodies, w.b)
	}
	return bodies, nil
}

// encodePart renders one part: unpacked septets or UCS-2 big endian.
func encodePart(enc, s string) []byte {
	if enc == EncodingGSM7 {
		b, _ := encodeGSM7(s) // split chose GSM-7, so every rune maps
		return b
	}
	units := utf16.Encode([]rune(s))
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		b = append(b, byte(u>>8), byte(u))
	}
	return b
}
