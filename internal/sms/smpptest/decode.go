package smpptest

import (
	"errors"
	"unicode/utf16"
)

// submit_sm field values the decoder interprets (SMPP 3.4 section 5.2).
const (
	tonInternational = 0x01
	// ESMClassUDHI is the esm_class bit saying short_message starts with a user
	// data header; the transport sets it on every part of a concatenated message.
	ESMClassUDHI = 0x40
	// CodingGSM7 and CodingUCS2 are the data_coding values for the GSM 03.38
	// default alphabet (one septet per octet) and UCS-2 big endian.
	CodingGSM7 = 0x00
	CodingUCS2 = 0x08
)

// DecodeSubmit parses a submit_sm body, including a concatenation UDH.
// data_coding 8 decodes as UCS-2, anything else as unpacked GSM-7.
func DecodeSubmit(body []byte) (Submit, error) {
	var sub Submit
	r := bodyReader{b: body}
	r.cstr(6) // service_type
	r.u8()    // source_addr_ton
	r.u8()    // source_addr_npi
	sub.From = r.cstr(21)
	dton := r.u8()
	r.u8() // dest_addr_npi
	sub.To = r.cstr(21)
	if dton == tonInternational {
		sub.To = "+" + sub.To
	}
	sub.ESMClass = r.u8()
	r.u8()     // protocol_id
	r.u8()     // priority_flag
	r.cstr(17) // schedule_delivery_time
	r.cstr(17) // validity_period
	r.u8()     // registered_delivery
	r.u8()     // replace_if_present_flag
	sub.DataCoding = r.u8()
	r.u8() // sm_default_msg_id
	sm := r.bytes(int(r.u8()))
	if r.err != nil {
		return sub, r.err
	}
	if sub.ESMClass&ESMClassUDHI != 0 {
		if len(sm) < 1 || int(sm[0])+1 > len(sm) {
			return sub, errors.New("smpptest: UDH longer than short_message")
		}
		udh := sm[1 : 1+int(sm[0])]
		sm = sm[1+int(sm[0]):]
		for len(udh) >= 2 {
			iei, l := udh[0], int(udh[1])
			if 2+l > len(udh) {
				return sub, errors.New("smpptest: truncated UDH element")
			}
			if iei == 0x00 && l == 3 { // concatenated short message, 8-bit reference
				sub.Ref, sub.Total, sub.Seq = int(udh[2]), int(udh[3]), int(udh[4])
			}
			udh = udh[2+l:]
		}
		if sub.Total > 1 && (sub.Seq < 1 || sub.Seq > sub.Total) {
			return sub, errors.New("smpptest: concatenation sequence out of range")
		}
	}
	sub.Text = DecodeText(sub.DataCoding, sm)
	return sub, nil
}

// DecodeText decodes one part's short_message: UCS-2 big endian for
// data_coding 8, unpacked GSM-7 septets for anything else.
func DecodeText(coding byte, b []byte) string {
	if coding == CodingUCS2 {
		units := make([]uint16, len(b)/2)
		for i := range units {
			units[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
		return string(utf16.Decode(units))
	}
	return decodeGSM7(b)
}

// gsm7Basic is the GSM 03.38 default alphabet in septet order, 0x00 to 0x7F.
// Septet 0x1B (escape to the extension table) stands as a space, which is what
// a lone escape decodes to.
var gsm7Basic = []rune("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")

// gsm7Ext is the extension table: the character of the septet after an escape.
var gsm7Ext = map[byte]rune{
	0x0A: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2F: '\\',
	0x3C: '[', 0x3D: '~', 0x3E: ']', 0x40: '|', 0x65: '€',
}

const gsm7Escape = 0x1B

// decodeGSM7 decodes unpacked septets. An escape followed by a code the
// extension table lacks decodes as that code's basic character, as 03.38
// recommends for receivers.
func decodeGSM7(b []byte) string {
	out := make([]rune, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i] & 0x7F
		if c == gsm7Escape && i+1 < len(b) {
			i++
			next := b[i] & 0x7F
			if r, ok := gsm7Ext[next]; ok {
				out = append(out, r)
			} else {
				out = append(out, gsm7Basic[next])
			}
			continue
		}
		out = append(out, gsm7Basic[c])
	}
	return string(out)
}
