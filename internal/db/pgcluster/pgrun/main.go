// Command pgrun runs a command with a throw-away PostgreSQL cluster: it starts one
// (pgcluster.Start), runs the command with PORTAL_TEST_DATABASE set to the cluster's
// URL, then stops and removes the cluster and exits with the command's status.
// `make test` runs the Go tests on PostgreSQL through it, so that every package's
// test process shares one cluster instead of starting its own.
//
//	go run ./internal/db/pgcluster/pgrun go test ./...
//	go run ./internal/db/pgcluster/pgrun -production -database bench bash bench/run.sh
//
// -database NAME also creates an empty database NAME and passes its URL in
// PGRUN_DATABASE_URL (make bench DB=postgres); -production gives the server the
// settings of a real installation instead of a test cluster's
// (pgcluster.StartProduction). The command also gets PGRUN_DATA_DIR, the cluster's
// data directory, whose postmaster.pid names the server process (bench/run.sh pins
// it to a CPU of its own for the second PostgreSQL comparison).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/ispportal/portal/internal/db/pgcluster"
)

func main() {
	database := flag.String("database", "", "create this database and pass its URL in PGRUN_DATABASE_URL")
	production := flag.Bool("production", false, "configure the server as the portal's would be (durable writes, memory by the usual rule) instead of for tests")
	flag.Parse()
	if flag.NArg() < 1 {
		fmt.Fprintln(os.Stderr, "usage: pgrun [-production] [-database NAME] COMMAND [ARGS]")
		os.Exit(2)
	}
	start := pgcluster.Start
	if *production {
		start = pgcluster.StartProduction
	}
	c, err := start()
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgrun:", err)
		os.Exit(1)
	}
	env := append(os.Environ(), pgcluster.Env+"="+c.URL, "PGRUN_DATA_DIR="+c.DataDir())
	if *database != "" {
		if err := c.Create(context.Background(), *database, ""); err != nil {
			c.Stop()
			fmt.Fprintln(os.Stderr, "pgrun:", err)
			os.Exit(1)
		}
		env = append(env, "PGRUN_DATABASE_URL="+c.DatabaseURL(*database))
	}
	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = env
	// An interrupt reaches the command (same process group) and ends it; the
	// cluster goes after it.
	signal.Ignore(syscall.SIGINT)
	err = cmd.Run()
	c.Stop()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pgrun:", err)
		os.Exit(1)
	}
}
