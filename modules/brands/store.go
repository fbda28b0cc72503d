package brands

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// DefaultID is the default brand: the installation as it was before brands, the
// brand of unknown hosts and of clients with brand 0. It cannot be deleted.
const DefaultID = 1

// Brand is a stored brand without its image files.
type Brand struct {
	ID      int64
	Name    string
	Domains []string
	// Hidden are the sections (module names) the brand does not show.
	Hidden []string
	CSS    string
	JS     string
	JSURL  string
	// HasLogo and HasLoginLogo say whether the brand uploaded its own files.
	HasLogo, HasLoginLogo bool
	Version               int64
	UpdatedAt             time.Time
	Clients               int // how many clients belong to it (ListCounted only)
}

// Default reports whether b is the default brand.
func (b Brand) Default() bool { return b.ID == DefaultID }

const brandCols = `id, name, hidden, css, js, js_url, logo IS NOT NULL, login_logo IS NOT NULL, version, updated_at`

func scanBrand(row core.Row) (Brand, error) {
	var b Brand
	var hidden, updated string
	if err := row.Scan(&b.ID, &b.Name, &hidden, &b.CSS, &b.JS, &b.JSURL, &b.HasLogo, &b.HasLoginLogo, &b.Version, &updated); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return b, core.ErrNotFound
		}
		return b, err
	}
	b.Hidden = strings.Fields(hidden)
	b.UpdatedAt = core.ParseTime(updated)
	return b, nil
}

// List returns every brand with its domains, the default first.
func List(ctx context.Context, q core.Querier) ([]Brand, error) {
	list, err := core.List(ctx, q, scanBrand, `SELECT `+brandCols+` FROM brands ORDER BY id`)
	if err != nil {
		return nil, err
	}
	doms, err := domains(ctx, q)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Domains = doms[list[i].ID]
	}
	return list, nil
}

// ListCounted is List with each brand's number of clients, for the lists that show it
// (the console's brands page, `portal brand list`, brands.list). The count is one
// pass over the clients for all brands: counted per brand in List, it cost every
// staff client card (which lists the brands to choose from) and every rebuild of the
// requests' brand table a pass per brand: 35 of a card's 40 ms at 100,000 clients.
func ListCounted(ctx context.Context, q core.Querier) ([]Brand, error) {
	list, err := List(ctx, q)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT brand_id, COUNT(*) FROM clients GROUP BY brand_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		if id == 0 {
			id = DefaultID // a client without a brand belongs to the default one
		}
		counts[id] += n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range list {
		list[i].Clients = counts[list[i].ID]
	}
	return list, nil
}

// Get loads one brand with its domains; core.ErrNotFound when there is none.
func Get(ctx context.Context, q core.Querier, id int64) (Brand, error) {
	b, err := scanBrand(q.QueryRowContext(ctx, `SELECT `+brandCols+` FROM brands WHERE id = ?`, id))
	if err != nil {
		return b, err
	}
	doms, err := domains(ctx, q)
	b.Domains = doms[id]
	return b, err
}

func domains(ctx context.Context, q core.Querier) (map[int64][]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT brand_id, host FROM brand_domains ORDER BY brand_id, position, host`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]string{}
	for rows.Next() {
		var id int64
		var h string
		if err := rows.Scan(&id, &h); err != nil {
			return nil, err
		}
		out[id] = append(out[id], h)
	}
	return out, rows.Err()
}

// file is a brand's stored image.
type file struct {
	Type string
	Data []byte
}

// loadFile reads a brand's logo ("logo") or login-page logo ("login_logo").
func loadFile(ctx context.Context, q core.Querier, id int64, col string) (file, error) {
	var f file
	var data []byte
	err := q.QueryRowContext(ctx, `SELECT `+col+`, `+col+`_type FROM brands WHERE id = ? AND `+col+` IS NOT NULL`, id).Scan(&data, &f.Type)
	if errors.Is(err, sql.ErrNoRows) {
		return f, core.ErrNotFound
	}
	f.Data = data
	return f, err
}
