package rpc

import (
	"errors"
	"fmt"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db"
)

// JSON-RPC error codes: the protocol's own (-32700..-32603) and the portal's, in the
// implementation-defined range -32000..-32099.
const (
	CodeParse          = -32700
	CodeInvalidRequest = -32600
	CodeUnknownMethod  = -32601
	CodeInvalidParams  = -32602
	CodeInternal       = -32603
	CodeUnauthorized   = -32001
	CodeForbidden      = -32003
	CodeRateLimited    = -32029
	CodeSuspended      = -32050
)

// Error is a JSON-RPC error object: the call did not run (or failed inside), and
// nothing changed.
type Error struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Message) }

// FieldData names the offending field of a -32602 (or -32600) error.
type FieldData struct {
	Field string `json:"field"`
}

func ErrParse(msg string) *Error {
	return &Error{Code: CodeParse, Message: "parse error: " + msg}
}
func ErrInvalidRequest(msg string) *Error {
	return &Error{Code: CodeInvalidRequest, Message: "invalid request: " + msg}
}
func ErrInvalidParams(field, msg string) *Error {
	m := "invalid params: " + msg
	if field != "" {
		m = "invalid params: " + field + ": " + msg
		return &Error{Code: CodeInvalidParams, Message: m, Data: FieldData{Field: field}}
	}
	return &Error{Code: CodeInvalidParams, Message: m}
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

func NotFound(what string, ref any) *AppError {
	return &AppError{Kind: "not_found", Message: fmt.Sprintf("%s %v not found", what, ref)}
}

func Conflict(field, msg string) *AppError {
	return &AppError{Kind: "conflict", Field: field, Message: msg}
}

func Invalid(field, msg string) *AppError {
	return &AppError{Kind: "invalid", Field: field, Message: msg}
}

// invalidErr is invalid(field, err's text) for a refusal by a store's own checks. An
// error from storage (SQLite, the file system; a full disk above all) is no fault of
// the params: it passes unchanged and becomes -32603 without its text.
func InvalidErr(field string, err error) error {
	if db.Internal(err) || db.Unwritable(err) {
		return err
	}
	return Invalid(field, err.Error())
}

// asApp turns core.ErrNotFound into a not_found AppError; other errors pass through.
func AsApp(err error, what string, ref any) error {
	if errors.Is(err, core.ErrNotFound) {
		return NotFound(what, ref)
	}
	return err
}

// FromService maps a service function's error to the API: a *core.FieldError becomes
// invalid with the field (under prefix, the path of the item in the request),
// core.ErrNotFound not_found; anything else passes unchanged and answers -32603
// without its text.
func FromService(err error, prefix string) error {
	var fe *core.FieldError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fe):
		return Invalid(prefix+fe.Field, fe.Err.Error())
	case errors.Is(err, core.ErrNotFound):
		return &AppError{Kind: "not_found", Message: "not found"}
	}
	return err
}
