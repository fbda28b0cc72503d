package api

import (
	"errors"
	"fmt"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
)

// JSON-RPC error codes: the protocol's own (-32700..-32603) and the portal's, in the
// implementation-defined range -32000..-32099.
const (
	codeParse          = -32700
	codeInvalidRequest = -32600
	codeUnknownMethod  = -32601
	codeInvalidParams  = -32602
	codeInternal       = -32603
	codeUnauthorized   = -32001
	codeForbidden      = -32003
	codeRateLimited    = -32029
	codeSuspended      = -32050
)

// rpcError is a JSON-RPC error object: the call did not run (or failed inside), and
// nothing changed.
type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Message) }

// fieldData names the offending field of a -32602 (or -32600) error.
type fieldData struct {
	Field string `json:"field"`
}

func errParse(msg string) *rpcError {
	return &rpcError{Code: codeParse, Message: "parse error: " + msg}
}
func errInvalidRequest(msg string) *rpcError {
	return &rpcError{Code: codeInvalidRequest, Message: "invalid request: " + msg}
}
func errInvalidParams(field, msg string) *rpcError {
	m := "invalid params: " + msg
	if field != "" {
		m = "invalid params: " + field + ": " + msg
		return &rpcError{Code: codeInvalidParams, Message: m, Data: fieldData{Field: field}}
	}
	return &rpcError{Code: codeInvalidParams, Message: m}
}

// AppError is a failure of a call that was valid and authorised but could not be done
// (the client does not exist, the number belongs to another client). It becomes the
// envelope's code false with the error in errors; the call's transaction rolls back.
type AppError struct {
	Kind    string `json:"code"`            // not_found, conflict, invalid
	Field   string `json:"field,omitempty"` // the param it concerns, if one
	Message string `json:"message"`
}

func (e *AppError) Error() string { return e.Message }

func notFound(what string, ref any) *AppError {
	return &AppError{Kind: "not_found", Message: fmt.Sprintf("%s %v not found", what, ref)}
}

func conflict(field, msg string) *AppError {
	return &AppError{Kind: "conflict", Field: field, Message: msg}
}

func invalid(field, msg string) *AppError {
	return &AppError{Kind: "invalid", Field: field, Message: msg}
}

// invalidErr is invalid(field, err's text) for a refusal by a store's own checks. An
// error from storage (SQLite, the file system; a full disk above all) is no fault of
// the params: it passes unchanged and becomes -32603 without its text.
func invalidErr(field string, err error) error {
	if db.Internal(err) || db.Unwritable(err) {
		return err
	}
	return invalid(field, err.Error())
}

// asApp turns core.ErrNotFound into a not_found AppError; other errors pass through.
func asApp(err error, what string, ref any) error {
	if errors.Is(err, core.ErrNotFound) {
		return notFound(what, ref)
	}
	return err
}
