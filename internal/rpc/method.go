package rpc

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
)

// Method is one API method, declared once: the dispatcher, the role check, the audit
// and the reference all read it.
type Method struct {
	Name    string // module.action
	Summary string
	// Action is what the caller's role must be allowed (internal/perm); reads run on
	// the read pool, everything else in one transaction with its audit entry.
	Action perm.Action
	// Order places the method in the reference: modules list their methods in the
	// order they are documented, and the modules' Order ranges keep the chapters.
	Order int
	// NoAuth methods run without a session (none today besides what auth itself does).
	Params, Result reflect.Type
	ExampleParams  any
	ExampleResult  any
	// Suspendable methods are refused while the portal is suspended; settings.* and
	// session.* are not, so that staff can resume the portal through the API.
	Suspendable bool
	// OwnTx write methods call functions that open their own transactions; the
	// dispatcher writes their audit entry in a second transaction once they succeeded.
	OwnTx bool
	// Refusals are the documented code-false errors a caller should expect (shown in
	// the reference).
	Refusals []*AppError
	run      func(c *Call, raw json.RawMessage) (any, error)
}

// Call is the context of one method call: who calls, from where, and (for writes) the
// transaction every change of the call goes into.
type Call struct {
	Ctx   context.Context
	Staff core.Staff
	IP    string
	Now   time.Time
	// Tx is the call's write transaction (writes only); Q is Tx for writes and the read
	// pool for reads.
	Tx *sql.Tx
	Q  core.Querier
	// Session is the token of the session the call ran in, returned as session_id.
	Session string
	// AfterCommit runs once the call's transaction committed (wake the mail worker,
	// remove a replaced file).
	AfterCommit func()

	messages    []string
	auditClient int64
	auditDetail string
}

// Messages are the lines added with Message, for the envelope.
func (c *Call) Messages() []string { return c.messages }

// AuditEntry is what Audit set: the client the call concerns and the detail.
func (c *Call) AuditEntry() (clientID int64, detail string) { return c.auditClient, c.auditDetail }

// Message adds a line to the envelope's messages.
func (c *Call) Message(format string, args ...any) {
	c.messages = append(c.messages, fmt.Sprintf(format, args...))
}

// Audit sets what the audit entry of this write says: the client it concerns (0 if
// none) and a short detail (never a password or token).
func (c *Call) Audit(clientID int64, format string, args ...any) {
	c.auditClient = clientID
	c.auditDetail = fmt.Sprintf(format, args...)
}

// Actor is the audit actor of the caller.
func (c *Call) Actor() string { return "api:" + c.Staff.Login }

// Def declares a method with typed params P and result R. exP and exR are the example
// request params and response return shown in the reference.
func Def[P, R any](name string, action perm.Action, summary string, exP P, exR R, fn func(c *Call, p *P) (R, error)) *Method {
	return &Method{
		Name: name, Summary: summary, Action: action,
		Params: reflect.TypeFor[P](), Result: reflect.TypeFor[R](),
		ExampleParams: exP, ExampleResult: exR,
		Suspendable: !strings.HasPrefix(name, "settings.") && !strings.HasPrefix(name, "session."),
		run: func(c *Call, raw json.RawMessage) (any, error) {
			var p P
			if err := DecodeParams(raw, &p); err != nil {
				return nil, err
			}
			return fn(c, &p)
		},
	}
}

// Run decodes the params and runs the method.
func (m *Method) Run(c *Call, raw json.RawMessage) (any, error) { return m.run(c, raw) }

// Reads reports whether the method only reads.
func (m *Method) Reads() bool { return perm.Reads(m.Action) }

// Refuse documents the code-false errors a method answers (shown in the reference).
func (m *Method) Refuse(errs ...*AppError) *Method {
	m.Refusals = append(m.Refusals, errs...)
	return m
}

// OwnTransaction marks a write whose service function commits by itself; the
// dispatcher writes the audit entry in a second transaction once it succeeded.
func (m *Method) OwnTransaction() *Method {
	m.OwnTx = true
	return m
}

// DecodeParams reads params strictly into p: unknown fields and wrong types are
// refused with the field named, then validate tags are checked.
func DecodeParams(raw json.RawMessage, p any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		raw = []byte("{}")
	}
	if raw[0] != '{' {
		return ErrInvalidParams("", "params must be an object")
	}
	// Names, kinds and ranges first, with the caller's path in the error; the decoder
	// below then only fills in what was checked.
	if pe := CheckStrict(raw, reflect.TypeOf(p), ""); pe != nil {
		return ErrInvalidParams(pe.Path, pe.Msg)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p); err != nil {
		return jsonParamError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return ErrInvalidParams("", "trailing data after params")
	}
	if pe := normalizeText(reflect.ValueOf(p), make(pathStack, 0, 8)); pe != nil {
		return ErrInvalidParams(pe.Path, pe.Msg)
	}
	if err := Validate.Struct(p); err != nil {
		var ve validator.ValidationErrors
		if errors.As(err, &ve) && len(ve) > 0 {
			return ErrInvalidParams(fieldPath(ve[0].Namespace()), ruleMessage(ve[0], reflect.TypeOf(p)))
		}
		var iv *validator.InvalidValidationError
		if errors.As(err, &iv) {
			return nil // params without fields to validate
		}
		return ErrInvalidParams("", err.Error())
	}
	return nil
}

