// Package perm is the one permission table of the portal: which staff role may do
// which action. The staff console and the management API both ask it, so a role can
// never do through one door what the other refuses.
//
// An action is "<area>.read" or "<area>.write" (plus a few without a level, such as
// console.use). Console pages and API methods each name the action they need; a test
// in cmd/portal walks every role against every declared page and method.
package perm

import (
	"slices"
	"strings"

	"github.com/ispportal/portal/internal/core"
)

// Action is something a staff member may be allowed to do.
type Action string

// The actions. Reads run on the read pool; everything else writes.
const (
	ConsoleUse Action = "console.use" // open the staff console at all
	Session    Action = "session.use" // API session methods (info, logout)

	ClientsRead    Action = "clients.read"
	ClientsWrite   Action = "clients.write"   // client data, view as client
	PasswordsWrite Action = "passwords.write" // one-time passwords, links, unlock
	GroupsRead     Action = "groups.read"
	GroupsWrite    Action = "groups.write"
	ServicesRead   Action = "services.read" // tariffs, services, traffic
	ServicesWrite  Action = "services.write"
	InvoicesRead   Action = "invoices.read" // invoices and payments
	InvoicesWrite  Action = "invoices.write"
	MessagesRead   Action = "messages.read"
	MessagesWrite  Action = "messages.write"
	TicketsRead    Action = "tickets.read"
	TicketsWrite   Action = "tickets.write"
	SMSRead        Action = "sms.read"
	RequestsRead   Action = "requests.read"
	RequestsWrite  Action = "requests.write"

	DocumentsRead    Action = "documents.read"
	DocumentsWrite   Action = "documents.write"
	FilesRead        Action = "files.read"
	FilesWrite       Action = "files.write"
	ButtonsRead      Action = "buttons.read"
	ButtonsWrite     Action = "buttons.write"
	ConsentsRead     Action = "consents.read"
	ConsentsWrite    Action = "consents.write"
	DepartmentsWrite Action = "departments.write"
	ContactRead      Action = "contact.read"
	VouchersRead     Action = "vouchers.read"
	VouchersWrite    Action = "vouchers.write"
	UsageRead        Action = "usage.read" // usage records (calls, data, SMS) the billing system pushes
	UsageWrite       Action = "usage.write"
	RatesRead        Action = "rates.read" // price lists and per-destination rates
	RatesWrite       Action = "rates.write"
	PaymentsRead     Action = "payments.read"  // online payment attempts, autopay mandates and charges
	PaymentsWrite    Action = "payments.write" // switch a client's autopay off
	NotifyRead       Action = "notify.read"    // a client's notification choices and what was sent
	NotifyWrite      Action = "notify.write"   // change them; send an outage or maintenance notice
	SignupsRead      Action = "signups.read"   // self sign-ups and their state
	SignupsWrite     Action = "signups.write"  // approve or reject a sign-up

	SettingsRead   Action = "settings.read"
	SettingsWrite  Action = "settings.write"
	TemplatesRead  Action = "templates.read"
	TemplatesWrite Action = "templates.write"
	ToolsRead      Action = "tools.read" // outbox, SMS queue, themes, suspension
	ToolsWrite     Action = "tools.write"
	AuditRead      Action = "audit.read"
	StaffRead      Action = "staff.read"

	// FactorsRead and FactorsWrite: a client's second factors (status; reset). Staff
	// roles only: the billing system's machine account cannot take over a login.
	FactorsRead  Action = "factors.read"
	FactorsWrite Action = "factors.write"
	StaffWrite   Action = "staff.write" // staff accounts: add, edit, deactivate, password, unlock

	// AppearanceRead and AppearanceWrite: the console's themes (copy, upload, preview,
	// select). Administrators only: a style sheet is code every subscriber runs.
	AppearanceRead  Action = "appearance.read"
	AppearanceWrite Action = "appearance.write"

	// PrivacyRead and PrivacyWrite: clients' erasure and restriction requests (list;
	// change state). The machine account has both: the billing system holds the master
	// data, so it is where an erasure is carried out and marked done.
	PrivacyRead  Action = "privacy.read"
	PrivacyWrite Action = "privacy.write"
	// ClientsExport: a client's complete own-data export (profile, services, invoices,
	// tickets, SMS, consents, login history) through the API, audited. Administrators
	// and support only: the machine account syncs data and has no business pulling
	// whole dossiers, and read-only staff get no action that is not a read (the
	// console card's export, a download, stays with clients.read).
	ClientsExport Action = "clients.export"

	// BrandRead and BrandWrite: the brands (domains, name, logo, custom CSS and
	// JavaScript, sections shown, per-brand settings). Writing is for administrators
	// only: a brand's script is code every subscriber of the brand runs.
	// BrandAssign moves a client to a brand (the card, the billing system's API).
	BrandRead   Action = "brand.read"
	BrandWrite  Action = "brand.write"
	BrandAssign Action = "brand.assign"
	// PeopleRead and PeopleWrite: the people an account holder invited to log in
	// (list; invite, change role, disable, remove, unlock). The machine account has
	// both, like passwords.write.
	PeopleRead  Action = "people.read"
	PeopleWrite Action = "people.write"
	// SectionsWrite: force a portal section shown or hidden for one client (the
	// overrides are read with clients.read).
	SectionsWrite Action = "sections.write"
)

