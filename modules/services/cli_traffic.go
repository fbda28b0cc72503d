package services

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/modules/services/traffic"
)

// runTrafficImport is `portal traffic import FILE`: good rows are stored, bad rows
// are listed with their line numbers and make the command exit non-zero, so that a
// script notices; importing the same file again adds nothing (duplicates ignored).
func runTrafficImport(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	fs := app.Flags("traffic import", io)
	batch := fs.Int("batch", 10_000, "samples per transaction")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: portal traffic import FILE (or - for standard input)")
	}
	var in = io.In
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("traffic import: %w", err)
		}
		defer f.Close()
		in = f
	}
	res, err := ImportTraffic(ctx, d, in, *batch)
	printf(io.Out, "Rows read: %d, stored: %d, duplicates ignored: %d, skipped: %d\n",
		res.Rows, res.Accepted, res.Duplicates, res.ErrorCount)
	for i, e := range res.Errors {
		if i == maxCLIErrorLine {
			printf(io.Err, "... and %d more skipped rows\n", res.ErrorCount-i)
			break
		}
		printf(io.Err, "line %d: %s\n", e.Line, e.Reason)
	}
	if err != nil {
		return fmt.Errorf("traffic import: %w", err)
	}
	if res.ErrorCount > 0 {
		return fmt.Errorf("traffic import: %d rows skipped (the other rows were stored)", res.ErrorCount)
	}
	return nil
}

// ImportTraffic imports counter samples from CSV with the header
// service,timestamp,bytes_down,bytes_up, where service is a service's external id or
// its portal id. Malformed rows, unknown services and implausible counters are
// skipped and reported by line; the good rows are stored.
func ImportTraffic(ctx context.Context, d app.Deps, r io.Reader, batch int) (traffic.ImportResult, error) {
	resolve := func(ref string) (int64, bool) { return ResolveServiceRef(ctx, d.DB.R, ref) }
	return traffic.ImportCSV(ctx, TrafficStore(d), r, resolve, batch)
}

// runTrafficPrune is `portal traffic prune`.
func runTrafficPrune(ctx context.Context, d app.Deps, io app.IO, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("usage: portal traffic prune")
	}
	n, err := PruneTraffic(ctx, d)
	if err != nil {
		return err
	}
	printf(io.Out, "Deleted %d old traffic rows.\n", n)
	return nil
}
