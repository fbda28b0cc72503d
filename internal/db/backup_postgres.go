package db

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// PostgresTool finds one of PostgreSQL's client programs (pg_dump, pg_restore): on
// the PATH, else the newest of Debian's /usr/lib/postgresql/N/bin.
func PostgresTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	sort.Slice(found, func(i, j int) bool { return pgMajor(found[i]) > pgMajor(found[j]) })
	if len(found) == 0 {
		return "", fmt.Errorf("db: %s is not installed (Debian's postgresql-client has it)", name)
	}
	return found[0], nil
}

func pgMajor(path string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return n
}

// backupPostgres writes the database to dest with pg_dump's custom format (restore
// with pg_restore): one consistent snapshot, taken while the portal serves. The
// password goes to pg_dump in its environment, never on its command line.
func (d *DB) backupPostgres(ctx context.Context, dest string) error {
	if _, err := os.Lstat(dest); err == nil {
		return fmt.Errorf("db.Backup: %s exists", dest)
	}
	tool, err := PostgresTool("pg_dump")
	if err != nil {
		return err
	}
	cfg, err := pgx.ParseConfig(d.URL)
	if err != nil {
		return err
	}
	u, err := url.Parse(d.URL)
	if err != nil {
		return err
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	cmd := exec.CommandContext(ctx, tool, "--format=custom", "--no-owner", "--file", dest, "--dbname", u.String())
	cmd.Env = os.Environ()
	if cfg.Password != "" {
		cmd.Env = append(cmd.Env, "PGPASSWORD="+cfg.Password)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		os.Remove(dest)
		msg := strings.TrimSpace(string(out))
		if cfg.Password != "" {
			msg = strings.ReplaceAll(msg, cfg.Password, "…")
		}
		return &StorageError{Err: errors.Join(err, errors.New(msg))}
	}
	return nil
}
