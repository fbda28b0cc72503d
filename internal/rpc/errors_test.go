package rpc

import (
	"errors"
	"testing"

	"github.com/ispportal/portal/internal/core"
)

func TestFromService(t *testing.T) {
	var ae *AppError
	if err := FromService(&core.FieldError{Field: "title", Err: errors.New("is too long")}, "files[2]."); !errors.As(err, &ae) ||
		ae.Kind != "invalid" || ae.Field != "files[2].title" || ae.Message != "is too long" {
		t.Fatalf("field error became %#v", err)
	}
	if err := FromService(core.ErrNotFound, ""); !errors.As(err, &ae) || ae.Kind != "not_found" {
		t.Fatalf("not found became %#v", err)
	}
	disk := errors.New("disk I/O error: /var/lib/portal/data/portal.db")
	if err := FromService(disk, ""); err != disk {
		t.Fatalf("a storage error must pass unchanged (it answers -32603 without its text), got %#v", err)
	}
	if FromService(nil, "") != nil {
		t.Fatal("nil")
	}
}