// jsonParamError names the field of a decoding error.
func jsonParamError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "params"
		}
		return ErrInvalidParams(field, "must be "+jsonKind(te.Type)+", not "+te.Value)
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return ErrInvalidParams(strings.Trim(f, `"`), "unknown field")
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return ErrParse(se.Error())
	}
	var field string
	if i := strings.Index(msg, "Go struct field "); i >= 0 {
		field = strings.Fields(msg[i+len("Go struct field "):])[0]
		if j := strings.Index(field, "."); j >= 0 {
			field = field[j+1:]
		}
	}
	return ErrInvalidParams(field, strings.TrimPrefix(msg, "json: "))
}

// jsonKind names a Go type the way a JSON caller thinks of it.
func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

// Validate is shared: a validator caches struct metadata and is safe for concurrent use.
// Field names in its errors are the JSON names callers send.
var Validate = func() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	// money: an amount in minor units within ±core.MaxAmount; quantity: an invoice
	// line's quantity in thousandths within ±core.MaxQuantity. The stores check the
	// same bounds; here they are refused with the field's path before any work.
	must(v.RegisterValidation("money", func(fl validator.FieldLevel) bool {
		return core.CheckAmount(fl.Field().Int()) == nil
	}))
	must(v.RegisterValidation("quantity", func(fl validator.FieldLevel) bool {
		q := fl.Field().Int()
		return q >= -core.MaxQuantity && q <= core.MaxQuantity
	}))
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	return v
}()

func must(err error) {
	if err != nil {
		panic(err) // a constant tag registration; failing is a bug
	}
}

// fieldPath drops the struct type name from a validator namespace:
// "ClientsPushParams.clients[3].ClientFields.name" becomes
// "clients[3].name".
func fieldPath(ns string) string {
	parts := strings.Split(ns, ".")
	out := parts[:0]
	for i, p := range parts {
		// The root struct and embedded structs (Go names, capitalised) are not fields
		// the caller sent; every JSON name of the API is lower case.
		if i == 0 || (p != "" && p[0] >= 'A' && p[0] <= 'Z') {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, ".")
}

// ruleMessage says in words which rule a value broke.
func ruleMessage(fe validator.FieldError, root reflect.Type) string {
	p := fe.Param()
	switch fe.Tag() {
	case "required":
		return "is required"
	case "required_without":
		return "is required when " + siblingJSONName(root, fe.StructNamespace(), p) + " is not given"
	case "max":
		if fe.Kind() == reflect.String {
			return "must be at most " + p + " characters"
		}
		if fe.Kind() == reflect.Slice {
			return "must have at most " + p + " items"
		}
		return "must be at most " + p
	case "min":
		if fe.Kind() == reflect.String {
			return "must be at least " + p + " characters"
		}
		if fe.Kind() == reflect.Slice {
			return "must have at least " + p + " items"
		}
		return "must be at least " + p
	case "gte":
		return "must be at least " + p
	case "gt":
		return "must be greater than " + p
	case "lte":
		return "must be at most " + p
	case "email":
		return "must be an e-mail address"
	case "oneof":
		return "must be one of: " + strings.ReplaceAll(p, " ", ", ")
	case "datetime":
		return "must be a date/time in the form " + p
	case "url", "http_url":
		return "must be an http(s) URL"
	case "printascii":
		return "must be printable ASCII"
	case "excludesall":
		return "must not contain control characters"
	case "money":
		return core.ErrAmountRange.Error() + " (in minor units: at most " + strconv.FormatInt(core.MaxAmount, 10) + " either way)"
	case "quantity":
		return "must be between -1,000,000 and 1,000,000 pieces (in thousandths: at most " + strconv.FormatInt(core.MaxQuantity, 10) + " either way)"
	}
	return "fails rule " + fe.Tag()
}

// Ordered sets the reference order of a module's methods: from, from+10, ... in the
// order given, and returns them. The reference lists every module's methods by Order.
func Ordered(from int, ms ...*Method) []*Method {
	for i, m := range ms {
		m.Order = from + 10*i
	}
	return ms
}

// OwnTx marks a write method that runs its own transactions (traffic ingestion writes
// in its own, idempotent transaction); the dispatcher audits it afterwards.
func OwnTx(m *Method) *Method {
	m.OwnTx = true
	return m
}
