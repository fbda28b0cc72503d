package api

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// runDoc is `portal api doc [FILE]`.
func runDoc(_ context.Context, d app.Deps, io app.IO, args []string) error {
	if len(args) > 1 {
		return fmt.Errorf("api doc: at most one FILE, got %d arguments", len(args))
	}
	methods := (&Module{d: d}).methods()
	md := Markdown(methods)
	if len(args) == 0 {
		_, err := io.Out.Write([]byte(md))
		return err
	}
	if err := os.WriteFile(args[0], []byte(md), 0o644); err != nil {
		return fmt.Errorf("api doc: %w", err)
	}
	fmt.Fprintf(io.Out, "wrote %s (%d methods)\n", args[0], len(methods))
	return nil
}

// Markdown renders the reference of the methods, in their order.
func Markdown(methods []*rpc.Method) string {
	var b strings.Builder
	b.WriteString(docIntro)
	b.WriteString("\n## Methods\n\n| Method | Access | Summary |\n|---|---|---|\n")
	for _, m := range methods {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s |\n", m.Name, anchor(m.Name), perm.Level(m.Action), firstSentence(m.Summary))
	}
	for _, m := range methods {
		writeMethod(&b, m)
	}
	return b.String()
}

func anchor(name string) string { return strings.ToLower(strings.ReplaceAll(name, ".", "")) }

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

func writeMethod(b *strings.Builder, m *rpc.Method) {
	fmt.Fprintf(b, "\n### %s\n\n%s\n\nAccess: **%s** (roles: %s).", m.Name, m.Summary, perm.Level(m.Action), strings.Join(perm.Roles(m.Action), ", "))
	if !m.Suspendable {
		b.WriteString(" Answers while the portal is suspended.")
	}
	b.WriteString("\n\n")
	rows := paramRows(m.Params, "")
	if len(rows) == 0 {
		b.WriteString("No params.\n")
	} else {
		b.WriteString("| Param | Type | Rules | Notes |\n|---|---|---|---|\n")
		for _, r := range rows {
			fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", r[0], r[1], r[2], r[3])
		}
	}
	if len(m.Refusals) > 0 {
		b.WriteString("\nRefusals (`code` false, nothing changed):\n\n| code | field | message |\n|---|---|---|\n")
		for _, e := range m.Refusals {
			fmt.Fprintf(b, "| %s | %s | %s |\n", e.Kind, e.Field, strings.ReplaceAll(e.Message, "|", "\\|"))
		}
	}
	req := map[string]any{"jsonrpc": "2.0", "id": 1, "method": m.Name, "params": withSID(m.ExampleParams)}
	res := response{JSONRPC: "2.0", ID: json.RawMessage("1"), Result: &envelope{Code: true, SessionID: exampleSID,
		Messages: []string{}, Return: m.ExampleResult, Errors: []*rpc.AppError{}}}
	fmt.Fprintf(b, "\nRequest:\n\n```json\n%s\n```\n\nResponse:\n\n```json\n%s\n```\n", indent(req), indent(res))
}

const exampleSID = "Qm9vdHN0cmFwcGVkU2Vzc2lvbklkRm9yVGhlRG9jcw"

// withSID adds the session id to example params, as callers send it.
func withSID(p any) map[string]any {
	var m map[string]any
	b, _ := json.Marshal(p)
	_ = json.Unmarshal(b, &m)
	if m == nil {
		m = map[string]any{}
	}
	// Example params omit fields left at their zero value, as a caller would.
	for k, v := range m {
		switch x := v.(type) {
		case string:
			if x == "" {
				delete(m, k)
			}
		case float64:
			if x == 0 {
				delete(m, k)
			}
		case bool:
			if !x {
				delete(m, k)
			}
		case nil:
			delete(m, k)
		}
	}
	m["SID"] = exampleSID
	return m
}

func indent(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}

var timeType = reflect.TypeFor[time.Time]()

