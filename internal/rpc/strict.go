package rpc

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ispportal/portal/internal/core"
)

// PathError is a difference between a JSON value and the Go type it is meant for,
// named by the path the caller wrote ("clients[3].number").
type PathError struct {
	Path string
	Msg  string
}

// CheckStrict walks the JSON value raw against the type t it will be decoded into and
// returns the first difference: a member name that is not one of t's exactly (case
// included: encoding/json would match "NAME" to name), a member given twice, or a
// value of the wrong kind or out of range. encoding/json only reports Go field names
// without array indexes ("clients.ClientFields.number"); this names the request's path.
// raw must be valid JSON (the body was checked with json.Valid); it is scanned in place,
// without a token per value, because traffic.push sends 100,000 readings in one call.
func CheckStrict(raw []byte, t reflect.Type, root string) *PathError {
	w := strictWalker{b: raw}
	if root != "" {
		w.path = append(w.path, pathSeg{key: root})
	}
	if err := w.value(t); err != nil {
		return err
	}
	if w.skipWS(); w.i != len(w.b) {
		return w.fail("malformed JSON")
	}
	return nil
}

// pathSeg is one step of a path: a member name, or an array index when key is "".
type pathSeg struct {
	key string
	idx int
}

// pathStack is the path to the value being looked at. It is written out only for an
// error: building a string per value cost more than the rest of the scan.
type pathStack []pathSeg