const (
	a = core.RoleAdmin
	s = core.RoleSupport
	r = core.RoleReadOnly
	p = core.RoleAPI // the billing system's machine account: API only
)

// table is the whole policy. Support staff look after clients, messages and tickets;
// read-only staff see what administrators see and change nothing; the machine
// account feeds data and content but never settings; administrators do everything.
var table = map[Action][]string{
	ConsoleUse: {a, s, r},
	Session:    {a, s, p, r},

	ClientsRead:    {a, s, p, r},
	ClientsWrite:   {a, s, p},
	PasswordsWrite: {a, s, p},
	GroupsRead:     {a, s, p, r},
	GroupsWrite:    {a, s, p},
	ServicesRead:   {a, s, p, r},
	ServicesWrite:  {a, s, p},
	InvoicesRead:   {a, s, p, r},
	InvoicesWrite:  {a, s, p},
	MessagesRead:   {a, s, p, r},
	MessagesWrite:  {a, s, p},
	TicketsRead:    {a, s, p, r},
	TicketsWrite:   {a, s, p},
	SMSRead:        {a, s, p, r},
	RequestsRead:   {a, s, p, r},
	RequestsWrite:  {a, s, p},

	DocumentsRead:    {a, s, p, r},
	DocumentsWrite:   {a, p},
	FilesRead:        {a, s, p, r},
	FilesWrite:       {a, p},
	ButtonsRead:      {a, s, p, r},
	ButtonsWrite:     {a, p},
	ConsentsRead:     {a, s, p, r},
	ConsentsWrite:    {a, p},
	DepartmentsWrite: {a, p},
	ContactRead:      {a, r},
	VouchersRead:     {a, s, p, r},
	VouchersWrite:    {a, p},
	UsageRead:        {a, s, p, r},
	UsageWrite:       {a, p},
	RatesRead:        {a, s, p, r},
	RatesWrite:       {a, p},
	PaymentsRead:     {a, s, p, r},
	PaymentsWrite:    {a, s},
	NotifyRead:       {a, s, p, r},
	NotifyWrite:      {a, s, p},
	SignupsRead:      {a, s, p, r},
	SignupsWrite:     {a, s, p},

	SettingsRead:   {a, p, r},
	SettingsWrite:  {a},
	TemplatesRead:  {a, r},
	TemplatesWrite: {a},
	ToolsRead:      {a, r},
	ToolsWrite:     {a},
	AuditRead:      {a, r},
	StaffRead:      {a, r},

	FactorsRead:  {a, s, r},
	FactorsWrite: {a, s},
	StaffWrite:   {a},

	AppearanceRead:  {a},
	AppearanceWrite: {a},

	PrivacyRead:   {a, s, p, r},
	PrivacyWrite:  {a, p},
	ClientsExport: {a, s},

	BrandRead:     {a, s, p, r},
	BrandWrite:    {a},
	BrandAssign:   {a, s, p},
	PeopleRead:    {a, s, p, r},
	PeopleWrite:   {a, s, p},
	SectionsWrite: {a, s, p},
}

// Allows reports whether role may do the action. An action missing from the table is
// refused to everybody (and fails the table test).
func Allows(role string, act Action) bool {
	return slices.Contains(table[act], role)
}

// Roles lists the roles allowed the action, in the table's order.
func Roles(act Action) []string { return slices.Clone(table[act]) }

// Known reports whether the action is in the table.
func Known(act Action) bool {
	_, ok := table[act]
	return ok
}

// Reads reports whether the action only reads (API reads run on the read pool
// without a transaction or an audit entry).
func Reads(act Action) bool {
	return strings.HasSuffix(string(act), ".read") || act == Session
}

// Level is how the API reference names the action's access: read, write, or admin
// for writes only administrators may do.
func Level(act Action) string {
	switch {
	case Reads(act):
		return "read"
	case slices.Equal(table[act], []string{a}):
		return "admin"
	}
	return "write"
}
