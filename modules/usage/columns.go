package usage

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/settings"
)

// pathColumns saves the columns a subscriber hides.
const pathColumns = "/columns"

// The columns of each report, in the template's order (a subset of
// settings.UsageColumnNames).
var (
	summaryColumns = []string{"period", "service", "type", "count", "quantity", "cost"}
	detailColumns  = []string{"time", "service", "type", "destination", "quantity", "rate", "cost", "external_id"}
)

// columnChoice is one checkbox of the columns form.
type columnChoice struct {
	Name  string
	Shown bool
}

// columns is what a report shows: Col (name → shown) for the template, and the
// choices of the form for the columns staff offer.
type columns struct {
	Col     map[string]bool
	Choices []columnChoice
	// CanHide says whether the form is offered (not to a read-only person, who
	// changes nothing).
	CanHide bool
}

// ErrColumn refuses a column that is not offered.
var ErrColumn = errors.New("usage: no such column")

// hiddenOf reads the columns the logged-in subscriber (holder or person) hid.
func hiddenOf(ctx context.Context, q core.Querier, clientID, personID int64) ([]string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT columns FROM usage_hidden_columns WHERE client_id = ? AND person_id = ?`,
		clientID, personID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return strings.Fields(v), err
}

// SaveHidden stores the columns a subscriber hides; each must be one staff offer.
func SaveHidden(ctx context.Context, d app.Deps, clientID, personID int64, hidden []string) error {
	offered := settings.UsageColumns.List(d.Settings)
	for _, h := range hidden {
		if !slices.Contains(offered, h) {
			return &core.FieldError{Field: "columns", Err: ErrColumn}
		}
	}
	_, err := d.DB.W.ExecContext(ctx, `INSERT INTO usage_hidden_columns (client_id, person_id, columns) VALUES (?, ?, ?)
		ON CONFLICT (client_id, person_id) DO UPDATE SET columns = excluded.columns`, clientID, personID, strings.Join(hidden, " "))
	return err
}

// columnsFor works out the columns of a report (its own, in order) for the request.
func (m *Module) columnsFor(c *fiber.Ctx, report []string) (columns, error) {
	s := m.d.Web.Session(c)
	hidden, err := hiddenOf(c.UserContext(), m.d.DB.R, s.ClientID, s.PersonID)
	if err != nil {
		return columns{}, err
	}
	offered := settings.UsageColumns.List(m.d.Settings)
	out := columns{Col: map[string]bool{}, CanHide: s.ViewAs == 0 && app.RoleMay(s.Role, "usage", fiber.MethodPost)}
	for _, name := range report {
		if !slices.Contains(offered, name) {
			continue
		}
		shown := !slices.Contains(hidden, name)
		out.Col[name] = shown
		out.Choices = append(out.Choices, columnChoice{Name: name, Shown: shown})
	}
	return out, nil
}

// saveColumns handles the report's columns form: the ticked columns stay, the other
// offered ones of that report are hidden (those of the other report keep their state).
func (m *Module) saveColumns(c *fiber.Ctx) error {
	s := m.d.Web.Session(c)
	report := summaryColumns
	back := Prefix
	if c.FormValue("report") == "detail" {
		report, back = detailColumns, Prefix+pathDetail
	}
	shown := map[string]bool{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if string(k) == "show" {
			shown[string(v)] = true
		}
	})
	for name := range shown {
		if !slices.Contains(report, name) {
			return fiber.ErrBadRequest // no checkbox of ours sends that
		}
	}
	hidden, err := hiddenOf(c.UserContext(), m.d.DB.R, s.ClientID, s.PersonID)
	if err != nil {
		return err
	}
	hidden = slices.DeleteFunc(hidden, func(h string) bool { return slices.Contains(report, h) })
	for _, name := range report {
		if !shown[name] && slices.Contains(settings.UsageColumns.List(m.d.Settings), name) {
			hidden = append(hidden, name)
		}
	}
	if err := SaveHidden(c.UserContext(), m.d, s.ClientID, s.PersonID, hidden); err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "usage.columns_saved")
	return m.d.Web.Redirect(c, back)
}
