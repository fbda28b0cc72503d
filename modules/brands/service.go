package brands

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/themefile"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Limits of a brand's fields.
const (
	MaxName    = 100
	MaxDomains = 20
	MaxJS      = 64 << 10
)

// Named errors of the service functions; the console translates each, the API shows
// the text.
var (
	ErrName          = errors.New("required, at most 100 characters")
	ErrDomain        = errors.New("not a host name (letters, digits, hyphens and dots, no port)")
	ErrDomainTaken   = errors.New("a host name of another brand")
	ErrDomainsNeeded = errors.New("a brand other than the default needs at least one host name")
	ErrTooMany       = errors.New("at most 20 host names")
	ErrCSS           = errors.New("the style sheet holds something not allowed (</style>, script, remote address)")
	ErrJS            = errors.New("the script must be text of at most 64 KB")
	ErrJSURL         = errors.New("the script address must be an https:// address")
	ErrJSBoth        = errors.New("give either script code or a script address, not both")
	ErrSection       = errors.New("not a section of the portal")
	ErrSetting       = errors.New("not a valid value for this setting")
	ErrNotPerBrand   = errors.New("this setting cannot differ per brand")
	ErrDefault       = errors.New("the default brand cannot be deleted")
	ErrLogo          = errors.New("the logo must be a JPEG, PNG or GIF")
	ErrLogoWide      = errors.New("the logo may be at most 350 pixels wide and 400 high")
	ErrLogoSize      = errors.New("the logo may be at most 512 KB")
	ErrLogoKind      = errors.New("no such logo")
)

// Who is the actor and address an action is audited with.
type Who struct{ Actor, IP string }

func audit(ctx context.Context, d app.Deps, tx *sql.Tx, who Who, action string, clientID int64, detail string) error {
	return core.Audit(ctx, tx, core.AuditEntry{At: d.Now(), Actor: who.Actor, Action: action, ClientID: clientID, Detail: detail, IP: who.IP})
}

// Input is a brand as staff save it.
type Input struct {
	ID      int64 // 0: a new brand
	Name    string
	Domains []string
	Hidden  []string
	CSS     string
	JS      string
	JSURL   string
	// Settings are the brand's own values of PerBrand settings by key; "" removes
	// the brand's value (the global one applies). Ignored for the default brand,
	// whose look is the global settings.
	Settings map[string]string
}

var hostRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$`)

// SplitDomains reads host names separated by spaces, commas or new lines.
func SplitDomains(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

// cleanDomains normalises, checks and de-duplicates host names.
func cleanDomains(in []string) ([]string, error) {
	var out []string
	for _, h := range in {
		if strings.ContainsAny(h, ":/@[]") {
			return nil, ErrDomain
		}
		h = web.NormalizeHost(h)
		if h == "" {
			continue
		}
		if len(h) > 253 || !hostRE.MatchString(h) {
			return nil, ErrDomain
		}
		if !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	if len(out) > MaxDomains {
		return nil, ErrTooMany
	}
	return out, nil
}

// ScriptSource is the Content-Security-Policy source admitting exactly the script
// at address u (https only), or an error.
func ScriptSource(u string) (string, error) {
	if !strings.HasPrefix(strings.ToLower(u), "https://") {
		return "", ErrJSURL
	}
	src, err := settings.FormActionSource(u)
	if err != nil {
		return "", ErrJSURL
	}
	return src, nil
}

// check validates in (sections: the module names a brand may hide) and returns it
// cleaned, or the first field's error.
func check(in Input, sections []string) (Input, error) {
	in.Name = strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(in.Name); n == 0 || n > MaxName || strings.ContainsAny(in.Name, "\r\n\x00") {
		return in, &core.FieldError{Field: "name", Err: ErrName}
	}
	doms, err := cleanDomains(in.Domains)
	if err != nil {
		return in, &core.FieldError{Field: "domains", Err: err}
	}
	if len(doms) == 0 && in.ID != DefaultID {
		return in, &core.FieldError{Field: "domains", Err: ErrDomainsNeeded}
	}
	in.Domains = doms
	var hidden []string
	for _, s := range in.Hidden {
		if !slices.Contains(sections, s) {
			return in, &core.FieldError{Field: "hidden", Err: ErrSection}
		}
		if !slices.Contains(hidden, s) {
			hidden = append(hidden, s)
		}
	}
	in.Hidden = hidden
	if len(in.CSS) > themefile.MaxCSSBytes {
		return in, &core.FieldError{Field: "css", Err: ErrCSS}
	}
	if in.CSS, err = themefile.CheckCSS(in.CSS); err != nil {
		return in, &core.FieldError{Field: "css", Err: ErrCSS}
	}
	in.JS = strings.ReplaceAll(in.JS, "\r\n", "\n")
	if len(in.JS) > MaxJS || !utf8.ValidString(in.JS) || strings.ContainsRune(in.JS, 0) {
		return in, &core.FieldError{Field: "js", Err: ErrJS}
	}
	in.JSURL = strings.TrimSpace(in.JSURL)
	if in.JSURL != "" {
		if _, err := ScriptSource(in.JSURL); err != nil {
			return in, &core.FieldError{Field: "js_url", Err: err}
		}
		if strings.TrimSpace(in.JS) != "" {
			return in, &core.FieldError{Field: "js_url", Err: ErrJSBoth}
		}
	}
	for k, v := range in.Settings {
		def, ok := settings.Lookup(k)
		if !ok || !def.PerBrand {
			return in, &core.FieldError{Field: "setting_" + k, Err: ErrNotPerBrand}
		}
		if v = def.Normalize(v); v != "" {
			if err := def.Validate(v); err != nil {
				return in, &core.FieldError{Field: "setting_" + def.Key, Err: ErrSetting}
			}
		}
	}
	return in, nil
}

// Save creates (ID 0) or updates a brand in tx, with its audit entry, and returns its
// id. sections are the module names a brand may hide (app.Declared.Sections).
func Save(ctx context.Context, tx *sql.Tx, d app.Deps, sections []string, in Input, who Who) (int64, error) {
	in, err := check(in, sections)
	if err != nil {
		return 0, err
	}
	now := core.Now(d.Now())
	id := in.ID
	if id == 0 {
		var err error
		if id, err = core.InsertID(ctx, tx, `INSERT INTO brands (name, hidden, css, js, js_url, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, in.Name, strings.Join(in.Hidden, " "), in.CSS, in.JS, in.JSURL, now, now); err != nil {
			return 0, err
		}
	} else {
		res, err := tx.ExecContext(ctx, `UPDATE brands SET name = ?, hidden = ?, css = ?, js = ?, js_url = ?, version = version + 1, updated_at = ?
			WHERE id = ?`, in.Name, strings.Join(in.Hidden, " "), in.CSS, in.JS, in.JSURL, now, id)
		if err != nil {
			return 0, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return 0, core.ErrNotFound
		}
	}
	if err := saveDomains(ctx, tx, id, in.Domains); err != nil {
		return 0, err
	}
	if id != DefaultID {
		if err := saveSettings(ctx, tx, d, id, in, who); err != nil {
			return 0, err
		}
	}
	return id, audit(ctx, d, tx, who, "brand.save", 0, "brand "+strconv.FormatInt(id, 10)+" "+in.Name+
		" domains="+strings.Join(in.Domains, ",")+" hidden="+strings.Join(in.Hidden, ","))
}

func saveDomains(ctx context.Context, tx *sql.Tx, id int64, doms []string) error {
	for _, h := range doms {
		var other int64
		err := tx.QueryRowContext(ctx, `SELECT brand_id FROM brand_domains WHERE host = ? AND brand_id != ?`, h, id).Scan(&other)
		if err == nil {
			return &core.FieldError{Field: "domains", Err: ErrDomainTaken}
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	var cur []string
	rows, err := tx.QueryContext(ctx, `SELECT host FROM brand_domains WHERE brand_id = ? ORDER BY position, host`, id)
	if err != nil {
		return err
	}
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return err
		}
		cur = append(cur, h)
	}
	rows.Close()
	if slices.Equal(cur, doms) {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM brand_domains WHERE brand_id = ?`, id); err != nil {
		return err
	}
	for i, h := range doms {
		if _, err := tx.ExecContext(ctx, `INSERT INTO brand_domains (host, brand_id, position) VALUES (?, ?, ?)`, h, id, i); err != nil {
			return err
		}
	}
	return nil
}

// saveSettings stores a brand's own setting values: its name as its ci_portal_name,
// each given value, and (when it has none) ci_url on its first domain, so links in
// its clients' mails lead to their brand.
func saveSettings(ctx context.Context, tx *sql.Tx, d app.Deps, id int64, in Input, who Who) error {
	st := d.Settings
	if err := st.SetBrandTx(ctx, tx, settings.PortalName.Key, id, in.Name, who.Actor); err != nil {
		return err
	}
	keys := make([]string, 0, len(in.Settings))
	for k := range in.Settings {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		def, _ := settings.Lookup(k)
		if def.Key == settings.PortalName.Key {
			continue // the brand's name
		}
		var err error
		if v := def.Normalize(in.Settings[k]); v == "" {
			err = st.ResetBrandTx(ctx, tx, def.Key, id, who.Actor)
		} else {
			err = st.SetBrandTx(ctx, tx, def.Key, id, v, who.Actor)
		}
		if err != nil {
			return err
		}
	}
	var has int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM settings_brand WHERE key = ? AND brand_id = ?`, settings.PortalURL.Key, id).Scan(&has); err != nil {
		return err
	}
	if has == 0 && len(in.Domains) > 0 {
		return st.SetBrandTx(ctx, tx, settings.PortalURL.Key, id, "https://"+in.Domains[0]+"/", who.Actor)
	}
	return nil
}

