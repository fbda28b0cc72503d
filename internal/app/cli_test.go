package app

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ispportal/portal/internal/core"
)

func TestCLIHelpers(t *testing.T) {
	if _, err := OneID("file delete", "file", []string{"007"}); err == nil || err.Error() != `file delete: "007" is not a file id` {
		t.Fatalf("007: %v", err)
	}
	if _, err := OneID("file delete", "file", nil); err == nil || err.Error() != "file delete: give one file ID" {
		t.Fatalf("none: %v", err)
	}
	if id, err := OneID("file delete", "file", []string{"42"}); err != nil || id != 42 {
		t.Fatalf("42: %d %v", id, err)
	}
	if err := NoArgs("file list", []string{"x"}); err == nil || err.Error() != "file list takes no arguments" {
		t.Fatalf("args: %v", err)
	}
	var out bytes.Buffer
	tb := NewTable(&out, "ID", "TITLE")
	tb.Row(7, "Price list")
	if err := tb.Flush(); err != nil || out.String() != "ID  TITLE\n7   Price list\n" {
		t.Fatalf("table %q %v", out.String(), err)
	}
	var errs bytes.Buffer
	fs := Flags("ticket reply", IO{Err: &errs})
	author := fs.String("author", "", "")
	if pos, err := Positional(fs, []string{"12", "--author", "Eva", "x"}); err != nil || len(pos) != 2 || pos[0] != "12" || pos[1] != "x" || *author != "Eva" {
		t.Fatalf("positional: %q %q %v", pos, *author, err)
	}
	if err := ParseFlags(Flags("request list", IO{Err: &errs}), []string{"x"}); err == nil || err.Error() != `request list: unexpected argument "x"` {
		t.Fatalf("parse flags: %v", err)
	}
	if err := CommandError("consent add", &core.FieldError{Field: "title", Err: core.ErrNotBlank}); err.Error() != "consent add: "+core.ErrNotBlank.Error() || !errors.Is(err, core.ErrNotBlank) {
		t.Fatalf("command error: %v", err)
	}
	if _, err := IDArg([]string{"x"}, "give exactly one document ID", "document "); err == nil || err.Error() != `document id "x" is not a number` {
		t.Fatalf("id arg: %v", err)
	}
	if _, err := IDArg(nil, "give exactly one document ID", "document "); err == nil || err.Error() != "give exactly one document ID" {
		t.Fatalf("id arg: %v", err)
	}
	if YesNo(true) != "yes" || YesNo(false) != "no" {
		t.Fatal("yes/no")
	}

	fs = Flags("x", IO{Err: &errs})
	if err := fs.Parse([]string{"--nope"}); err == nil || !bytes.Contains(errs.Bytes(), []byte("nope")) {
		t.Fatalf("flags: %v %q", err, errs.String())
	}
}
