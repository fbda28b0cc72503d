package web

import (
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Languages the portal speaks, in the order the switcher shows them.
var Languages = []string{"en", "cs"}

// LanguageNames are the names shown in the language switcher, each in its own language.
var LanguageNames = map[string]string{"en": "English", "cs": "Čeština"}

// Catalog holds every translated string: the shared ones and each module's, loaded from
// TOML files named <lang>.toml. Keys are namespaced by module ("invoices.title").
type Catalog struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	keys       map[string]map[string]bool // lang -> key -> present
	log        *slog.Logger
	missing    sync.Map
	// plain caches translations without arguments, which never change: a page
	// translates dozens of labels and go-i18n executes a template for each.
	plain sync.Map
}

// NewCatalog builds a catalog from locale folders (each holding en.toml, cs.toml, ...).
func NewCatalog(log *slog.Logger, sources ...fs.FS) (*Catalog, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{bundle: b, localizers: map[string]*i18n.Localizer{}, keys: map[string]map[string]bool{}, log: log}
	for _, lang := range Languages {
		c.keys[lang] = map[string]bool{}
	}
	for _, src := range sources {
		if src == nil {
			continue
		}
		for _, lang := range Languages {
			data, err := fs.ReadFile(src, lang+".toml")
			if err != nil {
				continue // a module may have no strings
			}
			mf, err := b.ParseMessageFileBytes(data, lang+".toml")
			if err != nil {
				return nil, fmt.Errorf("locale %s: %w", lang, err)
			}
			for _, m := range mf.Messages {
				if c.keys[lang][m.ID] {
					return nil, fmt.Errorf("locale %s: key %q defined twice", lang, m.ID)
				}
				c.keys[lang][m.ID] = true
			}
		}
	}
	for _, lang := range Languages {
		c.localizers[lang] = i18n.NewLocalizer(b, lang, "en")
	}
	return c, nil
}

// Has reports whether a language's catalog defines key.
func (c *Catalog) Has(lang, key string) bool { return c.keys[lang][key] }

// Keys returns every key of a language.
func (c *Catalog) Keys(lang string) map[string]bool { return c.keys[lang] }

// T translates key into lang. args are name/value pairs for the message's template
// ({{.Name}}); a pair named "Count" also chooses the plural form. A missing key is
// logged once and shown as the key itself, so a gap is visible but never fatal.
func (c *Catalog) T(lang, key string, args ...any) string {
	if len(args) == 0 {
		ck := lang + "\x00" + key
		if v, ok := c.plain.Load(ck); ok {
			return v.(string)
		}
		s := c.localize(lang, key, nil)
		c.plain.Store(ck, s)
		return s
	}
	return c.localize(lang, key, args)
}

func (c *Catalog) localize(lang, key string, args []any) string {
	l := c.localizers[lang]
	if l == nil {
		l = c.localizers["en"]
	}
	cfg := &i18n.LocalizeConfig{MessageID: key}
	if len(args) > 0 {
		data := make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			name, _ := args[i].(string)
			data[name] = args[i+1]
			if name == "Count" {
				cfg.PluralCount = args[i+1]
			}
		}
		cfg.TemplateData = data
	}
	s, err := l.Localize(cfg)
	if err != nil && s == "" {
		if _, seen := c.missing.LoadOrStore(lang+":"+key, true); !seen && c.log != nil {
			c.log.Warn("web.T: missing translation", "lang", lang, "key", key)
		}
		return key
	}
	return s
}

// Negotiate picks a supported language from an Accept-Language header.
func Negotiate(header string) string {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil {
		return ""
	}
	for _, t := range tags {
		base, _ := t.Base()
		for _, l := range Languages {
			if strings.EqualFold(base.String(), l) {
				return l
			}
		}
	}
	return ""
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}