// Logo kinds: the header logo and the login page's.
const (
	KindLogo      = "logo"
	KindLoginLogo = "login_logo"
)

// SetLogo checks and stores a brand's logo (kind KindLogo or KindLoginLogo) read from r.
func SetLogo(ctx context.Context, tx *sql.Tx, d app.Deps, id int64, kind string, r io.Reader, who Who) error {
	if kind != KindLogo && kind != KindLoginLogo {
		return &core.FieldError{Field: "kind", Err: ErrLogoKind}
	}
	f, err := themefile.CheckBrandLogo(r)
	switch {
	case errors.Is(err, themefile.ErrDimension):
		return &core.FieldError{Field: kind, Err: ErrLogoWide}
	case errors.Is(err, themefile.ErrTooLarge):
		return &core.FieldError{Field: kind, Err: ErrLogoSize}
	case errors.Is(err, themefile.ErrType), errors.Is(err, themefile.ErrEmpty), errors.Is(err, themefile.ErrDecode),
		errors.Is(err, themefile.ErrMismatch):
		return &core.FieldError{Field: kind, Err: ErrLogo}
	case err != nil:
		return err
	}
	return setFile(ctx, tx, d, id, kind, f.Data, f.Type, who, "brand.logo", strconv.Itoa(len(f.Data))+" bytes "+f.Type)
}

// RemoveLogo removes a brand's logo of kind, so the theme's shows again.
func RemoveLogo(ctx context.Context, tx *sql.Tx, d app.Deps, id int64, kind string, who Who) error {
	if kind != KindLogo && kind != KindLoginLogo {
		return &core.FieldError{Field: "kind", Err: ErrLogoKind}
	}
	return setFile(ctx, tx, d, id, kind, nil, "", who, "brand.logo_remove", "")
}

func setFile(ctx context.Context, tx *sql.Tx, d app.Deps, id int64, kind string, data []byte, typ string, who Who, action, detail string) error {
	res, err := tx.ExecContext(ctx, `UPDATE brands SET `+kind+` = ?, `+kind+`_type = ?, version = version + 1, updated_at = ? WHERE id = ?`,
		data, typ, core.Now(d.Now()), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrNotFound
	}
	return audit(ctx, d, tx, who, action, 0, "brand "+strconv.FormatInt(id, 10)+" "+kind+" "+detail)
}

// Delete removes a brand (not the default one): its clients go back to the default
// brand, its domains and setting values go with it.
func Delete(ctx context.Context, tx *sql.Tx, d app.Deps, id int64, who Who) error {
	if id == DefaultID {
		return &core.FieldError{Field: "id", Err: ErrDefault}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM brands WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrNotFound
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM brand_domains WHERE brand_id = ?`, id); err != nil {
		return err
	}
	moved, err := tx.ExecContext(ctx, `UPDATE clients SET brand_id = 0 WHERE brand_id = ?`, id)
	if err != nil {
		return err
	}
	if err := d.Settings.DeleteBrandTx(ctx, tx, id); err != nil {
		return err
	}
	n, _ := moved.RowsAffected()
	return audit(ctx, d, tx, who, "brand.delete", 0, "brand "+strconv.FormatInt(id, 10)+"; clients moved to the default brand: "+strconv.FormatInt(n, 10))
}

// Assign moves a client to a brand (the default brand is stored as 0).
func Assign(ctx context.Context, tx *sql.Tx, d app.Deps, clientID, brandID int64, who Who) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM brands WHERE id = ?`, brandID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return &core.FieldError{Field: "brand", Err: core.ErrNotFound}
	}
	stored := brandID
	if brandID == DefaultID {
		stored = 0
	}
	res, err := tx.ExecContext(ctx, `UPDATE clients SET brand_id = ? WHERE id = ?`, stored, clientID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrNotFound
	}
	return audit(ctx, d, tx, who, "brand.assign", clientID, "brand "+strconv.FormatInt(brandID, 10))
}
