// Package pgcluster gives tests PostgreSQL clusters to create databases on.
//
// PORTAL_TEST_DATABASE=postgres starts one cluster per test process (Debian's
// postgresql package: initdb and pg_ctl), as an unprivileged user when the tests run
// as root, listening on a Unix socket in a temp directory only. A watchdog shell
// stops the cluster and removes its directory when the process ends, however it
// ends. PORTAL_TEST_DATABASE=postgres://... uses a running cluster instead (`make
// test` starts one for all packages with cmd pgrun); the tests create and drop their
// own databases on it and need a role allowed to.
package pgcluster

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver for the admin connection
)

// Env is the variable that selects PostgreSQL for the tests.
const Env = "PORTAL_TEST_DATABASE"

// Postgres reports whether the tests run on PostgreSQL.
func Postgres() bool {
	v := os.Getenv(Env)
	return v == "postgres" || strings.HasPrefix(v, "postgres://") || strings.HasPrefix(v, "postgresql://")
}

// Cluster is a PostgreSQL cluster the tests may create databases on.
type Cluster struct {
	// URL reaches the cluster's postgres database as a superuser.
	URL string
	// Dir holds data/ and the socket when this process started the cluster.
	Dir   string
	runAs []string
	bin   string
	admin *sql.DB
	watch *exec.Cmd
	// settings are the server's -c options (options, or StartProduction's).
	settings string
}

var (
	shared     *Cluster
	sharedErr  error
	sharedOnce sync.Once
	seq        atomic.Int64
)

// Shared returns the tests' cluster: the one PORTAL_TEST_DATABASE names, or one
// started for this process on first use.
func Shared() (*Cluster, error) {
	sharedOnce.Do(func() {
		v := os.Getenv(Env)
		if strings.Contains(v, "://") {
			shared, sharedErr = Connect(v)
			return
		}
		shared, sharedErr = Start()
	})
	return shared, sharedErr
}

// Connect uses a running cluster.
func Connect(u string) (*Cluster, error) {
	admin, err := sql.Open("pgx", u)
	if err != nil {
		return nil, err
	}
	if err := admin.Ping(); err != nil {
		admin.Close()
		return nil, fmt.Errorf("dbtest: %w", err)
	}
	return &Cluster{URL: u, admin: admin}, nil
}

// binDir finds the newest installed PostgreSQL's programs.
func binDir() (string, error) {
	if d := os.Getenv("PG_BIN"); d != "" {
		return d, nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(found, func(i, j int) bool { return version(found[i]) > version(found[j]) })
	if len(found) == 0 {
		if p, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
		return "", errors.New("dbtest: PostgreSQL is not installed (make test-deps installs Debian's postgresql)")
	}
	return filepath.Dir(found[0]), nil
}

func version(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

// Start initialises and starts a cluster in a new temp directory; it is stopped
// and removed by Stop or, at the latest, when this process exits. Its settings are
// a test cluster's (see options).
func Start() (*Cluster, error) { return start(options) }

// StartProduction starts a cluster as Start does, but configured as a PostgreSQL
// server of the portal would be on this machine (make bench DB=postgres): durable
// writes, as SQLite's synchronous=FULL is on the other side of the comparison, and
// memory by the usual rule (shared_buffers a quarter of the memory, at most 8 GB;
// effective_cache_size half of it). Debian's default of 128 MB shared buffers, or
// the test clusters' 32 MB, would measure the kernel's page cache instead: with 1 GB
// the dashboard served a fifth more requests for the same CPU on the bench data.
func StartProduction() (*Cluster, error) {
	mem := memTotal()
	shared := min(mem/4, 8<<30)
	return start(fmt.Sprintf("-c listen_addresses='' -c max_connections=300 -c shared_buffers=%dkB "+
		"-c effective_cache_size=%dkB -c max_wal_size=2GB", max(shared>>10, 128<<10), max(mem/2>>10, 256<<10)))
}

// memTotal is the memory this machine gives us in bytes: Linux's MemTotal, or the
// container's limit (cgroup v2 or v1) when that is lower; 1 GB when neither can be
// read.
func memTotal() int64 {
	mem := int64(1 << 30)
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil && kb > 0 {
					mem = kb << 10
				}
			}
		}
	}
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		if b, err := os.ReadFile(f); err == nil {
			if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && n < mem {
				mem = n
			}
		}
	}
	return mem
}

