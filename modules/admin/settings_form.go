package admin

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// settingField is one setting on the form.
type settingField struct {
	Key, Label, Help string
	Widget           string // checkbox, number, select, text, url, email, textarea, password
	Options          []string
	Min, Max         int
	Default          string // shown as the default (secrets masked)
	Value            string // what the control shows
	Stored           bool   // a value is stored at this level (global or the group)
	Changed          bool   // the value differs from the default (or, per group, overrides it)
	Secret           bool
	SecretSet        bool // a secret is stored (the field itself stays empty)
	Inherit          bool // group mode: the group uses the global value
	Hash             string
	Error            string // translated inline error
	// Notes are translated warnings shown next to the field (ci_url: the passkeys
	// registered for its host, which a change of host makes stop working).
	Notes []string
	// Effective is the value in force at this level (secrets: "" and SecretSet), and
	// Source where it comes from: "default", "global" or "group".
	Effective, Source string
}

// settingKey is the translation key of a setting's label or help ("admin.setting.KEY.label").
func settingKey(key, part string) string { return "admin.setting." + key + "." + part }

// sectionKey is the translation key of a settings section's name.
func sectionKey(section string) string {
	return "admin.section." + strings.ToLower(strings.ReplaceAll(section, " ", "_"))
}

// settingSection is a heading of the form.
type settingSection struct {
	Name, Label string
	Anchor      string // the id of its form, for the page's table of sections
	Fields      []*settingField
}

func widget(d *settings.Def) string {
	if d.Secret {
		return "password"
	}
	switch d.Type {
	case settings.Bool:
		return "checkbox"
	case settings.Int:
		return "number"
	case settings.Enum:
		return "select"
	case settings.URL:
		return "url"
	case settings.Email:
		return "email"
	case settings.HTML, settings.EmailList:
		return "textarea"
	}
	return "text"
}

// valueHash fingerprints the value a form showed, so that saving writes only the
// fields this person changed: a form loaded before a colleague's save does not undo
// the colleague's other changes (last write wins only where both edited).
func valueHash(d *settings.Def, v string) string {
	h := sha256.Sum256([]byte(d.Normalize(formText(v))))
	return hex.EncodeToString(h[:12])
}

// formText undoes what browsers do to textarea values (CRLF line ends).
func formText(v string) string { return strings.ReplaceAll(v, "\r\n", "\n") }

// matches reports whether a setting matches the search box (key, label, help, section,
// and their translations in every language, so a Czech word finds a setting too).
func (m *Module) matches(d *settings.Def, q string) bool {
	if q == "" {
		return true
	}
	q = strings.ToLower(q)
	texts := []string{d.Key, d.Label, d.Help, d.Section}
	for _, lang := range web.Languages {
		for _, k := range []string{settingKey(d.Key, "label"), settingKey(d.Key, "help"), sectionKey(d.Section)} {
			if m.d.Web.Catalog.Has(lang, k) {
				texts = append(texts, m.d.Web.Catalog.T(lang, k))
			}
		}
	}
	for _, s := range texts {
		if strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	return false
}

// visibleDefs are the settings on the form: all (or, for a group, the per-group ones)
// that match the search.
func (m *Module) visibleDefs(q string, group int64) []*settings.Def {
	var out []*settings.Def
	for _, d := range settings.All() {
		if (group == 0 || d.PerGroup) && m.matches(d, q) {
			out = append(out, d)
		}
	}
	return out
}

// buildField makes the field of a setting as stored now.
func (m *Module) buildField(d *settings.Def, group int64) *settingField {
	v, stored := m.d.Settings.Value(d, group)
	f := &settingField{Key: d.Key, Label: d.Label, Help: d.Help, Widget: widget(d), Options: d.Options, Min: d.Min, Max: d.Max,
		Default: d.Display(d.Default), Stored: stored, Secret: d.Secret, Inherit: group != 0 && !stored}
	if d.Secret {
		f.SecretSet = v != ""
	} else {
		// Display hides a credential left in a template (Def.Mask); the hash is of what
		// the form shows, so saving the form unchanged does not store the mask.
		f.Value = d.Display(v)
	}
	f.Changed = stored && (group != 0 || v != d.Default)
	f.Source = "default"
	switch {
	case stored && group != 0:
		f.Source = "group"
	case stored:
		f.Source = "global"
	case group != 0:
		if _, global := m.d.Settings.Value(d, 0); global {
			f.Source = "global"
		}
	}
	if !d.Secret {
		f.Effective = d.Display(v)
	}
	f.Hash = valueHash(d, f.Value)
	return f
}

// lastValue returns the last value of a form field: a checkbox after its hidden "0"
// sends both, and the checkbox must win.
func lastValue(c *fiber.Ctx, name string) (string, bool) {
	vs := c.Request().PostArgs().PeekMulti(name)
	if len(vs) == 0 {
		if fh, err := c.MultipartForm(); err == nil && fh != nil && len(fh.Value[name]) > 0 {
			l := fh.Value[name]
			return l[len(l)-1], true
		}
		return "", false
	}
	return string(vs[len(vs)-1]), true
}

// validationError translates why a value is refused, per rule, in the request's
// language; the registry's own (English) rule is the fallback for custom checks.
func (m *Module) validationError(c *fiber.Ctx, d *settings.Def, v string, err error) string {
	t := func(key string, args ...any) string { return m.d.Web.T(c, key, args...) }
	max := d.Max
	if d.Type != settings.Int && max == 0 {
		max = 2000
		if d.Type == settings.HTML {
			max = 100000
		}
	}
	switch {
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		return t("admin.settings.err.text")
	case d.Type != settings.Int && utf8.RuneCountInString(v) > max:
		return t("admin.settings.err.too_long", "Max", max)
	case d.Type != settings.HTML && d.Type != settings.EmailList && strings.ContainsAny(v, "\r\n"):
		return t("admin.settings.err.single_line")
	}
	switch d.Type {
	case settings.Bool:
		return t("admin.settings.err.bool")
	case settings.Int:
		if _, e := strconv.Atoi(v); e != nil {
			return t("admin.settings.err.int")
		}
		n, _ := strconv.Atoi(v)
		if n < d.Min || (d.Max > 0 && n > d.Max) {
			return t("admin.settings.err.range", "Min", d.Min, "Max", d.Max)
		}
	case settings.Enum:
		if !slices.Contains(d.Options, v) {
			return t("admin.settings.err.enum", "Options", strings.Join(d.Options, ", "))
		}
	case settings.URL:
		if u, e := url.Parse(v); e != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return t("admin.settings.err.url")
		}
	case settings.Email:
		return t("admin.settings.err.email")
	case settings.EmailList:
		return t("admin.settings.err.email_list")
	}
	if errors.Is(err, settings.ErrLiteralCredential) {
		return t("admin.settings.err.credential")
	}
	var rule string
	if ve, ok := err.(*settings.ValidationError); ok {
		rule = ve.Rule
	} else {
		rule = err.Error()
	}
	return t("admin.settings.err.rule", "Rule", rule)
}