// paramRows lists the fields of a params type: name (with a path for nested arrays of
// objects), type, validation rules and notes.
func paramRows(t reflect.Type, prefix string) [][4]string {
	var out [][4]string
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == timeType {
		return nil
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			out = append(out, paramRows(f.Type, prefix)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		rules := strings.ReplaceAll(strings.ReplaceAll(f.Tag.Get("validate"), ",dive", ""), "dive", "")
		rules = strings.ReplaceAll(rules, "|", "\\|")
		if rules != "" {
			rules = "`" + rules + "`"
		}
		if k := f.Tag.Get("text"); k != "" {
			// How the text is normalised (see the Protocol section); single-line is the default.
			rules = strings.TrimSpace(rules + " `" + k + "`")
		}
		out = append(out, [4]string{prefix + name, typeName(f.Type), rules, strings.ReplaceAll(f.Tag.Get("doc"), "|", "\\|")})
		et := f.Type
		if et.Kind() == reflect.Slice {
			et = et.Elem()
			out = append(out, paramRows(et, prefix+name+"[].")...)
		}
	}
	return out
}

func typeName(t reflect.Type) string {
	opt := ""
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
		opt = " (optional)"
	}
	if t == timeType {
		return "RFC 3339 time" + opt
	}
	switch t.Kind() {
	case reflect.String:
		return "string" + opt
	case reflect.Bool:
		return "boolean" + opt
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "integer" + opt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "non-negative integer" + opt
	case reflect.Float32, reflect.Float64:
		return "number" + opt
	case reflect.Slice:
		return "array of " + typeName(t.Elem())
	case reflect.Struct, reflect.Map:
		return "object" + opt
	}
	return t.String()
}

