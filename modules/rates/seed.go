package rates

import (
	"context"
	"database/sql"

	"github.com/ispportal/portal/internal/app"
)

// seed adds the price list of the demo VoIP tariff (demo-t-voip, the demo client's
// "Pevná linka") with the destinations the demo usage records call, at the same
// per-minute prices. Idempotent (upserts by external id and prefix).
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	id, _, err := SaveList(ctx, tx, List{ExternalID: "demo-pl-voip", Name: "Telefon Domov – volání", TariffExternalID: "demo-t-voip", Currency: "CZK"}, env.Now)
	if err != nil {
		return err
	}
	w, err := NewRateWriter(ctx, tx)
	if err != nil {
		return err
	}
	defer w.Close()
	from := env.Now.AddDate(0, -6, 0).Format("2006-01-02")
	for _, r := range []Rate{
		{Prefix: "420", Destination: "Czech Republic – fixed", Price: 390_000},
		{Prefix: "4206", Destination: "Czech Republic – mobile", Price: 490_000},
		{Prefix: "4207", Destination: "Czech Republic – mobile", Price: 490_000},
		{Prefix: "421", Destination: "Slovakia – fixed", Price: 1_200_000},
		{Prefix: "4219", Destination: "Slovakia – mobile", Price: 2_900_000},
		{Prefix: "49", Destination: "Germany – fixed", Price: 1_200_000},
		{Prefix: "4915", Destination: "Germany – mobile", Price: 4_900_000, ConnectionFee: 500_000},
		{Prefix: "43", Destination: "Austria – fixed", Price: 1_500_000},
		{Prefix: "48", Destination: "Poland – fixed", Price: 1_300_000},
		{Prefix: "44", Destination: "United Kingdom – fixed", Price: 1_900_000},
		{Prefix: "1", Destination: "USA and Canada", Price: 900_000},
	} {
		r.FirstIncrement, r.NextIncrement, r.EffectiveFrom = 60, 1, from
		if err := w.Put(ctx, id, r); err != nil {
			return err
		}
	}
	return nil
}
