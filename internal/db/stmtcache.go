package db

import (
	"context"
	"database/sql/driver"
	"errors"
)

// maxCachedStmts bounds the statements kept per connection; beyond it the cache is
// emptied (queries are a fixed set of strings, so this only trims rare dynamic SQL).
const maxCachedStmts = 512

// connector opens connections that keep their prepared statements.
//
// SQLite compiles every statement before running it, and in the pure-Go driver that
// compilation costs as much as a simple query itself: a profile of the information
// page showed a quarter of its CPU in the SQL parser. database/sql prepares and
// discards a statement for each query, so each connection keeps its statements by
// query text and reuses them.
type connector struct {
	dsn string
	drv driver.Driver
}

func (c connector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &cachingConn{conn: conn, stmts: map[string]*cachedStmt{}}, nil
}

func (c connector) Driver() driver.Driver { return c.drv }

type cachedStmt struct {
	st driver.Stmt
	// busy while rows of the statement are open: SQLite runs a statement once at a
	// time, so a second use (a nested query in a transaction) gets its own.
	busy bool
}

// cachingConn wraps the driver's connection. database/sql uses a connection from one
// goroutine at a time, so the map needs no lock.
type cachingConn struct {
	conn  driver.Conn
	stmts map[string]*cachedStmt
}

var errNoContext = errors.New("db: driver connection lacks a context method")

func (c *cachingConn) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	if cs, ok := c.stmts[query]; ok {
		return cs, nil
	}
	p, ok := c.conn.(driver.ConnPrepareContext)
	if !ok {
		return nil, errNoContext
	}
	st, err := p.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if len(c.stmts) >= maxCachedStmts {
		c.dropIdle()
	}
	cs := &cachedStmt{st: st}
	c.stmts[query] = cs
	return cs, nil
}

func (c *cachingConn) dropIdle() {
	for q, cs := range c.stmts {
		if !cs.busy {
			cs.st.Close()
			delete(c.stmts, q)
		}
	}
}

// CheckNamedValue lets PlanEach through to QueryContext and ExecContext, which drop
// it; every other argument gets database/sql's default conversion, as before.
func (c *cachingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if _, ok := nv.Value.(planEach); ok {
		return nil
	}
	return driver.ErrSkip
}

// QueryContext runs a query through the connection's cached statement.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	args = withoutPlanEach(args)
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	sq, ok := cs.st.(driver.StmtQueryContext)
	if cs.busy || !ok {
		return c.conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	}
	rows, err := sq.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &cachedRows{Rows: rows, cs: cs}, nil
}

// ExecContext runs a statement through the connection's cached statement.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	args = withoutPlanEach(args)
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	se, ok := cs.st.(driver.StmtExecContext)
	if cs.busy || !ok {
		return c.conn.(driver.ExecerContext).ExecContext(ctx, query, args)
	}
	return se.ExecContext(ctx, args)
}

// cachedRows frees its statement for the next query when closed.
type cachedRows struct {
	driver.Rows
	cs *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.cs.busy = false
	return err
}

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) { return c.conn.Prepare(query) }

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := c.conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return c.conn.Prepare(query)
}

// Begin satisfies driver.Conn. database/sql calls BeginTx instead, as the
// connection implements driver.ConnBeginTx; Begin goes through it too rather
// than calling the driver's deprecated Begin.
func (c *cachingConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return nil, errNoContext
}

func (c *cachingConn) Close() error {
	for _, cs := range c.stmts {
		cs.st.Close()
	}
	c.stmts = nil
	return c.conn.Close()
}

func (c *cachingConn) Ping(ctx context.Context) error {
	if p, ok := c.conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *cachingConn) ResetSession(ctx context.Context) error {
	if r, ok := c.conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *cachingConn) IsValid() bool {
	if v, ok := c.conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}