func (p pathStack) String() string {
	var b strings.Builder
	for _, s := range p {
		if s.key == "" {
			b.WriteString("[" + strconv.Itoa(s.idx) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	if b.Len() == 0 {
		return "params"
	}
	return b.String()
}

// strictWalker scans JSON text known to be valid; a byte it does not expect still
// ends the scan with "malformed JSON" rather than a panic.
type strictWalker struct {
	b    []byte
	i    int
	path pathStack
}

func (w *strictWalker) fail(msg string) *PathError {
	return &PathError{Path: w.path.String(), Msg: msg}
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func (w *strictWalker) skipWS() {
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

// peek returns the first byte of the next value (0 at the end).
func (w *strictWalker) peek() byte {
	w.skipWS()
	if w.i < len(w.b) {
		return w.b[w.i]
	}
	return 0
}

// skipValue moves past the next value and returns its text.
func (w *strictWalker) skipValue() ([]byte, bool) {
	w.skipWS()
	start := w.i
	if w.i >= len(w.b) {
		return nil, false
	}
	switch w.b[w.i] {
	case '"':
		ok := w.skipString()
		return w.b[start:w.i], ok
	case '{', '[':
		for depth := 0; w.i < len(w.b); {
			switch w.b[w.i] {
			case '"':
				if !w.skipString() {
					return nil, false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					w.i++
					return w.b[start:w.i], true
				}
			}
			w.i++
		}
		return nil, false
	}
	// A number, true, false or null: up to the next delimiter.
	for ; w.i < len(w.b); w.i++ {
		switch w.b[w.i] {
		case ',', ':', '}', ']', ' ', '\t', '\n', '\r':
			return w.b[start:w.i], w.i > start
		}
	}
	return w.b[start:w.i], w.i > start
}

// skipString moves past the string starting at w.i.
func (w *strictWalker) skipString() bool {
	for w.i++; w.i < len(w.b); w.i++ {
		switch w.b[w.i] {
		case '\\':
			w.i++
		case '"':
			w.i++
			return true
		}
	}
	return false
}

// expect consumes the byte c after white space.
func (w *strictWalker) expect(c byte) bool {
	if w.peek() != c {
		return false
	}
	w.i++
	return true
}

// kind names what a JSON value starting with c is, for messages.
func kind(v []byte) string {
	switch {
	case len(v) == 0:
		return "nothing"
	case v[0] == '{':
		return "an object"
	case v[0] == '[':
		return "an array"
	case v[0] == '"':
		return "a string"
	case v[0] == 't' || v[0] == 'f':
		return string(v)
	case v[0] == 'n':
		return "null"
	}
	return "number " + string(v)
}

// value checks the next value of the input against t.
func (w *strictWalker) value(t reflect.Type) *PathError {
	// null is allowed for every type (encoding/json leaves the value as it was), so
	// pointers need no case of their own.
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	c := w.peek()
	if c == 'n' {
		if _, ok := w.skipValue(); !ok {
			return w.fail("malformed JSON")
		}
		return nil
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		// The type parses itself (time.Time, json.RawMessage): let it try.
		raw, ok := w.skipValue()
		if !ok {
			return w.fail("malformed JSON")
		}
		v := reflect.New(t).Interface()
		var err error
		if u, ok := v.(json.Unmarshaler); ok {
			err = u.UnmarshalJSON(raw) // directly: the text is known to be valid JSON
		} else {
			err = json.Unmarshal(raw, v)
		}
		if err != nil {
			return w.fail("must be " + jsonKind(t))
		}
		return nil
	}
	wrong := func() *PathError {
		v, ok := w.skipValue()
		if !ok {
			return w.fail("malformed JSON")
		}
		return w.fail("must be " + jsonKind(t) + ", not " + kind(v))
	}
	switch t.Kind() {
	case reflect.Interface:
		if _, ok := w.skipValue(); !ok {
			return w.fail("malformed JSON")
		}
		return nil
	case reflect.Struct, reflect.Map:
		if c != '{' {
			return wrong()
		}
		w.i++
		var fields map[string]reflect.Type
		if t.Kind() == reflect.Struct {
			fields = jsonFields(t)
		}
		var seen memberSet
		for first := true; ; first = false {
			if w.peek() == '}' {
				w.i++
				return nil
			}
			if !first && !w.expect(',') {
				return w.fail("malformed JSON")
			}
			rawKey, ok := w.skipValue()
			if !ok || len(rawKey) < 2 || rawKey[0] != '"' || !w.expect(':') {
				return w.fail("malformed JSON")
			}
			key := string(rawKey[1 : len(rawKey)-1])
			if bytes.IndexByte(rawKey, '\\') >= 0 && json.Unmarshal(rawKey, &key) != nil {
				return w.fail("malformed JSON")
			}
			var ft reflect.Type
			if fields != nil {
				f, ok := fields[key]
				if !ok {
					w.path = append(w.path, pathSeg{key: key})
					return w.fail("unknown field")
				}
				ft = f
			} else {
				ft = t.Elem()
			}
			w.path = append(w.path, pathSeg{key: key})
			if !seen.add(key) {
				return w.fail("given twice")
			}
			if err := w.value(ft); err != nil {
				return err
			}
			w.path = w.path[:len(w.path)-1]
		}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			// []byte is base64 text in encoding/json.
			if c != '"' {
				return wrong()
			}
			w.skipValue()
			return nil
		}
		if c != '[' {
			return wrong()
		}
		w.i++
		for n := 0; ; n++ {
			if w.peek() == ']' {
				w.i++
				return nil
			}
			if n > 0 && !w.expect(',') {
				return w.fail("malformed JSON")
			}
			if t.Kind() == reflect.Array && n >= t.Len() {
				return w.fail("must have at most " + strconv.Itoa(t.Len()) + " items")
			}
			w.path = append(w.path, pathSeg{idx: n})
			if err := w.value(t.Elem()); err != nil {
				return err
			}
			w.path = w.path[:len(w.path)-1]
		}
	case reflect.String:
		if c != '"' {
			return wrong()
		}
		w.skipValue()
	case reflect.Bool:
		if c != 't' && c != 'f' {
			return wrong()
		}
		w.skipValue()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		if c != '-' && (c < '0' || c > '9') {
			return wrong()
		}
		v, ok := w.skipValue()
		if !ok {
			return w.fail("malformed JSON")
		}
		if msg := checkNumber(string(v), t); msg != "" {
			return w.fail(msg)
		}
		return nil
	default:
		return w.fail("is not accepted")
	}
	return nil
}

// memberSet remembers the member names of one object: a slice while they are few
// (objects of the API have a dozen members), a map beyond.
type memberSet struct {
	few  []string
	many map[string]bool
}

// add reports false when name was there already.
func (m *memberSet) add(name string) bool {
	if m.many != nil {
		if m.many[name] {
			return false
		}
		m.many[name] = true
		return true
	}
	if slices.Contains(m.few, name) {
		return false
	}
	if m.few = append(m.few, name); len(m.few) > 32 {
		m.many = map[string]bool{}
		for _, n := range m.few {
			m.many[n] = true
		}
	}
	return true
}

// checkNumber says what is wrong with the JSON number n for t, or "".
func checkNumber(n string, t reflect.Type) string {
	var err error
	want := "an integer"
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		_, err = strconv.ParseInt(n, 10, t.Bits())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		_, err = strconv.ParseUint(n, 10, t.Bits())
		want = "a non-negative integer"
	default:
		_, err = strconv.ParseFloat(n, t.Bits())
		want = "a number"
	}
	switch {
	case err == nil:
		return ""
	case errors.Is(err, strconv.ErrRange):
		return "is out of range"
	}
	return "must be " + want + ", not " + n
}

// fieldCache holds jsonFields per struct type.
var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// jsonFields maps the JSON member names of struct type t to their types, the way
// encoding/json sees them: fields of untagged embedded structs are promoted, fields
// tagged "-" and unexported ones are left out.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if v, ok := fieldCache.Load(t); ok {
		return v.(map[string]reflect.Type)
	}
	out := map[string]reflect.Type{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if _, dup := out[name]; !dup {
				// The shallower field wins, as in encoding/json (ours never clash).
				out[name] = f.Type
			}
		}
	}
	walk(t)
	fieldCache.Store(t, out)
	return out
}

