package rpc

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

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
	if !created {
		// A push carries no reason; a deactivation reason staff gave stays while the
		// client stays inactive.
		prev, err := core.ClientByID(c.Ctx, c.Q, id)
		if err != nil {
			return Saved{}, err
		}
		cl.InactiveReason = prev.InactiveReason
	}
	id, err = StoreClient(c.Ctx, c.Tx, st, cl, 0, c.Now)
	if err != nil {
		return Saved{}, ClientError(err, prefix)
	}
	return Saved{ID: id, Created: created}, nil
}

// StoreClient is the one write of a client's data, behind clients.add, clients.push,
// clients.edit and the console's client form: a new username only while
// ci_enable_login_name_creation is on, a number or username that is no other client's
// login name, and the end of the client's portal sessions when they are deactivated.
// version, when not 0, is the version the caller's form showed: a client saved since
// is refused with core.ErrStale. Refusals are *core.FieldError (fields "username" and
// "number", wrapping core.ErrUsernamesOff or a *core.LoginNameTakenError).
func StoreClient(ctx context.Context, tx *sql.Tx, st *settings.Store, cl core.Client, version int64, now time.Time) (int64, error) {
	var prev core.Client
	if cl.ID != 0 {
		var err error
		if prev, err = core.ClientByID(ctx, tx, cl.ID); err != nil {
			return 0, err
		}
		if version != 0 && prev.Version != version {
			return 0, core.ErrStale
		}
	}
	if err := core.CheckUsername(settings.LoginNameCreation.Get(st), prev.Username, cl.Username); err != nil {
		return 0, &core.FieldError{Field: "username", Err: err}
	}
	if cl.Active {
		cl.InactiveReason = ""
	}
	err := core.CheckLoginNames(ctx, tx, cl)
	var taken *core.LoginNameTakenError
	if errors.As(err, &taken) {
		return 0, &core.FieldError{Field: taken.Field, Err: taken}
	}
	if err != nil {
		return 0, err
	}
	id, err := core.SaveClient(ctx, tx, cl, core.Now(now))
	if err != nil {
		return 0, err
	}
	if !cl.Active {
		if err := web.EndClientSessions(ctx, tx, id, ""); err != nil {
			return 0, err
		}
	}
	return id, nil
}

// ClientError maps StoreClient's refusals to the API: a login name of another client
// is a conflict, a username refused by the setting invalid, both naming the field
// under prefix.
func ClientError(err error, prefix string) error {
	var taken *core.LoginNameTakenError
	if errors.As(err, &taken) {
		return Conflict(prefix+taken.Field, taken.Error())
	}
	if errors.Is(err, core.ErrStale) {
		return Conflict(prefix+"version", err.Error())
	}
	return FromService(err, prefix)
}
