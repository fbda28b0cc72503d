package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/dbcopy"
)

// preBoot are the commands that run without booting the portal: they choose their
// databases themselves.
var preBoot = map[string]builtinCmd{
	"migrate-to-postgres": {"--from FILE --to postgres://...",
		"copy a SQLite installation into PostgreSQL and check the row counts (safe to run again)", migrateToPostgres},
}

const migrateUsage = "usage: portal migrate-to-postgres --from data/portal.db --to postgres://USER:PASSWORD@HOST/DB"

// migrateToPostgres is `portal migrate-to-postgres`: it opens the SQLite file
// read-only, migrates the PostgreSQL database with this portal's migrations, copies
// every table in one transaction (see internal/dbcopy for what a second run does),
// and prints each table's counts. Any error or difference exits non-zero with nothing
// copied.
func migrateToPostgres(ctx context.Context, _ *app.Env, io app.IO, args []string) error {
	fs := flag.NewFlagSet("migrate-to-postgres", flag.ContinueOnError)
	fs.SetOutput(io.Err)
	from := fs.String("from", "", "the SQLite file to copy (the portal's data/portal.db)")
	to := fs.String("to", "", "the PostgreSQL database to copy into: postgres://USER:PASSWORD@HOST/DB")
	if err := fs.Parse(args); err != nil {
		return usageError{migrateUsage}
	}
	if *from == "" || *to == "" || fs.NArg() > 0 {
		return usageError{migrateUsage}
	}
	if !db.IsPostgres(*to) {
		return usageError{"--to must be a postgres:// URL; " + migrateUsage}
	}
	src, err := dbcopy.OpenSQLite(*from)
	if err != nil {
		return err
	}
	defer src.Close()
	dest, err := db.Open(*to)
	if err != nil {
		return err
	}
	defer dest.Close()
	sources := app.MigrationSources(modules)
	if err := db.Migrate(ctx, dest, sources...); err != nil {
		return err
	}
	// A database with nothing but the migrations' own rows: what a destination may
	// hold before any copy.
	tmp, err := os.MkdirTemp("", "portal-fresh-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	fresh, err := db.Open(filepath.Join(tmp, "portal.db"))
	if err != nil {
		return err
	}
	defer fresh.Close()
	if err := db.Migrate(ctx, fresh, sources...); err != nil {
		return err
	}
	report, err := dbcopy.Copy(ctx, dbcopy.Options{Source: src, Fresh: fresh.R, Dest: dest.W})
	var conflict *dbcopy.ConflictError
	if errors.As(err, &conflict) {
		printCopyReport(io, conflict.Tables)
	}
	if err != nil {
		return fmt.Errorf("migrate-to-postgres: %w", err)
	}
	printCopyReport(io, report)
	var rows, tables int64
	var copied []string
	for _, t := range report {
		if t.Action == dbcopy.Copied || t.Action == dbcopy.Replace {
			rows += t.Source
			tables++
			copied = append(copied, t.Name)
		}
	}
	if tables == 0 {
		fmt.Fprintln(io.Out, "Nothing to copy: PostgreSQL already holds every table with the same counts.")
	} else {
		fmt.Fprintf(io.Out, "Copied %d rows in %d tables; every count matches.\n", rows, tables)
		// The copy is committed: a failure here loses nothing, and autovacuum would do
		// the same later, so it is said and not an error.
		start := time.Now()
		if err := dest.Settle(ctx, copied); err != nil {
			fmt.Fprintf(io.Err, "migrate-to-postgres: VACUUM (ANALYZE) of the copied tables failed (autovacuum will do it in time): %v\n", err)
		} else {
			fmt.Fprintf(io.Out, "Vacuumed and analyzed the %d copied tables in %.1f s, so the first requests get planned on real statistics.\n",
				tables, time.Since(start).Seconds())
		}
	}
	// Files uploaded by this version are rows (blob_chunks) and were copied; an older
	// version's files and imported invoice PDFs are still only on this disk.
	fmt.Fprintln(io.Out, "Files an older version kept under the data directory (files/, documents/, invoices/) stay there: copy them to every instance's --data.")
	return nil
}

func printCopyReport(io app.IO, tables []dbcopy.Table) {
	tw := tabwriter.NewWriter(io.Out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tSQLITE\tPOSTGRES\tDONE")
	for _, t := range tables {
		action := t.Action
		if action == "" {
			action = "refused: other data"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", t.Name, t.Source, t.Dest, action)
	}
	tw.Flush()
}
