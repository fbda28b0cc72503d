package appearance

import (
	"context"
	"database/sql"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/themefile"
)

// seed adds the demo ISP's own theme "netwave": a copy of blue with a darker accent,
// not selected (staff preview and select it in the console).
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM staff_themes WHERE name = 'netwave'`).Scan(&n); err != nil || n > 0 {
		return err
	}
	id, err := insertTheme(ctx, tx, "netwave", "blue", "demo", env.Now)
	if err != nil {
		return err
	}
	css, err := themefile.CheckCSS(`@import url("../default/style.css");
:root { --accent: #1b4f72; --accent-dark: #0e2f45; --accent-soft: #e6eef4; }
`)
	if err != nil {
		return err
	}
	return putFile(ctx, tx, id, themefile.Path(themefile.Style), "text/css; charset=utf-8", []byte(css), "demo", env.Now)
}
