package files

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
)

// The one rule for a provider file's texts, whichever way it is published (console,
// API, file upload, CLI): the widest limit an external caller could use before.
const (
	MaxTitle       = 300  // runes, after trimming; required
	MaxDescription = 4000 // runes
)

// ErrTooLong completes a field name: the value is longer than its limit.
var ErrTooLong = errors.New("is too long")

// Check normalises f's title and description and refuses them with a
// *core.FieldError (field "title" or "description") when they break the rule.
func Check(f *File) error {
	title, err := CheckTitle(f.Title)
	if err != nil {
		return err
	}
	desc, err := CheckDescription(f.Description)
	if err != nil {
		return err
	}
	f.Title, f.Description = title, desc
	return nil
}

// CheckTitle normalises a file title: one line, trimmed, required, at most MaxTitle runes.
func CheckTitle(s string) (string, error) {
	title, err := core.Line(s)
	switch {
	case err != nil:
		return s, &core.FieldError{Field: "title", Err: err}
	case title == "":
		return title, &core.FieldError{Field: "title", Err: core.ErrNotBlank}
	case utf8.RuneCountInString(title) > MaxTitle:
		return title, &core.FieldError{Field: "title", Err: fmt.Errorf("%w (at most %d characters)", ErrTooLong, MaxTitle)}
	}
	return title, nil
}

// CheckDescription normalises a file description: trimmed text of at most
// MaxDescription runes.
func CheckDescription(s string) (string, error) {
	desc, err := core.Text(s)
	if err != nil {
		return s, &core.FieldError{Field: "description", Err: err}
	}
	desc = strings.TrimSpace(desc)
	if utf8.RuneCountInString(desc) > MaxDescription {
		return desc, &core.FieldError{Field: "description", Err: fmt.Errorf("%w (at most %d characters)", ErrTooLong, MaxDescription)}
	}
	return desc, nil
}

// Publish checks f, stores the content read from r and saves f pointing at it (a file
// with f's external id is replaced, its old content removed after the commit). audit,
// when not nil, writes the audit entry of the new row in the same transaction. A
// refused text is a *core.FieldError; blob.ErrTooLarge and blob.ErrEmpty name a
// refused content.
func Publish(ctx context.Context, d app.Deps, f File, r io.Reader, audit func(tx *sql.Tx, id int64) error) (int64, error) {
	if err := Check(&f); err != nil {
		return 0, err
	}
	var id int64
	err := blob.Put(ctx, d.DB, d.DataDir, StoreDir, r, func(tx *sql.Tx, s blob.Stored) (string, error) {
		f.StoredPath, f.Size, f.ContentType = s.Path, s.Size, s.ContentType
		var old string
		if f.ExternalID != "" {
			if prev, err := FileByExternalID(ctx, tx, f.ExternalID); err == nil {
				old = prev.StoredPath
			}
		}
		var err error
		if id, err = SaveFile(ctx, tx, f, d.Now()); err != nil {
			return "", err
		}
		if audit != nil {
			err = audit(tx, id)
		}
		return old, err
	})
	return id, err
}

// Delete removes file id (core.ErrNotFound if there is none) with its audit entry in
// one transaction, and its stored content once the row is gone for good.
func Delete(ctx context.Context, d app.Deps, id int64, audit func(tx *sql.Tx) error) error {
	var stored string
	err := d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if stored, err = DeleteFile(ctx, tx, id); err != nil {
			return err
		}
		if audit != nil {
			return audit(tx)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := blob.Remove(d.DataDir, StoreDir, stored); err != nil && d.Log != nil {
		d.Log.Warn("files.Delete: stored file not removed", "file", id, "err", err)
	}
	return nil
}
