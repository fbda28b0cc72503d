// Package settings is the typed registry of every portal setting: one declaration
// each, with its type, default, section, help text and validation. Values live in
// SQLite (table settings); reads come from an in-memory snapshot that is swapped
// atomically when a write happens, here or in another process (see Store.Sync).
//
// Code never reads a key by string: it calls a typed accessor such as
// DisplayBalance.Get(st). The staff console, the CLI and the API list and edit the
// settings through All, Lookup and Store.Set, so a new declaration appears everywhere.
package settings

import (
	"fmt"
	"sort"
	"strings"
)

// Type is the kind of value a setting holds; it chooses validation and the widget.
type Type int

// The setting types.
const (
	Bool Type = iota
	Int
	String
	Enum
	URL
	Email
	EmailList
	HTML
	// List is a choice of any of Options, in the order given, separated by commas
	// ("time, service, cost"); empty means none.
	List
)

func (t Type) String() string {
	return [...]string{"bool", "int", "string", "enum", "url", "email", "email list", "html", "list"}[t]
}

// Sections group settings in the console and in the reference.
const (
	SecGeneral    = "General"
	SecAppearance = "Appearance"
	SecContacts   = "Contacts"
	SecButtons    = "Custom buttons"
	SecSMS        = "SMS"
	SecMail       = "Mail"
	SecSecurity   = "Security"
	SecPayments   = "Payments"
	SecSignup     = "Sign-up"
)

// SectionOrder is the order in which sections are shown.
var SectionOrder = []string{SecGeneral, SecAppearance, SecContacts, SecButtons, SecSMS, SecMail, SecSecurity, SecPayments, SecSignup}

// Def declares one setting.
type Def struct {
	Key      string
	Aliases  []string // older or misspelt names accepted on input (the seed's ci_enable_cllient_data_change)
	Type     Type
	Default  string
	Section  string
	Label    string
	Help     string
	Options  []string // allowed values of an Enum, or the items of a List
	Min, Max int      // range of an Int; maximum length of text types when Max > 0
	PerGroup bool     // may have a different value per invoice group
	// PerBrand: a brand may have its own value, which overlays the global one on the
	// brand's domains (Store.Brand); a group value still wins over it.
	PerBrand bool
	Secret   bool // masked in listings, never logged
	// Mask hides parts of a non-secret value wherever it is shown or audited (a
	// credential stored in a template before the Check refused them).
	Mask  func(v string) string
	Gates string // the module this setting switches on or off, for the reference
	Check func(v string) error
}

var (
	registry []*Def
	byKey    = map[string]*Def{}
)

func define(d *Def) *Def {
	for _, k := range append([]string{d.Key}, d.Aliases...) {
		if _, dup := byKey[k]; dup {
			// A duplicate key is a programming error; panic at init so it never ships.
			panic("settings: duplicate key " + k)
		}
		byKey[k] = d
	}
	if err := d.Validate(d.Default); err != nil {
		panic(fmt.Sprintf("settings: default of %s is invalid: %v", d.Key, err))
	}
	registry = append(registry, d)
	return d
}

// All returns every declaration, ordered by section and then declaration order.
func All() []*Def {
	out := make([]*Def, len(registry))
	copy(out, registry)
	rank := map[string]int{}
	for i, s := range SectionOrder {
		rank[s] = i
	}
	sort.SliceStable(out, func(i, j int) bool { return rank[out[i].Section] < rank[out[j].Section] })
	return out
}

// Lookup finds a declaration by key or alias; keys are matched without regard to case
// and surrounding space, as staff type them.
func Lookup(key string) (*Def, bool) {
	d, ok := byKey[strings.ToLower(strings.TrimSpace(key))]
	return d, ok
}

// BoolKey is a typed accessor for a Bool setting.
type BoolKey struct{ *Def }

// IntKey is a typed accessor for an Int setting.
type IntKey struct{ *Def }

// StringKey is a typed accessor for every text-like setting (String, Enum, URL, Email,
// EmailList, HTML).
type StringKey struct{ *Def }

// Get returns the global value, or the brand's own for a brand's view (Store.Brand).
func (k BoolKey) Get(s *Store) bool { return s.snap().get(k.Key, 0, s.brand, k.Default) == "1" }

// Get returns the global value, or the brand's own for a brand's view (Store.Brand).
func (k IntKey) Get(s *Store) int { return atoi(s.snap().get(k.Key, 0, s.brand, k.Default)) }

// Get returns the global value, or the brand's own for a brand's view (Store.Brand).
func (k StringKey) Get(s *Store) string { return s.snap().get(k.Key, 0, s.brand, k.Default) }

// For returns the value for clients of an invoice group, falling back to the brand's
// value (for a brand's view) and then the global one.
func (k StringKey) For(s *Store, group int64) string {
	return s.snap().get(k.Key, group, s.brand, k.Default)
}

// List splits an EmailList value into its addresses, or a List value into its items.
func (k StringKey) List(s *Store) []string { return SplitList(k.Get(s)) }

func boolean(d Def) BoolKey { d.Type = Bool; return BoolKey{define(&d)} }
func integer(d Def) IntKey  { d.Type = Int; return IntKey{define(&d)} }
func text(d Def) StringKey  { return StringKey{define(&d)} }
