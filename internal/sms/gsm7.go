package sms

// GSM 03.38 default alphabet, indexed by septet value. 0x1B is the escape
// to the extension table and has no character of its own.
var gsmBasic = [128]rune{
	'@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
	'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', 0x1B, 'Æ', 'æ', 'ß', 'É',
	' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
	'¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
	'¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
}

// gsmExt maps the extension table: each of these costs the escape septet
// plus this one, which is why they count as 2 toward the part limits.
var gsmExt = map[rune]byte{
	'\f': 0x0A, '^': 0x14, '{': 0x28, '}': 0x29, '\\': 0x2F,
	'[': 0x3C, '~': 0x3D, ']': 0x3E, '|': 0x40, '€': 0x65,
}

const gsmEscape = 0x1B

// gsmBasicIndex maps a character of the default alphabet to its septet.
var gsmBasicIndex = func() map[rune]byte {
	m := make(map[rune]byte, len(gsmBasic))
	for i, r := range gsmBasic {
		if i != gsmEscape {
			m[r] = byte(i)
		}
	}
	return m
}()

// gsmSeptets returns the septets encoding r, or nil when r is not in the
// default alphabet or its extension table.
func gsmSeptets(r rune) []byte {
	if b, ok := gsmBasicIndex[r]; ok {
		return []byte{b}
	}
	if b, ok := gsmExt[r]; ok {
		return []byte{gsmEscape, b}
	}
	return nil
}

// encodeGSM7 converts s to unpacked septets, one per octet, which is what
// SMSCs expect for data_coding 0. ok is false if a rune has no GSM mapping.
func encodeGSM7(s string) (out []byte, ok bool) {
	out = make([]byte, 0, len(s))
	for _, r := range s {
		sep := gsmSeptets(r)
		if sep == nil {
			return nil, false
		}
		out = append(out, sep...)
	}
	return out, true
}
