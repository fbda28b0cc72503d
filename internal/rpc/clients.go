package rpc

import (
	"errors"
	"strconv"
	"strings"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// The client as the billing system sends it, and its idempotent write: the console's
// clients.add/edit and the services module's clients.push store clients the same way.

// ClientFields are a client's data as the billing system sends it.
type ClientFields struct {
	ExternalID string `json:"external_id" validate:"required,max=64" doc:"the billing system's id; the key of idempotent writes"`
	Number     string `json:"number" validate:"required,max=32" doc:"client number, the login name of the portal; not another client's number or username"`
	Username   string `json:"username" validate:"max=64" doc:"optional custom login name, not another client's number or username (in any case); a new one only while ci_enable_login_name_creation is on (a username the client already has is kept whatever the setting)"`
	// The group may be named either way; external id wins when both are given.
	InvoiceGroupID         int64  `json:"invoice_group_id" validate:"gte=0" doc:"portal id of the invoice group"`
	InvoiceGroupExternalID string `json:"invoice_group_external_id" validate:"max=64" doc:"external id of the invoice group"`
	Name                   string `json:"name" validate:"required,max=200"`
	IsBusiness             bool   `json:"is_business"`
	Company                string `json:"company" validate:"max=200"`
	RegistrationNo         string `json:"registration_no" validate:"max=32"`
	VATNo                  string `json:"vat_no" validate:"max=32"`
	Email                  string `json:"email" validate:"omitempty,email,max=254"`
	Phone                  string `json:"phone" validate:"max=32"`
	Mobile                 string `json:"mobile" validate:"max=32"`
	Street                 string `json:"street" validate:"max=200"`
	City                   string `json:"city" validate:"max=100"`
	Postcode               string `json:"postcode" validate:"max=16"`
	Country                string `json:"country" validate:"max=2" doc:"ISO 3166 alpha-2 code"`
	InvStreet              string `json:"inv_street" validate:"max=200" doc:"invoice address"`
	InvCity                string `json:"inv_city" validate:"max=100"`
	InvPostcode            string `json:"inv_postcode" validate:"max=16"`
	InvCountry             string `json:"inv_country" validate:"max=2"`
	Language               string `json:"language" validate:"omitempty,oneof=en cs" doc:"preferred portal language; empty: the browser's"`
	Active                 *bool  `json:"active" doc:"default true"`
}

// ExClient is the example client of the reference (clients.add, clients.push).
var ExClient = ClientFields{ExternalID: "CRM-000123", Number: "100123", Name: "Jana Nováková", InvoiceGroupExternalID: "residential",
	Email: "jana@example.net", Mobile: "+420 777 123 456", Street: "Korunní 5", City: "Praha", Postcode: "120 00", Country: "CZ",
	Language: "cs"}

// UpsertClient stores a client by external id; prefix is the field path of the item in
// a bulk call, for messages. st gives ci_enable_login_name_creation.
func UpsertClient(c *Call, st *settings.Store, f ClientFields, prefix string) (Saved, error) {
	cl := core.Client{ExternalID: strings.TrimSpace(f.ExternalID), Number: strings.TrimSpace(f.Number), Username: strings.TrimSpace(f.Username),
		InvoiceGroupID: f.InvoiceGroupID, Name: strings.TrimSpace(f.Name), IsBusiness: f.IsBusiness, Company: f.Company,
		RegistrationNo: f.RegistrationNo, VATNo: f.VATNo, Email: strings.TrimSpace(f.Email), Phone: f.Phone, Mobile: f.Mobile,
		Street: f.Street, City: f.City, Postcode: f.Postcode, Country: f.Country, InvStreet: f.InvStreet, InvCity: f.InvCity,
		InvPostcode: f.InvPostcode, InvCountry: f.InvCountry, Language: f.Language, Active: f.Active == nil || *f.Active}
	if f.InvoiceGroupExternalID != "" {
		gid, err := GroupID(c, f.InvoiceGroupExternalID)
		if err != nil {
			return Saved{}, Invalid(prefix+"invoice_group_external_id", "no invoice group with external_id "+f.InvoiceGroupExternalID)
		}
		cl.InvoiceGroupID = gid
	} else if cl.InvoiceGroupID != 0 {
		if _, err := core.GroupByID(c.Ctx, c.Q, cl.InvoiceGroupID); err != nil {
			return Saved{}, Invalid(prefix+"invoice_group_id", "no invoice group "+strconv.FormatInt(cl.InvoiceGroupID, 10))
		}
	}
	id, err := IDByExternal(c.Ctx, c.Q, "clients", cl.ExternalID)
	created := errors.Is(err, core.ErrNotFound)
	if err != nil && !created {
		return Saved{}, err
	}
	cl.ID = id
	if err := checkNewUsername(c, st, cl, created, prefix); err != nil {
		return Saved{}, err
	}
	if err := CheckUnique(c, cl, prefix); err != nil {
		return Saved{}, err
	}
	id, err = core.SaveClient(c.Ctx, c.Tx, cl, core.Now(c.Now))
	if err != nil {
		return Saved{}, err
	}
	if !cl.Active && !created {
		if err := web.EndClientSessions(c.Ctx, c.Tx, id, ""); err != nil {
			return Saved{}, err
		}
	}
	return Saved{ID: id, Created: created}, nil
}

// CheckUsername refuses, as invalid at field, a username the client (whose username is
// old) does not have yet while ci_enable_login_name_creation is off (core.CheckUsername).
func CheckUsername(st *settings.Store, old, next, field string) error {
	if err := core.CheckUsername(settings.LoginNameCreation.Get(st), old, next); err != nil {
		return Invalid(field, err.Error())
	}
	return nil
}

// checkNewUsername applies CheckUsername to an upserted client, comparing with the
// username it has in storage.
func checkNewUsername(c *Call, st *settings.Store, cl core.Client, created bool, prefix string) error {
	if cl.Username == "" {
		return nil
	}
	old := ""
	if !created {
		prev, err := core.ClientByID(c.Ctx, c.Q, cl.ID)
		if err != nil {
			return err
		}
		old = prev.Username
	}
	return CheckUsername(st, old, cl.Username, prefix+"username")
}

// CheckUnique refuses a client number or username that is another client's number or
// username (core.CheckLoginNames), with a conflict naming the field by its request path
// (prefix is the item's path in a bulk call, "" for a single client), instead of a
// constraint error.
func CheckUnique(c *Call, cl core.Client, prefix string) error {
	err := core.CheckLoginNames(c.Ctx, c.Q, cl)
	var taken *core.LoginNameTakenError
	if errors.As(err, &taken) {
		return Conflict(prefix+taken.Field, taken.Error())
	}
	return err
}
