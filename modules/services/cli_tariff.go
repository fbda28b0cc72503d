package services

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/modules/services/traffic"
)

// runTariffAdd is `portal tariff add`.
func runTariffAdd(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	fs := app.Flags("tariff add", io)
	var t Tariff
	fs.StringVar(&t.Name, "name", "", "tariff name (required)")
	fs.StringVar(&t.Kind, "kind", KindInternet, "internet, tv, voip or other")
	price := fs.String("price", "0", "monthly price, e.g. 499.00")
	fs.StringVar(&t.Currency, "currency", "CZK", "currency code")
	fs.Int64Var(&t.DownKbit, "down", 0, "download speed in kbit/s")
	fs.Int64Var(&t.UpKbit, "up", 0, "upload speed in kbit/s")
	fs.BoolVar(&t.HideTraffic, "hide-traffic", false, "do not show transferred data and FUP in the portal")
	limit := fs.String("fup-limit", "0", "FUP data limit per period, e.g. 20GB (0: no FUP)")
	fs.StringVar(&t.FUPPeriod, "fup-period", FUPMonth, "FUP period: day, week or month")
	fs.Int64Var(&t.FUPDownKbit, "fup-down", 0, "download speed beyond the FUP limit, kbit/s")
	fs.Int64Var(&t.FUPUpKbit, "fup-up", 0, "upload speed beyond the FUP limit, kbit/s")
	fs.StringVar(&t.ExternalID, "external-id", "", "id in the billing system (updates the tariff that has it)")
	if err := app.ParseFlags(fs, args); err != nil {
		return err
	}
	var err error
	if t.Price, err = parseMoney(*price); err != nil {
		return err
	}
	if t.FUPLimit, err = parseSize(*limit); err != nil {
		return err
	}
	var id int64
	err = d.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err = SaveTariff(ctx, tx, t, d.Now())
		return err
	})
	if err != nil {
		return fmt.Errorf("tariff add: %w", err)
	}
	printf(io.Out, "Tariff %d saved: %s\n", id, t.Name)
	return nil
}

// runTariffList is `portal tariff list`.
func runTariffList(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("usage: portal tariff list")
	}
	list, err := ListTariffs(ctx, d.DB.R)
	if err != nil {
		return err
	}
	tb := app.NewTable(io.Out, "ID", "EXTERNAL ID", "NAME", "KIND", "PRICE", "SPEED kbit/s", "FUP", "HIDE TRAFFIC")
	for _, t := range list {
		fup := "-"
		if t.HasFUP() {
			fup = fmt.Sprintf("%s/%s → %d/%d", traffic.FormatBytes(uint64(t.FUPLimit), "en"), t.FUPPeriod, t.FUPDownKbit, t.FUPUpKbit)
		}
		tb.Row(t.ID, t.ExternalID, t.Name, t.Kind, fmt.Sprintf("%d.%02d %s", t.Price/100, t.Price%100, t.Currency),
			fmt.Sprintf("%d/%d", t.DownKbit, t.UpKbit), fup, t.HideTraffic)
	}
	return tb.Flush()
}