func start(settings string) (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "portal-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, bin: bin, settings: settings}
	if os.Geteuid() == 0 {
		// PostgreSQL refuses to run as root: the cluster belongs to nobody.
		u, err := user.Lookup("nobody")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("dbtest: running as root needs the user nobody: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		c.runAs = []string{"setpriv", "--reuid=" + u.Uid, "--regid=" + u.Gid, "--clear-groups", "--"}
	}
	if err := c.watchdog(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if out, err := c.run("initdb", "-D", c.data(), "-U", "portal", "--auth=trust", "-E", "UTF8",
		"--locale=C.UTF-8", "--no-sync"); err != nil {
		c.Stop()
		return nil, fmt.Errorf("dbtest: initdb: %w\n%s", err, out)
	}
	if err := c.pgctl("start"); err != nil {
		c.Stop()
		return nil, err
	}
	c.URL = (&url.URL{Scheme: "postgres", User: url.User("portal"), Path: "/postgres",
		RawQuery: url.Values{"host": {dir}}.Encode()}).String()
	if c.admin, err = sql.Open("pgx", c.URL); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) data() string { return filepath.Join(c.Dir, "data") }

// DataDir is the cluster's data directory (empty for a cluster this process did not
// start): its postmaster.pid names the server process.
func (c *Cluster) DataDir() string {
	if c.Dir == "" {
		return ""
	}
	return c.data()
}

// run runs one of PostgreSQL's programs as the cluster's owner.
func (c *Cluster) run(prog string, args ...string) ([]byte, error) {
	argv := append(append(append([]string{}, c.runAs...), filepath.Join(c.bin, prog)), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = c.Dir
	return cmd.CombinedOutput()
}

// options are the server's settings: a test cluster trades durability for speed
// (a crash loses it anyway) and listens on its socket only.
const options = "-c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off " +
	"-c max_connections=300 -c shared_buffers=32MB -c max_wal_size=1GB -c checkpoint_timeout=30min"

func (c *Cluster) pgctl(action string) error {
	out, err := c.run("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.Dir, "log"), "-w", "-t", "60", "-m", "fast",
		"-o", c.settings+" -k "+c.Dir, action)
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(c.Dir, "log"))
		return fmt.Errorf("dbtest: pg_ctl %s: %w\n%s\n%s", action, err, out, log)
	}
	return nil
}

// Restart stops the server and starts it again (fault tests): every open
// connection is cut.
func (c *Cluster) Restart() error {
	if c.Dir == "" {
		return errors.New("dbtest: this process did not start the cluster")
	}
	return c.pgctl("restart")
}

// watchdog starts a shell that stops the cluster and removes its directory when
// told to (Stop) or when this process has gone.
func (c *Cluster) watchdog() error {
	q := func(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
	runAs := ""
	for _, a := range c.runAs {
		runAs += q(a) + " "
	}
	script := fmt.Sprintf(`cleanup() { %s%s -D %s -m immediate -w stop >/dev/null 2>&1; rm -rf %s; exit 0; }
trap cleanup TERM INT
while kill -0 %d 2>/dev/null; do sleep 0.5 & wait $!; done
cleanup`, runAs, q(filepath.Join(c.bin, "pg_ctl")), q(c.data()), q(c.Dir), os.Getpid())
	c.watch = exec.Command("sh", "-c", script)
	return c.watch.Start()
}

// Stop stops the cluster this process started and removes it.
func (c *Cluster) Stop() {
	if c.admin != nil {
		c.admin.Close()
	}
	if c.watch != nil && c.watch.Process != nil {
		// SIGTERM, not SIGINT: a command started in the background by a
		// non-interactive shell (make bench under nohup, a CI step with &) begins
		// with SIGINT ignored, the watchdog inherits that, and a shell cannot trap
		// a signal it started with ignored, so Stop waited for ever.
		c.watch.Process.Signal(syscall.SIGTERM)
		c.watch.Wait()
	}
}

// DatabaseURL is the URL of database name on the cluster.
func (c *Cluster) DatabaseURL(name string) string {
	u, _ := url.Parse(c.URL)
	u.Path = "/" + name
	return u.String()
}

// NewName returns a database name unused by any test process.
func NewName(prefix string) string {
	return fmt.Sprintf("%s_%d_%d", prefix, os.Getpid(), seq.Add(1))
}

// Create makes an empty database, or a copy of template when it is not "".
func (c *Cluster) Create(ctx context.Context, name, template string) error {
	q := `CREATE DATABASE "` + name + `"`
	if template != "" {
		q += ` TEMPLATE "` + template + `" STRATEGY FILE_COPY`
	}
	return c.retryBusy(ctx, q)
}

// retryBusy runs q, again while it fails because another session is still on the
// database: a template's last session may still be ending after its client closed.
func (c *Cluster) retryBusy(ctx context.Context, q string) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := c.admin.ExecContext(ctx, q)
		var pe *pgconn.PgError
		if err == nil || !errors.As(err, &pe) || pe.Code != "55006" || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Drop removes a database, ending its sessions.
func (c *Cluster) Drop(ctx context.Context, name string) error {
	_, err := c.admin.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`)
	return err
}

// SetReadOnly makes every new session on database name read-only (on) or not: the
// tests' stand-in for a full disk, as a write then fails with
// read_only_sql_transaction, which the portal treats like disk_full.
func (c *Cluster) SetReadOnly(ctx context.Context, name string, on bool) error {
	q := `ALTER DATABASE "` + name + `" RESET default_transaction_read_only`
	if on {
		q = `ALTER DATABASE "` + name + `" SET default_transaction_read_only = on`
	}
	_, err := c.admin.ExecContext(ctx, q)
	return err
}

// Exists reports whether database name exists.
func (c *Cluster) Exists(ctx context.Context, name string) bool {
	var n int
	err := c.admin.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_database WHERE datname = $1`, name).Scan(&n)
	return err == nil && n > 0
}

// Rename renames database from to to (which must not exist), retrying while the
// last session on from is still ending.
func (c *Cluster) Rename(ctx context.Context, from, to string) error {
	return c.retryBusy(ctx, `ALTER DATABASE "`+from+`" RENAME TO "`+to+`"`)
}