// siblingJSONName returns the JSON name of the Go field goName that sits beside the
// field at structNS (a validator's StructNamespace, "ClientsPushParams.Clients[3].Number")
// in root: rules such as required_without name Go fields, callers know JSON names.
func siblingJSONName(root reflect.Type, structNS, goName string) string {
	elem := func(t reflect.Type) reflect.Type {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		return t
	}
	t := elem(root)
	parts := strings.Split(structNS, ".")
	for _, p := range parts[min(1, len(parts)):max(1, len(parts)-1)] {
		name, _, _ := strings.Cut(p, "[")
		if t.Kind() != reflect.Struct {
			return goName
		}
		f, ok := t.FieldByName(name)
		if !ok {
			return goName
		}
		t = elem(f.Type)
	}
	if t.Kind() == reflect.Struct {
		if f, ok := t.FieldByName(goName); ok {
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" && name != "-" {
				return name
			}
		}
	}
	return goName
}

// normalizeText runs every string of decoded params through the shared normaliser
// (core.Line, or core.Text for fields tagged text:"multiline"; text:"raw" fields such
// as passwords and setting values stay as sent), before the validate rules see them:
// a number of spaces only is then empty and "required" refuses it. It returns the
// first value refused, with its path.
func normalizeText(v reflect.Value, path pathStack) *PathError {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return normalizeText(v.Elem(), path)
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			fv := v.Field(i)
			p := path
			if !f.Anonymous {
				if name == "" {
					name = f.Name
				}
				p = append(path, pathSeg{key: name})
			}
			if fv.Kind() == reflect.String {
				if err := normalizeString(fv, f.Tag.Get("text"), p); err != nil {
					return err
				}
				continue
			}
			if err := normalizeText(fv, p); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil // bytes, not text (json.RawMessage)
		}
		for i := 0; i < v.Len(); i++ {
			ev := v.Index(i)
			p := append(path, pathSeg{idx: i})
			if ev.Kind() == reflect.String {
				if err := normalizeString(ev, "", p); err != nil {
					return err
				}
				continue
			}
			if err := normalizeText(ev, p); err != nil {
				return err
			}
		}
	}
	return nil
}

func normalizeString(v reflect.Value, kind string, path pathStack) *PathError {
	if kind == "raw" || !v.CanSet() {
		return nil
	}
	norm := core.Line
	if kind == "multiline" {
		norm = core.Text
	}
	s, err := norm(v.String())
	if err != nil {
		return &PathError{Path: path.String(), Msg: err.Error()}
	}
	if s != v.String() {
		v.SetString(s)
	}
	return nil
}