const docIntro = `# JSON-RPC management API reference

Generated from the method registry by ` + "`portal api doc docs/api.md`" + `; do not edit by hand
(a test fails when this file is stale). How to use the API, with a curl example, is in
[docs/modules/api.md](modules/api.md).

## Protocol

- ` + "`POST /jsonrpc`" + ` with ` + "`Content-Type: application/json`" + ` (anything else: HTTP 415), a
  JSON-RPC 2.0 call object or a batch (array) of at most 1000 calls. A body may have 8 MB
  when the ` + "`X-Session-Id`" + ` header names a live session, else 64 KB (credentials inside the body
  are checked only after reading it); larger bodies are refused (HTTP 413, error -32600) before
  they are read, as is JSON nested deeper than 32 levels, and compressed bodies (HTTP 415).
  A valid call without
  ` + "`id`" + ` is a notification and gets no answer (a body of notifications only: HTTP 204); a call
  that is not valid (wrong ` + "`jsonrpc`" + `, no ` + "`method`" + `, unknown member) is answered with
  error -32600 and its ` + "`id`" + `, or ` + "`id`" + ` null when it has none.
- Member and param names are case-sensitive and may appear once: ` + "`\"Method\"`" + `, ` + "`\"sid\"`" + ` or
  ` + "`\"NAME\"`" + ` are unknown members, and a member given twice is refused. ` + "`data.field`" + ` of an
  error names the member as the request wrote it, with array positions
  (` + "`clients[3].number`" + `, ` + "`samples[17].bytes_down`" + `).
- Money is an integer in minor units (hundredths: 499.00 CZK is 49900). Rule ` + "`money`" + `: at most
  1000000000000 either way (10,000,000,000.00); rule ` + "`quantity`" + `: an invoice line's quantity in
  thousandths, at most 1000000000 either way (a million pieces). Beyond them: error -32602.
- Text params are single-line unless their rules say ` + "`multiline`" + `: line breaks and tabs
  become spaces, runs of spaces one space, and spaces at either end go, so a value of
  spaces only counts as empty (and a required one is refused). ` + "`multiline`" + ` text keeps its
  lines (line ends become ` + "`\\n`" + `); ` + "`raw`" + ` values (passwords, setting values) are taken as sent.
  Control characters (NUL, escape, ...) and invisible formatting characters (right-to-left
  overrides, zero-width spaces) are refused with -32602 in every text param but ` + "`raw`" + ` ones.
- Authentication: ` + "`\"auth\": {\"login\": ..., \"password\": ...}`" + ` of a staff account, in the call
  object or inside ` + "`params`" + `, starts a session; the envelope's ` + "`session_id`" + ` is then sent as
  ` + "`\"SID\"`" + ` (in the call object, inside ` + "`params`" + `, or as the ` + "`X-Session-Id`" + ` header). Never in
  the URL, never as a cookie: those are ignored. In a batch, calls without credentials use
  the session of an earlier call of the same batch. Sessions end after 30 minutes without
  calls and 12 hours after login; ` + "`session.logout`" + ` ends one at once. Failed logins count
  towards the staff account's lockout, shared with the staff web login. A wrong login, a
  wrong password, a disabled and a locked account get the same answer (-32001). A request
  checks one password: the first ` + "`auth`" + ` of a batch is checked, later calls repeating exactly
  those credentials share its outcome, and different credentials are refused (-32001).
- Logins (` + "`auth`" + `, also on ` + "`/jsonrpc/file`" + `): at most 20 attempts per minute per client address,
  one budget with the staff console's login form; beyond it -32029 and no password is checked.
  Login names longer than 200 characters fail like a wrong password.
- Access: ` + "`read`" + ` methods may be called by every role (admin, support, api, readonly);
  ` + "`write`" + ` methods by admin, support and api; ` + "`admin`" + ` methods (settings changes) by admin only.
- Every write runs in one transaction together with its audit log entry (actor
  ` + "`api:<login>`" + `): a call that fails changes nothing. Writes are idempotent on the
  ` + "`external_id`" + ` the caller supplies: sending the same object twice updates it, never duplicates it.
- Rate limits: 1200 HTTP requests per minute per client address and 6000 calls per minute
  per staff account; beyond them calls get error -32029.

## Result envelope

A call that ran returns ` + "`result`" + `:

| Member | Meaning |
|---|---|
| ` + "`code`" + ` | true on success, false when the call was valid but could not be done (nothing changed) |
| ` + "`session_id`" + ` | the session to send as SID in later calls |
| ` + "`messages`" + ` | notes about what happened (e.g. "client already absent") |
| ` + "`return`" + ` | the method's data (null when code is false) |
| ` + "`errors`" + ` | when code is false: objects with ` + "`code`" + ` (not_found, conflict, invalid), ` + "`field`" + ` and ` + "`message`" + ` |

## Errors

A call that did not run returns a JSON-RPC ` + "`error`" + ` instead:

| Code | Meaning |
|---|---|
| -32700 | parse error: the body is not JSON |
| -32600 | invalid request: not a call object, empty or too large batch, too deep, too large, wrong content type |
| -32601 | unknown method (` + "`data.method`" + `) |
| -32602 | invalid params: unknown field, wrong type, missing or invalid value; ` + "`data.field`" + ` names the field |
| -32603 | internal error, or storage full or read-only (try again later); nothing was changed |
| -32001 | not authenticated: no or wrong credentials or a locked account (one answer for all), expired or unknown SID, a second login in one request |
| -32003 | forbidden: the role may not call this method |
| -32029 | rate limited (requests or calls, or login attempts from the address) |
| -32050 | the portal is suspended (` + "`ci_portal_suspended`" + `); only settings.* and session.* answer |

## Files

` + "`GET|POST /jsonrpc/file`" + ` downloads and uploads files as plain HTTP bodies (not base64). Credentials,
in this order: the ` + "`X-Session-Id`" + ` header; HTTP Basic authentication (` + "`Authorization: Basic`" + `
with a staff login and password, which also counts towards the account's lockout); or, in a
POSTed form (` + "`application/x-www-form-urlencoded`" + ` or ` + "`multipart/form-data`" + `), a ` + "`SID`" + ` field or
` + "`login`" + ` and ` + "`password`" + ` fields. Never in the URL and never a cookie: those are ignored.

A download may also be a POSTed form carrying ` + "`type`" + `, ` + "`id`" + ` and ` + "`external_id`" + ` as fields
instead of in the query string (a form field wins over the query parameter of the same name).
An upload's body is the file, so its parameters are always in the query string.

| Request | Does |
|---|---|
| ` + "`GET ?type=invoice&id=N`" + ` (or ` + "`external_id=X`" + `) | the invoice's PDF |
| ` + "`GET ?type=document&id=N`" + ` | a client document |
| ` + "`GET ?type=file&id=N`" + ` | a provider file |
| ` + "`POST ?type=invoice&external_id=X`" + `, body ` + "`application/pdf`" + ` | attaches (replaces) the invoice's PDF (write access) |
| ` + "`POST ?type=document&client_external_id=C&external_id=X&title=T`" + `, body the file | adds or replaces a client document (write access) |
| ` + "`POST ?type=file&external_id=X&title=T`" + `, body the file | adds a provider file or replaces its content (write access); optional ` + "`description`" + `, ` + "`file_name`" + `, ` + "`invoice_group_ids=1,2`" + ` or ` + "`invoice_group_external_ids=a,b`" + ` (only clients of these groups see it; for an existing file, data left out stay); then ` + "`files.add`" + ` changes its data |

Uploads are limited to 20 MB and need credentials in a header (` + "`X-Session-Id`" + ` or HTTP Basic) and a
` + "`Content-Length`" + ` (HTTP 411 without); the body is read only after the credentials are checked,
and goes straight to disk. Answers: the file (200), or JSON ` + "`{\"error\": {\"code\", \"message\"}}`" + ` with
HTTP 400, 401, 403, 404, 411, 413 or 415; 500 (internal error) or 503 (storage full or read-only,
try again later) when the portal failed, never with a server path.
`
