package api

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"mime"
	"reflect"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// request is one JSON-RPC call. SID and auth may come here, inside params (as the
// JeraSoft API sends them), or as the X-Session-Id header.
type request struct {
	JSONRPC string          `json:"jsonrpc"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
	ID      json.RawMessage `json:"id"`
	SID     string          `json:"SID"`
	Auth    *credentials    `json:"auth"`
}

// credentials are a staff login and password.
type credentials struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

// response is one JSON-RPC answer: either result (the envelope) or error.
type response struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  *envelope       `json:"result,omitempty"`
	Error   *rpc.Error      `json:"error,omitempty"`
}

// envelope is the result of every call, as the JeraSoft API shapes it.
type envelope struct {
	Code      bool            `json:"code"`
	SessionID string          `json:"session_id"`
	Messages  []string        `json:"messages"`
	Return    any             `json:"return"`
	Errors    []*rpc.AppError `json:"errors"`
}

var nullID = json.RawMessage("null")

func errorOnly(id json.RawMessage, e *rpc.Error) response {
	if len(id) == 0 {
		id = nullID
	}
	return response{JSONRPC: "2.0", ID: id, Error: e}
}

// batchState is shared by the calls of one HTTP request: a session established by an
// earlier call (auth or SID) serves the later calls that bring no credentials, as the
// JeraSoft API authenticates "within the first call".
type batchState struct {
	staff   *core.Staff
	session string
	header  string // X-Session-Id
	agent   string // User-Agent, stored with a new session
	ip      string
	// The request's one login: its credentials, and its session or refusal.
	auth        *credentials
	authSession string
	authErr     *rpc.Error
}

// serveRPC handles POST /jsonrpc.
func (m *Module) serveRPC(c *fiber.Ctx) error {
	// No caching of answers that carry session ids and client data.
	c.Set(fiber.HeaderCacheControl, "no-store")
	ip := m.d.Web.ClientIP(c)
	if res, err := m.ipLim.Get(c.UserContext(), "ip:"+web.RateKey(ip)); err != nil || res.Reached {
		wait := time.Minute
		if err == nil {
			wait = max(time.Second, time.Until(time.Unix(res.Reset, 0)))
		}
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds()+0.5)))
		return c.Status(fiber.StatusTooManyRequests).JSON(errorOnly(nil, &rpc.Error{Code: rpc.CodeRateLimited, Message: "too many requests from this address"}))
	}
	mt, _, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != fiber.MIMEApplicationJSON {
		return c.Status(fiber.StatusUnsupportedMediaType).JSON(errorOnly(nil, rpc.ErrInvalidRequest("Content-Type must be application/json")))
	}
	body := c.Body()
	if c.Request().Header.ContentLength() > maxBody || len(body) > maxBody {
		return c.Status(fiber.StatusRequestEntityTooLarge).JSON(errorOnly(nil,
			rpc.ErrInvalidRequest("body larger than "+strconv.Itoa(maxBody>>20)+" MB; split it into several requests")))
	}
	out, status := m.handle(c.UserContext(), body, &batchState{header: c.Get("X-Session-Id"), ip: ip, agent: c.Get(fiber.HeaderUserAgent)})
	if out == nil {
		// Only notifications: JSON-RPC sends nothing back.
		return c.SendStatus(fiber.StatusNoContent)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Status(status).Send(out)
}

// handle runs a request body (a call or a batch) and returns the encoded answer (nil
// when there is nothing to answer) and the HTTP status.
func (m *Module) handle(ctx context.Context, body []byte, st *batchState) ([]byte, int) {
	single, batch, perr := decodeBody(body)
	if perr != nil {
		return mustJSON(errorOnly(nil, perr)), fiber.StatusOK
	}
	if batch == nil {
		r := m.call(ctx, single, st)
		if r == nil {
			return nil, 0
		}
		return mustJSON(r), fiber.StatusOK
	}
	out := make([]*response, 0, len(batch))
	for _, raw := range batch {
		if r := m.call(ctx, raw, st); r != nil {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, 0
	}
	return mustJSON(out), fiber.StatusOK
}

// decodeBody checks a body's shape: valid JSON, nesting at most maxDepth, one call
// object or a non-empty batch of at most maxBatch calls.
func decodeBody(body []byte) (single json.RawMessage, batch []json.RawMessage, err *rpc.Error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, nil, rpc.ErrInvalidRequest("empty body")
	}
	if !depthOK(body, maxDepth) {
		return nil, nil, rpc.ErrInvalidRequest("JSON nested deeper than " + strconv.Itoa(maxDepth) + " levels")
	}
	if !json.Valid(body) {
		var v any
		e := json.Unmarshal(body, &v)
		msg := "malformed JSON"
		if e != nil {
			msg = e.Error()
		}
		return nil, nil, rpc.ErrParse(msg)
	}
	if body[0] != '[' {
		return body, nil, nil
	}
	if err := json.Unmarshal(body, &batch); err != nil {
		return nil, nil, rpc.ErrParse(err.Error())
	}
	switch {
	case len(batch) == 0:
		return nil, nil, rpc.ErrInvalidRequest("empty batch")
	case len(batch) > maxBatch:
		return nil, nil, rpc.ErrInvalidRequest("batch of " + strconv.Itoa(len(batch)) + " calls; at most " + strconv.Itoa(maxBatch) + " per request")
	}
	return nil, batch, nil
}

// depthOK reports whether no array or object in b nests deeper than limit. It runs
// before any decoding, so a hostile body cannot make the decoder recurse.
func depthOK(b []byte, limit int) bool {
	depth, inStr, esc := 0, false, false
	for _, ch := range b {
		if inStr {
			switch {
			case esc:
				esc = false
			case ch == '\\':
				esc = true
			case ch == '"':
				inStr = false
			}
			continue
		}
		switch ch {
		case '"':
			inStr = true
		case '{', '[':
			depth++
			if depth > limit {
				return false
			}
		case '}', ']':
			depth--
		}
	}
	return true
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Results are plain structs of strings and numbers; failing here is a bug.
		b, _ = json.Marshal(errorOnly(nil, &rpc.Error{Code: rpc.CodeInternal, Message: "internal error"}))
	}
	return b
}

// requestType is what a call object is checked against.
var requestType = reflect.TypeFor[request]()

// call runs one call and returns its answer, or nil for a notification. Only a valid
// request without id is a notification: an invalid one is answered (with id null when
// its id cannot be read), as JSON-RPC 2.0 requires.
func (m *Module) call(ctx context.Context, raw json.RawMessage, st *batchState) *response {
	invalid := func(id json.RawMessage, e *rpc.Error) *response { return ptr(errorOnly(id, e)) }
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		return invalid(nil, rpc.ErrInvalidRequest("a call is an object with jsonrpc, method, params and id"))
	}
	id, hasID := members["id"]
	if hasID && !validID(id) {
		return invalid(nil, rpc.ErrInvalidRequest("id must be a string, a number or null"))
	}
	if pe := rpc.CheckStrict(raw, requestType, ""); pe != nil {
		e := rpc.ErrInvalidRequest(pe.Path + ": " + pe.Msg)
		if pe.Msg == "unknown field" {
			e = rpc.ErrInvalidRequest("unknown member " + strconv.Quote(pe.Path) + " (member names are case-sensitive)")
		}
		e.Data = rpc.FieldData{Field: pe.Path}
		return invalid(id, e)
	}
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		// checkStrict accepted it, so this does not happen; refuse rather than guess.
		return invalid(id, rpc.ErrInvalidRequest("a call is an object with jsonrpc, method, params and id"))
	}
	if req.JSONRPC != "2.0" {
		return invalid(id, rpc.ErrInvalidRequest(`jsonrpc must be "2.0"`))
	}
	if req.Method == "" {
		return invalid(id, rpc.ErrInvalidRequest("method is required"))
	}
	if p := bytes.TrimSpace(req.Params); len(p) > 0 && p[0] != '{' && p[0] != '[' && !bytes.Equal(p, nullID) {
		return invalid(id, rpc.ErrInvalidRequest("params must be an object"))
	}
	notification := !hasID
	answer := func(r response) *response {
		if notification {
			return nil
		}
		r.ID = id
		return &r
	}
	fail := func(e *rpc.Error) *response { return answer(errorOnly(id, e)) }
	meth, ok := m.registry[req.Method]
	if !ok {
		return fail(&rpc.Error{Code: rpc.CodeUnknownMethod, Message: "unknown method " + strconv.Quote(req.Method),
			Data: map[string]string{"method": req.Method}})
	}
	params, sid, auth, perr := splitCredentials(req.Params)
	if perr != nil {
		return fail(perr)
	}
	if sid == "" {
		sid = req.SID
	}
	if auth == nil {
		auth = req.Auth
	}
	staff, session, aerr := m.authenticate(ctx, st, sid, auth)
	if aerr != nil {
		return fail(aerr)
	}
	if meth.Suspendable && settings.PortalSuspended.Get(m.d.Settings) {
		return fail(&rpc.Error{Code: rpc.CodeSuspended, Message: "the portal is suspended (ci_portal_suspended); only settings.* and session.* answer"})
	}
	if !perm.Allows(staff.Role, meth.Action) {
		return fail(&rpc.Error{Code: rpc.CodeForbidden, Message: "role " + staff.Role + " may not call " + meth.Name + " (needs " + perm.Level(meth.Action) + " access)"})
	}
	if res, err := m.staffLim.Get(ctx, "staff:"+strconv.FormatInt(staff.ID, 10)); err != nil || res.Reached {
		return fail(&rpc.Error{Code: rpc.CodeRateLimited, Message: "too many calls for this account; try again in a minute"})
	}
	cl := &rpc.Call{Ctx: ctx, Staff: *staff, IP: st.ip, Now: m.d.Now(), Session: session}
	ret, err := m.run(cl, meth, params)
	if err != nil {
		var re *rpc.Error
		var ae *rpc.AppError
		switch {
		case errors.As(err, &re):
			return fail(re)
		case errors.As(err, &ae):
			return answer(response{JSONRPC: "2.0", Result: &envelope{Code: false, SessionID: session,
				Messages: nonNil(cl.Messages()), Return: nil, Errors: []*rpc.AppError{ae}}})
		default:
			m.d.Log.Error("api.call", "method", meth.Name, "err", err)
			if db.Unwritable(err) {
				return fail(&rpc.Error{Code: rpc.CodeInternal, Message: "the portal cannot store data now (storage full or read-only); " +
					"nothing was changed; try again later"})
			}
			return fail(&rpc.Error{Code: rpc.CodeInternal, Message: "internal error; nothing was changed"})
		}
	}
	return answer(response{JSONRPC: "2.0", Result: &envelope{Code: true, SessionID: session,
		Messages: nonNil(cl.Messages()), Return: ret, Errors: []*rpc.AppError{}}})
}

// run executes a method: reads on the read pool, writes in one transaction together
// with their audit entry, so a failed call changes nothing.
func (m *Module) run(cl *rpc.Call, meth *rpc.Method, params json.RawMessage) (any, error) {
	if meth.Reads() {
		cl.Q = m.d.DB.R
		return meth.Run(cl, params)
	}
	if meth.OwnTx {
		// The wrapped function committed its own transaction(s); the audit entry follows
		// in a second one (a failure here is reported, the change itself stays).
		cl.Q = m.d.DB.R
		ret, err := meth.Run(cl, params)
		if err != nil {
			return nil, err
		}
		err = m.d.DB.Tx(cl.Ctx, func(tx *sql.Tx) error { return audit(cl, tx, meth) })
		if err != nil {
			return nil, err
		}
		if cl.AfterCommit != nil {
			cl.AfterCommit()
		}
		return ret, nil
	}
	var ret any
	err := m.d.DB.Tx(cl.Ctx, func(tx *sql.Tx) error {
		cl.Tx, cl.Q = tx, tx
		var err error
		if ret, err = meth.Run(cl, params); err != nil {
			return err
		}
		return audit(cl, tx, meth)
	})
	if err != nil {
		return nil, err
	}
	if cl.AfterCommit != nil {
		cl.AfterCommit()
	}
	return ret, nil
}

// audit writes the audit entry of a write call in tx.
func audit(cl *rpc.Call, tx *sql.Tx, meth *rpc.Method) error {
	clientID, detail := cl.AuditEntry()
	return core.Audit(cl.Ctx, tx, core.AuditEntry{At: cl.Now, Actor: cl.Actor(), Action: "api." + meth.Name,
		ClientID: clientID, Detail: detail, IP: cl.IP})
}

// credentialsType is what an "auth" member is checked against.
var credentialsType = reflect.TypeFor[credentials]()

// splitCredentials takes SID and auth out of params (where the JeraSoft API sends
// them), so that the rest decodes strictly into the method's params. The other
// members are copied as they came, so a member given twice is still seen (and
// refused) when the rest is decoded.
func splitCredentials(params json.RawMessage) (json.RawMessage, string, *credentials, *rpc.Error) {
	p := bytes.TrimSpace(params)
	if len(p) == 0 || p[0] != '{' || (!bytes.Contains(p, []byte(`"SID"`)) && !bytes.Contains(p, []byte(`"auth"`))) {
		return params, "", nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(p))
	if _, err := dec.Token(); err != nil {
		return nil, "", nil, rpc.ErrInvalidParams("", "params must be an object")
	}
	var sid string
	var auth *credentials
	var seenSID, seenAuth bool
	rest := []byte{'{'}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, "", nil, rpc.ErrInvalidParams("", "params must be an object")
		}
		key, _ := k.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, "", nil, rpc.ErrInvalidParams("", "params must be an object")
		}
		switch {
		case key == "SID":
			if seenSID {
				return nil, "", nil, rpc.ErrInvalidParams("SID", "given twice")
			}
			seenSID = true
			if err := json.Unmarshal(v, &sid); err != nil {
				return nil, "", nil, rpc.ErrInvalidParams("SID", "must be a string")
			}
		case key == "auth":
			if seenAuth {
				return nil, "", nil, rpc.ErrInvalidParams("auth", "given twice")
			}
			seenAuth = true
			if pe := rpc.CheckStrict(v, credentialsType, "auth"); pe != nil {
				return nil, "", nil, rpc.ErrInvalidParams(pe.Path, pe.Msg)
			}
			if err := json.Unmarshal(v, &auth); err != nil {
				return nil, "", nil, rpc.ErrInvalidParams("auth", "must be an object with login and password")
			}
		default:
			if len(rest) > 1 {
				rest = append(rest, ',')
			}
			kb, _ := json.Marshal(key)
			rest = append(append(append(rest, kb...), ':'), v...)
		}
	}
	return append(rest, '}'), sid, auth, nil
}

// validID accepts the id types JSON-RPC allows: string, number, null.
func validID(id json.RawMessage) bool {
	switch id[0] {
	case '"', 'n', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return true
	}
	return false
}

func ptr[T any](v T) *T { return &v }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
