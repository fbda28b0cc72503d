package vouchers

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"

	"github.com/ispportal/portal/internal/app"
)

func (m *Module) commands() []app.Command {
	return []app.Command{
		{Name: "voucher generate", Usage: "--value 500 --currency CZK --expires 2027-12-31 --count 10 [--name X]",
			Help: "generate a batch of voucher codes and print them as CSV (the only time they are shown)", Run: m.voucherGenerate},
	}
}

func (m *Module) voucherGenerate(ctx context.Context, d app.Deps, stdio app.IO, args []string) error {
	fs := app.Flags("voucher generate", stdio)
	var p NewBatch
	fs.StringVar(&p.Name, "name", "", "name of the batch")
	fs.StringVar(&p.Value, "value", "", "value of each voucher, such as 500 or 500.50")
	fs.StringVar(&p.Currency, "currency", "CZK", "currency (three capital letters)")
	fs.StringVar(&p.Expires, "expires", "", "last day a code can be redeemed (YYYY-MM-DD)")
	fs.IntVar(&p.Count, "count", 0, "how many codes (1-10000)")
	if err := app.ParseFlags(fs, args); err != nil {
		return err
	}
	var b Batch
	var codes []string
	err := d.DB.Tx(ctx, func(tx *sql.Tx) (err error) {
		if b, codes, err = Generate(ctx, tx, p, "cli", d.Now()); err != nil {
			return err
		}
		return app.CLIAudit(ctx, d, tx, "voucher.generate", 0, batchDetail(b))
	})
	if err != nil {
		return app.CommandError("voucher generate", err)
	}
	w := csv.NewWriter(stdio.Out)
	w.WriteAll(codesCSV(b, codes))
	if err := w.Error(); err != nil {
		return err
	}
	fmt.Fprintf(stdio.Err, "batch %d: %d codes generated\n", b.ID, len(codes))
	return nil
}
