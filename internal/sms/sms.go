// Package sms delivers text messages through an HTTP gateway or an SMPP 3.4
// SMSC, counts message parts the way handsets bill them, and normalises
// phone numbers to E.164.
//
// Transports never retry on their own: they classify every failure with
// IsTemporary so the portal's durable queue decides when to try again.
package sms

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
)

// Message is one SMS as the portal queues it. To should already be E.164
// (see NormalizeNumber).
type Message struct {
	To, Text string
}

// Sender delivers one SMS. It returns a provider message id when the provider gives one.
type Sender interface {
	Send(ctx context.Context, m Message) (id string, err error)
}

// MaxParts is the longest concatenated message we send. Operators commonly
// cap at 10 parts and the cost grows linearly, so longer texts are refused.
const MaxParts = 10

// ErrTooLong is returned (wrapped, permanent) for texts needing more than MaxParts parts.
var ErrTooLong = errors.New("sms: text needs more than 10 parts")

// Error is a delivery failure classified for the retry queue.
type Error struct {
	// Op names the step that failed, e.g. "http POST", "smpp submit_sm".
	Op string
	// Temporary reports whether sending the same message later may succeed.
	Temporary bool
	// Code is the HTTP status or SMPP command_status, 0 when there is none.
	Code int
	// Err is the cause.
	Err error
}

// Error reads like "sms: smpp submit_sm: <cause> (temporary)".
func (e *Error) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	return fmt.Sprintf("sms: %s: %v (%s)", e.Op, e.Err, kind)
}

// Unwrap returns the cause so errors.Is works with ErrTooLong, ErrBindFailed
// and context errors.
func (e *Error) Unwrap() error { return e.Err }

// IsTemporary reports whether err is worth retrying later. Errors of type
// *Error carry their own verdict; for anything else, timeouts, cancellation
// and broken or refused connections are temporary and the rest permanent.
func IsTemporary(err error) bool {
	if err == nil {
		return false
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Temporary
	}
	return isNetworkTransient(err)
}

// isNetworkTransient recognises failures of the path to the provider, as
// opposed to the provider refusing the message.
func isNetworkTransient(err error) bool {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		// Cancellation means the worker shut down mid-send; the message itself is fine.
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED):
		return true
	case errors.As(err, &ne) && ne.Timeout():
		return true
	}
	var op *net.OpError
	var dns *net.DNSError
	return errors.As(err, &op) || errors.As(err, &dns)
}

// temporary wraps err as a retryable failure of op.
func temporary(op string, code int, err error) error {
	return &Error{Op: op, Temporary: true, Code: code, Err: err}
}

// permanent wraps err as a failure that retrying will not fix.
func permanent(op string, code int, err error) error {
	return &Error{Op: op, Code: code, Err: err}
}

// classify wraps a raw transport error with the verdict of isNetworkTransient.
func classify(op string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Op: op, Temporary: isNetworkTransient(err), Err: err}
}
