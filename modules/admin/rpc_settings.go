package admin

import (
	"errors"

	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/settings"
)

// SettingOut is one setting with its declaration and current value. Secret values are
// masked.
type SettingOut struct {
	Key      string   `json:"key"`
	Type     string   `json:"type"`
	Section  string   `json:"section"`
	Label    string   `json:"label"`
	Help     string   `json:"help"`
	Value    string   `json:"value"`
	Default  string   `json:"default"`
	Stored   bool     `json:"stored" doc:"false: the default (or, for a group, the global value) applies"`
	Options  []string `json:"options,omitempty"`
	PerGroup bool     `json:"per_group"`
	Secret   bool     `json:"secret"`
}

// SettingsListParams choose the level of the values listed.
type SettingsListParams struct {
	Group int64 `json:"group" validate:"gte=0" doc:"invoice group id for per-group values; 0: global"`
}

// SettingGetParams name a setting.
type SettingGetParams struct {
	Key   string `json:"key" validate:"required,max=100"`
	Group int64  `json:"group" validate:"gte=0"`
}

// SettingSetParams change a setting.
type SettingSetParams struct {
	Key   string `json:"key" validate:"required,max=100"`
	Value string `json:"value" validate:"max=100000" text:"raw" doc:"as typed in the console: booleans 1/0/true/false, numbers as digits"`
	Group int64  `json:"group" validate:"gte=0" doc:"invoice group id, only for settings that may differ per group"`
}

// SettingList is the return of settings.list.
type SettingList struct {
	Settings []SettingOut `json:"settings"`
}

func settingOut(st *settings.Store, d *settings.Def, group int64) SettingOut {
	v, stored := st.Value(d, group)
	return SettingOut{Key: d.Key, Type: d.Type.String(), Section: d.Section, Label: d.Label, Help: d.Help, Value: d.Display(v),
		Default: d.Display(d.Default), Stored: stored, Options: d.Options, PerGroup: d.PerGroup, Secret: d.Secret}
}

var exSetting = SettingOut{Key: "ci_display_invoices_tab", Type: "bool", Section: "General", Label: "Invoices tab",
	Help: "Show the invoices page.", Value: "1", Default: "1", Stored: false}

// settingMethods are the API methods of the settings registry, the console's
// settings page.
func (m *Module) settingMethods() []*rpc.Method {
	return []*rpc.Method{
		rpc.Def("settings.list", perm.SettingsRead, "Lists every setting of the registry with its value. Answers while the portal is suspended.",
			SettingsListParams{}, SettingList{[]SettingOut{exSetting}},
			func(c *rpc.Call, p *SettingsListParams) (SettingList, error) {
				var out SettingList
				for _, d := range settings.All() {
					out.Settings = append(out.Settings, settingOut(m.d.Settings, d, p.Group))
				}
				return out, nil
			}),
		rpc.Def("settings.get", perm.SettingsRead, "Returns one setting (by key or alias). Answers while the portal is suspended.",
			SettingGetParams{Key: "ci_display_invoices_tab"}, exSetting,
			func(c *rpc.Call, p *SettingGetParams) (SettingOut, error) {
				d, ok := settings.Lookup(p.Key)
				if !ok {
					return SettingOut{}, &rpc.AppError{Kind: "not_found", Field: "key", Message: "unknown setting " + p.Key}
				}
				return settingOut(m.d.Settings, d, p.Group), nil
			}),
		rpc.Def("settings.set", perm.SettingsWrite, "Validates and stores a setting; the change applies to the next request and is audited. "+
			"Answers while the portal is suspended, so ci_portal_suspended can be switched off through the API.",
			SettingSetParams{Key: "ci_display_invoices_tab", Value: "0"}, func() SettingOut { s := exSetting; s.Value, s.Stored = "0", true; return s }(),
			func(c *rpc.Call, p *SettingSetParams) (SettingOut, error) {
				d, ok := settings.Lookup(p.Key)
				if !ok {
					return SettingOut{}, &rpc.AppError{Kind: "not_found", Field: "key", Message: "unknown setting " + p.Key}
				}
				if err := m.d.Settings.SetTx(c.Ctx, c.Tx, d.Key, p.Group, p.Value, c.Actor()); err != nil {
					var ve *settings.ValidationError
					if errors.As(err, &ve) {
						return SettingOut{}, rpc.Invalid("value", ve.Error())
					}
					return SettingOut{}, err
				}
				c.Audit(0, "setting %s group=%d", d.Key, p.Group)
				c.AfterCommit = func() {
					if err := m.d.Settings.Sync(c.Ctx); err != nil {
						m.d.Log.Error("api.settings.set: sync", "err", err)
					}
				}
				out := settingOut(m.d.Settings, d, p.Group)
				// The snapshot refreshes after commit; answer with the value just stored.
				out.Value, out.Stored = d.Display(d.Normalize(p.Value)), true
				return out, nil
			}),
		rpc.OwnTx(rpc.Def("settings.reset", perm.SettingsWrite, "Removes a stored value, so that the default (or, for a group, the global value) applies "+
			"again; audited. Answers while the portal is suspended.",
			SettingGetParams{Key: "ci_display_invoices_tab"}, exSetting,
			func(c *rpc.Call, p *SettingGetParams) (SettingOut, error) {
				d, ok := settings.Lookup(p.Key)
				if !ok {
					return SettingOut{}, &rpc.AppError{Kind: "not_found", Field: "key", Message: "unknown setting " + p.Key}
				}
				if p.Group != 0 && !d.PerGroup {
					return SettingOut{}, rpc.Invalid("group", d.Key+" has no per-group values")
				}
				// Reset runs its own transaction and reloads the snapshot when it is done.
				if err := m.d.Settings.Reset(c.Ctx, d.Key, p.Group, c.Actor()); err != nil {
					return SettingOut{}, err
				}
				c.Audit(0, "setting %s group=%d reset", d.Key, p.Group)
				return settingOut(m.d.Settings, d, p.Group), nil
			})),
	}
}
