package brands

import (
	"errors"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
)

// BrandOut is a brand as the API returns it.
type BrandOut struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	Default      bool     `json:"default"`
	Domains      []string `json:"domains"`
	Hidden       []string `json:"hidden"`
	CSS          string   `json:"css"`
	JS           string   `json:"js"`
	JSURL        string   `json:"js_url"`
	HasLogo      bool     `json:"has_logo"`
	HasLoginLogo bool     `json:"has_login_logo"`
	Clients      int      `json:"clients"`
}

// BrandList is the result of brands.list.
type BrandList struct {
	Brands []BrandOut `json:"brands"`
}

// SettingValue is a brand's own value of a per-brand setting ("" : the global value).
type SettingValue struct {
	Key   string `json:"key" validate:"required,max=80"`
	Value string `json:"value" validate:"max=20000"`
}

// BrandParams create (id 0) or update a brand.
type BrandParams struct {
	ID       int64          `json:"id" validate:"gte=0" doc:"0 or absent: a new brand"`
	Name     string         `json:"name" validate:"required,max=400" doc:"shown in page titles, mails and PDF headers"`
	Domains  []string       `json:"domains" validate:"max=20,dive,max=253" doc:"host names, unique across brands; the default brand may have none"`
	Hidden   []string       `json:"hidden" validate:"max=40,dive,max=40" doc:"sections (module names) the brand does not show"`
	CSS      string         `json:"css" validate:"max=300000" doc:"custom style sheet, served as a file"`
	JS       string         `json:"js" validate:"max=70000" doc:"custom script code, served as a file"`
	JSURL    string         `json:"js_url" validate:"max=2000" doc:"or an https:// script address (not both)"`
	Settings []SettingValue `json:"settings" validate:"max=50,dive" doc:"the brand's own values of per-brand settings (ignored for the default brand)"`
}

// IDOnly names a brand.
type IDOnly struct {
	ID int64 `json:"id" validate:"required,gt=0"`
}

// AssignParams move a client to a brand.
type AssignParams struct {
	rpc.ClientOnly
	BrandID int64 `json:"brand_id" validate:"required,gt=0" doc:"1 is the default brand"`
}

var exBrand = BrandParams{Name: "FiberNet", Domains: []string{"portal.fibernet.example"}, Hidden: []string{"sms"},
	CSS: ".top { background: #0b5; }", Settings: []SettingValue{{Key: "ci_footer_text", Value: "© FiberNet s.r.o."}}}

// methods are the module's API methods; 590 is their place in the reference (after the requests).
func (m *Module) methods() []*rpc.Method {
	return rpc.Ordered(650,
		rpc.Def("brands.list", perm.BrandRead, "Lists the brands, the default brand (id 1) first, with their host names and how many clients each has.",
			struct{}{}, BrandList{[]BrandOut{{ID: 2, Name: exBrand.Name, Domains: exBrand.Domains, Hidden: exBrand.Hidden, CSS: exBrand.CSS, Clients: 3}}},
			func(c *rpc.Call, _ *struct{}) (BrandList, error) {
				list, err := ListCounted(c.Ctx, c.Q)
				out := BrandList{Brands: make([]BrandOut, 0, len(list))}
				for _, b := range list {
					out.Brands = append(out.Brands, BrandOut{ID: b.ID, Name: b.Name, Default: b.Default(), Domains: nonNil(b.Domains),
						Hidden: nonNil(b.Hidden), CSS: b.CSS, JS: b.JS, JSURL: b.JSURL, HasLogo: b.HasLogo, HasLoginLogo: b.HasLoginLogo, Clients: b.Clients})
				}
				return out, err
			}),
		rpc.Def("brands.save", perm.BrandWrite, "Creates a brand (id 0) or replaces one: its name, host names (unique across brands), "+
			"hidden sections, custom CSS and script, and its own values of the per-brand settings. Logos are uploaded in the console or the CLI.",
			exBrand, rpc.Saved{ID: 2, Created: true},
			func(c *rpc.Call, p *BrandParams) (rpc.Saved, error) {
				in := Input{ID: p.ID, Name: p.Name, Domains: p.Domains, Hidden: p.Hidden, CSS: p.CSS, JS: p.JS, JSURL: p.JSURL,
					Settings: map[string]string{}}
				for _, s := range p.Settings {
					in.Settings[s.Key] = s.Value
				}
				id, err := Save(c.Ctx, c.Tx, m.d, m.sectionNames(), in, Who{Actor: c.Actor(), IP: c.IP})
				if err != nil {
					return rpc.Saved{}, rpc.FromService(err, "")
				}
				c.Audit(0, "brand %d %s", id, p.Name)
				return rpc.Saved{ID: id, Created: p.ID == 0}, nil
			}),
		rpc.Def("brands.delete", perm.BrandWrite, "Deletes a brand (never the default one); its clients go back to the default brand.",
			IDOnly{ID: 2}, rpc.Deleted{Deleted: true},
			func(c *rpc.Call, p *IDOnly) (rpc.Deleted, error) {
				err := Delete(c.Ctx, c.Tx, m.d, p.ID, Who{Actor: c.Actor(), IP: c.IP})
				if errors.Is(err, core.ErrNotFound) {
					c.Message("brand already absent")
					return rpc.Deleted{}, nil
				}
				if err != nil {
					return rpc.Deleted{}, rpc.FromService(err, "")
				}
				c.Audit(0, "brand %d deleted", p.ID)
				return rpc.Deleted{Deleted: true}, nil
			}),
		rpc.Def("brands.assign", perm.BrandAssign, "Moves a client to a brand: from then on the client logs in on that brand's host names only, "+
			"and links in the client's mails lead there.",
			AssignParams{ClientOnly: rpc.ClientOnly{ClientExternalID: "CRM-000123"}, BrandID: 2}, rpc.Saved{ID: 7},
			func(c *rpc.Call, p *AssignParams) (rpc.Saved, error) {
				id, err := rpc.ClientID(c, p.ClientID, p.ClientExternalID)
				if err != nil {
					return rpc.Saved{}, err
				}
				if err := Assign(c.Ctx, c.Tx, m.d, id, p.BrandID, Who{Actor: c.Actor(), IP: c.IP}); err != nil {
					return rpc.Saved{}, rpc.FromService(err, "")
				}
				c.Audit(id, "brand %d", p.BrandID)
				return rpc.Saved{ID: id}, nil
			}),
	)
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
