package sms

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
)

func TestIsTemporary(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain error", errors.New("boom"), false},
		{"too long", ErrTooLong, false},
		{"deadline", context.DeadlineExceeded, true},
		{"wrapped deadline", fmt.Errorf("send: %w", context.DeadlineExceeded), true},
		{"eof", io.EOF, true},
		{"dial error", &net.OpError{Op: "dial", Err: errors.New("refused")}, true},
		{"explicit temporary", temporary("x", 500, errors.New("y")), true},
		{"explicit permanent wrapping deadline", permanent("x", 400, context.DeadlineExceeded), false},
		{"wrapped explicit", fmt.Errorf("queue: %w", temporary("x", 0, errors.New("y"))), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsTemporary(tt.err); got != tt.want {
				t.Errorf("IsTemporary(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
