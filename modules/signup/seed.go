package signup

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/settings"
)

// Demo data: the template customer and one sign-up awaiting approval.
const (
	DemoTemplateNumber = "T100"
	demoTemplateName   = "Template – Home 100"
	// demoTemplateFrom is the demo client whose one service (Internet on the 100 Mbit/s
	// tariff) the template customer gets, and demoConsentsFrom the one whose consents.
	demoTemplateFrom = "1005"
	demoConsentsFrom = app.DemoClientNumber
)

// seed switches sign-up on with a template customer "Template – Home 100" (one
// service, the consents of demo client 1001, 5 CZK starting credit) and adds one
// confirmed sign-up awaiting approval. It changes nothing once the template exists.
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	if _, err := core.ClientByNumber(ctx, tx, DemoTemplateNumber); err == nil {
		return nil
	} else if !errors.Is(err, core.ErrNotFound) {
		return err
	}
	now := env.Now
	group := int64(0)
	if len(env.GroupIDs) > 0 {
		group = env.GroupIDs[0]
	}
	tpl := core.Client{Number: DemoTemplateNumber, Name: demoTemplateName, InvoiceGroupID: group, Country: "CZ", InvCountry: "CZ",
		Language: "cs", InactiveReason: "template customer of the self sign-up: nobody logs in as it"}
	id, err := core.SaveClient(ctx, tx, tpl, core.Now(now))
	if err != nil {
		return err
	}
	tpl.ID = id
	h := m.d.Hooks
	if from := env.ClientIDs[demoTemplateFrom]; from != 0 && h.CopyServices != nil {
		if _, err := h.CopyServices(ctx, tx, from, id, now); err != nil {
			return err
		}
	}
	var consents []app.ConsentGiven
	if from := env.ClientIDs[demoConsentsFrom]; from != 0 && h.Consents.Given != nil {
		if consents, err = h.Consents.Given(ctx, tx, from); err != nil {
			return err
		}
		for _, c := range consents {
			if err := h.Consents.Give(ctx, tx, id, c, "", "demo", now); err != nil {
				return err
			}
		}
	}
	for _, kv := range [][2]string{{settings.SignupEnable.Key, "1"}, {settings.SignupTemplateClient.Key, DemoTemplateNumber},
		{settings.SignupCredit.Key, "5"}, {settings.SignupCurrencies.Key, "CZK, EUR"},
		{settings.SignupNotify.Key, "admin@netwave.example"}} {
		def, _ := settings.Lookup(kv[0])
		if _, stored := m.d.Settings.Value(def, 0); stored {
			continue
		}
		if err := m.d.Settings.SetTx(ctx, tx, kv[0], 0, kv[1], "demo"); err != nil {
			return err
		}
	}
	if h.SetPassword == nil {
		return nil
	}
	hash, err := password.Hash(password.Generate(20))
	if err != nil {
		return err
	}
	s := Signup{Email: "jana.novakova@example.net", Name: "Jana Nováková", Username: "jana.n", PasswordHash: hash,
		Currency: "CZK", Language: "cs", Consents: consents, IP: "192.0.2.44", UserAgent: "demo"}
	sid, _, err := insert(ctx, tx, s, now.Add(-3*time.Hour))
	if err != nil {
		return err
	}
	s.ID = sid
	_, err = m.createAccount(ctx, tx, s, Offer{Template: tpl, Currencies: []string{"CZK", "EUR"}, Consents: consents},
		accountOpts{credit: 500, ip: "192.0.2.44", userAgent: "demo"}, now.Add(-2*time.Hour))
	return err
}
