package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/ispportal/portal/internal/core"
)

// pathError is a difference between a JSON value and the Go type it is meant for,
// named by the path the caller wrote ("clients[3].number").
type pathError struct {
	Path string
	Msg  string
}

func (e *pathError) Error() string { return e.Path + ": " + e.Msg }

// checkStrict walks the JSON value raw against the type t it will be decoded into and
// returns the first difference: a member name that is not one of t's exactly (case
// included: encoding/json would match "NAME" to name), a member given twice, or a
// value of the wrong kind or out of range. encoding/json only reports Go field names
// without array indexes ("clients.ClientFields.number"); this names the request's path.
// raw must be valid JSON (the body was checked with json.Valid).
func checkStrict(raw []byte, t reflect.Type, root string) *pathError {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	w := strictWalker{dec: dec}
	if err := w.value(t, root); err != nil {
		var pe *pathError
		if errors.As(err, &pe) {
			return pe
		}
		// The body passed json.Valid, so a decoder error here is a bug; refuse safely.
		return &pathError{Path: root, Msg: "malformed JSON"}
	}
	return nil
}

type strictWalker struct {
	dec *json.Decoder
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func joinPath(path, member string) string {
	if path == "" {
		return member
	}
	return path + "." + member
}

func nameOf(path string) string {
	if path == "" {
		return "params"
	}
	return path
}

// value checks the next value of the stream against t.
func (w *strictWalker) value(t reflect.Type, path string) error {
	// null is allowed for every type (encoding/json leaves the value as it was), so
	// pointers need no case of their own.
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		// The type parses itself (time.Time, json.RawMessage): let it try.
		var raw json.RawMessage
		if err := w.dec.Decode(&raw); err != nil {
			return err
		}
		if string(raw) == "null" {
			return nil
		}
		if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
			return &pathError{Path: nameOf(path), Msg: "must be " + jsonKind(t)}
		}
		return nil
	}
	tok, err := w.dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	wrong := func() error {
		return &pathError{Path: nameOf(path), Msg: "must be " + jsonKind(t) + ", not " + tokenKind(tok)}
	}
	switch t.Kind() {
	case reflect.Interface:
		return w.skip(tok)
	case reflect.Struct:
		if tok != json.Delim('{') {
			w.skip(tok)
			return wrong()
		}
		fields := jsonFields(t)
		seen := map[string]bool{}
		for w.dec.More() {
			k, err := w.dec.Token()
			if err != nil {
				return err
			}
			key, _ := k.(string)
			f, ok := fields[key]
			if !ok {
				return &pathError{Path: joinPath(path, key), Msg: "unknown field"}
			}
			if seen[key] {
				return &pathError{Path: joinPath(path, key), Msg: "given twice"}
			}
			seen[key] = true
			if err := w.value(f, joinPath(path, key)); err != nil {
				return err
			}
		}
		_, err := w.dec.Token() // }
		return err
	case reflect.Map:
		if tok != json.Delim('{') {
			w.skip(tok)
			return wrong()
		}
		seen := map[string]bool{}
		for w.dec.More() {
			k, err := w.dec.Token()
			if err != nil {
				return err
			}
			key, _ := k.(string)
			if seen[key] {
				return &pathError{Path: joinPath(path, key), Msg: "given twice"}
			}
			seen[key] = true
			if err := w.value(t.Elem(), joinPath(path, key)); err != nil {
				return err
			}
		}
		_, err := w.dec.Token()
		return err
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			// []byte is base64 text in encoding/json.
			if _, ok := tok.(string); !ok {
				w.skip(tok)
				return &pathError{Path: nameOf(path), Msg: "must be a base64 string, not " + tokenKind(tok)}
			}
			return nil
		}
		if tok != json.Delim('[') {
			w.skip(tok)
			return wrong()
		}
		for i := 0; w.dec.More(); i++ {
			if t.Kind() == reflect.Array && i >= t.Len() {
				return &pathError{Path: nameOf(path), Msg: "must have at most " + strconv.Itoa(t.Len()) + " items"}
			}
			if err := w.value(t.Elem(), path+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
		_, err := w.dec.Token()
		return err
	case reflect.String:
		if _, ok := tok.(string); !ok {
			w.skip(tok)
			return wrong()
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			w.skip(tok)
			return wrong()
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := tok.(json.Number)
		if !ok {
			w.skip(tok)
			return wrong()
		}
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return &pathError{Path: nameOf(path), Msg: "is out of range"}
			}
			return &pathError{Path: nameOf(path), Msg: "must be an integer, not " + string(n)}
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, ok := tok.(json.Number)
		if !ok {
			w.skip(tok)
			return wrong()
		}
		if _, err := strconv.ParseUint(string(n), 10, t.Bits()); err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return &pathError{Path: nameOf(path), Msg: "is out of range"}
			}
			return &pathError{Path: nameOf(path), Msg: "must be a non-negative integer, not " + string(n)}
		}
	case reflect.Float32, reflect.Float64:
		n, ok := tok.(json.Number)
		if !ok {
			w.skip(tok)
			return wrong()
		}
		if _, err := strconv.ParseFloat(string(n), t.Bits()); err != nil {
			return &pathError{Path: nameOf(path), Msg: "is out of range"}
		}
	default:
		return &pathError{Path: nameOf(path), Msg: "is not accepted"}
	}
	return nil
}

// skip consumes the rest of a value whose first token was tok.
func (w *strictWalker) skip(tok json.Token) error {
	d, ok := tok.(json.Delim)
	if !ok || (d != '{' && d != '[') {
		return nil
	}
	for depth := 1; depth > 0; {
		t, err := w.dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// tokenKind names the kind of a JSON token for an error message.
func tokenKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case json.Number:
		return "number " + string(v)
	case bool:
		return strconv.FormatBool(v)
	}
	return "null"
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
func normalizeText(v reflect.Value, path string) *pathError {
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
				p = joinPath(path, name)
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
			p := path + "[" + strconv.Itoa(i) + "]"
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

func normalizeString(v reflect.Value, kind, path string) *pathError {
	if kind == "raw" || !v.CanSet() {
		return nil
	}
	norm := core.Line
	if kind == "multiline" {
		norm = core.Text
	}
	s, err := norm(v.String())
	if err != nil {
		return &pathError{Path: nameOf(path), Msg: err.Error()}
	}
	v.SetString(s)
	return nil
}
