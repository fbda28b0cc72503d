package services

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/modules/services/traffic"
)

// Service states.
const (
	StateActive     = "active"
	StateSuspended  = "suspended"
	StateTerminated = "terminated"
)

// Service is one contracted service of a client, with its tariff.
type Service struct {
	ID          int64
	ExternalID  string
	ClientID    int64
	TariffID    int64
	Kind        string
	Name        string
	State       string
	ActivatedOn string // YYYY-MM-DD, "" when unknown
	Address     string // installation address
	IP          string
	DHCP        bool // configured through DHCP: the portal shows "Via DHCP", never IP
	MAC         string
	// PriceOverride replaces the tariff's price for this service when set.
	PriceOverride *int64
	Params        []Param
	// Tariff is filled by the list and lookup functions (ignored by SaveService).
	Tariff Tariff
}

// Param is one line of the configuration sheet (gateway, DNS, SIP login...).
type Param struct {
	Name, Value string
}

// Price returns what the client pays per month, in the tariff's currency.
func (s Service) Price() int64 {
	if s.PriceOverride != nil {
		return *s.PriceOverride
	}
	return s.Tariff.Price
}

// IsInternet reports whether the service carries traffic graphs and an IP address.
func (s Service) IsInternet() bool { return s.Kind == KindInternet }

// Activated returns the activation date, or the zero time.
func (s Service) Activated() time.Time {
	t, _ := time.Parse(time.DateOnly, s.ActivatedOn)
	return t
}

// Validate returns a message naming the first problem, or nil.
func (s Service) Validate() error {
	switch {
	case s.ClientID <= 0:
		return errors.New("service needs a client")
	case s.TariffID <= 0:
		return errors.New("service needs a tariff")
	case s.Name == "":
		return errors.New("service name is required")
	case !validKind(s.Kind):
		return fmt.Errorf("service kind %q: must be internet, tv, voip or other", s.Kind)
	case s.State != StateActive && s.State != StateSuspended && s.State != StateTerminated:
		return fmt.Errorf("service state %q: must be active, suspended or terminated", s.State)
	case s.PriceOverride != nil && *s.PriceOverride < 0:
		return errors.New("price must not be negative")
	case s.PriceOverride != nil && core.CheckAmount(*s.PriceOverride) != nil:
		return fmt.Errorf("price %w", core.ErrAmountRange)
	}
	if s.ActivatedOn != "" {
		if _, err := time.Parse(time.DateOnly, s.ActivatedOn); err != nil {
			return fmt.Errorf("activation date %q: must be YYYY-MM-DD", s.ActivatedOn)
		}
	}
	if s.IP != "" {
		if _, err := netip.ParseAddr(s.IP); err != nil {
			if _, err := netip.ParsePrefix(s.IP); err != nil {
				return fmt.Errorf("IP address %q is not valid", s.IP)
			}
		}
	}
	for _, p := range s.Params {
		if p.Name == "" {
			return errors.New("every parameter needs a name")
		}
	}
	return nil
}

const serviceCols = `s.id, COALESCE(s.external_id, ''), s.client_id, s.tariff_id, s.kind, s.name, s.state, s.activated_on,
	s.address, s.ip_address, s.dhcp, s.mac_address, s.price_override,
	t.id, COALESCE(t.external_id, ''), t.name, t.kind, t.price, t.currency, t.down_kbit, t.up_kbit, t.hide_traffic,
	t.fup_limit_bytes, t.fup_period, t.fup_down_kbit, t.fup_up_kbit`

const serviceFrom = ` FROM services s JOIN tariffs t ON t.id = s.tariff_id `

// scanService reads a row of serviceCols that begins with the columns of lead.
func scanService(row interface{ Scan(...any) error }, lead ...any) (Service, error) {
	var s Service
	var price sql.NullInt64
	t := &s.Tariff
	err := row.Scan(append(lead, &s.ID, &s.ExternalID, &s.ClientID, &s.TariffID, &s.Kind, &s.Name, &s.State, &s.ActivatedOn,
		&s.Address, &s.IP, &s.DHCP, &s.MAC, &price,
		&t.ID, &t.ExternalID, &t.Name, &t.Kind, &t.Price, &t.Currency, &t.DownKbit, &t.UpKbit, &t.HideTraffic,
		&t.FUPLimit, &t.FUPPeriod, &t.FUPDownKbit, &t.FUPUpKbit)...)
	if errors.Is(err, sql.ErrNoRows) {
		return s, core.ErrNotFound
	}
	if price.Valid {
		s.PriceOverride = &price.Int64
	}
	return s, err
}

// ListFilter narrows ListServices.
type ListFilter struct {
	// WithTerminated includes terminated services (the portal shows only active
	// and suspended ones; staff tools want all).
	WithTerminated bool
	// WithParams loads each service's configuration parameters.
	WithParams bool
}

// ListServices returns a client's services, Internet first, then by name.
func ListServices(ctx context.Context, q core.Querier, clientID int64, f ListFilter) ([]Service, error) {
	query := `SELECT ` + serviceCols + serviceFrom + `WHERE s.client_id = ?`
	if !f.WithTerminated {
		query += ` AND s.state <> 'terminated'`
	}
	query += ` ORDER BY CASE s.kind WHEN 'internet' THEN 0 WHEN 'tv' THEN 1 WHEN 'voip' THEN 2 ELSE 3 END, s.name, s.id`
	out, err := core.List(ctx, q, func(r core.Row) (Service, error) { return scanService(r) }, query, clientID)
	if err != nil {
		return nil, fmt.Errorf("services.ListServices: %w", err)
	}
	if f.WithParams {
		for i := range out {
			if out[i].Params, err = ServiceParams(ctx, q, out[i].ID); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// ServiceForClient returns one service of a client; another client's service is
// core.ErrNotFound, exactly like a missing one.
func ServiceForClient(ctx context.Context, q core.Querier, clientID, serviceID int64) (Service, error) {
	return scanService(q.QueryRowContext(ctx, `SELECT `+serviceCols+serviceFrom+`WHERE s.id = ? AND s.client_id = ?`,
		serviceID, clientID))
}

// ServiceByID returns a service of any client (staff tools only).
func ServiceByID(ctx context.Context, q core.Querier, id int64) (Service, error) {
	return scanService(q.QueryRowContext(ctx, `SELECT `+serviceCols+serviceFrom+`WHERE s.id = ?`, id))
}

// ServiceByExternalID returns the service the billing system knows by ext.
func ServiceByExternalID(ctx context.Context, q core.Querier, ext string) (Service, error) {
	return scanService(q.QueryRowContext(ctx, `SELECT `+serviceCols+serviceFrom+`WHERE s.external_id = ?`, ext))
}

// ResolveServiceRef maps a reference from an import file to a service id: an
// external id first (that is what the billing system sends), then the portal's own
// numeric id.
func ResolveServiceRef(ctx context.Context, q core.Querier, ref string) (int64, bool) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM services WHERE external_id = ?`, ref).Scan(&id)
	if err == nil {
		return id, true
	}
	n, perr := strconv.ParseInt(ref, 10, 64)
	if perr != nil || n <= 0 {
		return 0, false
	}
	err = q.QueryRowContext(ctx, `SELECT id FROM services WHERE id = ?`, n).Scan(&id)
	return id, err == nil
}

// ServiceParams returns a service's configuration parameters in order.
func ServiceParams(ctx context.Context, q core.Querier, serviceID int64) ([]Param, error) {
	scan := func(row core.Row) (p Param, err error) { err = row.Scan(&p.Name, &p.Value); return }
	return core.List(ctx, q, scan, `SELECT name, value FROM service_params WHERE service_id = ? ORDER BY position, id`, serviceID)
}

// SaveService inserts a service, or updates it when ID is set or a service with the
// same ExternalID exists, and replaces its parameters. The tariff must exist; the
// kind defaults to the tariff's. It returns the service's id.
func SaveService(ctx context.Context, tx *sql.Tx, s Service, now time.Time) (int64, error) {
	if s.State == "" {
		s.State = StateActive
	}
	if err := core.Lines(core.LineField{Name: "service name", Value: &s.Name}, core.LineField{Name: "address", Value: &s.Address}); err != nil {
		return 0, err
	}
	params := make([]Param, len(s.Params))
	for i, p := range s.Params {
		if err := core.Lines(core.LineField{Name: "parameter name", Value: &p.Name}, core.LineField{Name: "parameter value", Value: &p.Value}); err != nil {
			return 0, err
		}
		params[i] = p
	}
	s.Params = params
	if s.Kind == "" && s.TariffID > 0 {
		t, err := TariffByID(ctx, tx, s.TariffID)
		if err != nil {
			return 0, fmt.Errorf("services.SaveService: tariff %d: %w", s.TariffID, err)
		}
		s.Kind = t.Kind
	}
	if err := s.Validate(); err != nil {
		return 0, err
	}
	if s.ID == 0 && s.ExternalID != "" {
		if old, err := ServiceByExternalID(ctx, tx, s.ExternalID); err == nil {
			s.ID = old.ID
		} else if !errors.Is(err, core.ErrNotFound) {
			return 0, err
		}
	}
	var price any
	if s.PriceOverride != nil {
		price = *s.PriceOverride
	}
	ts := core.Now(now)
	args := []any{core.Null(s.ExternalID), s.ClientID, s.TariffID, s.Kind, s.Name, s.State, s.ActivatedOn, s.Address,
		s.IP, s.DHCP, s.MAC, price, ts}
	if s.ID != 0 {
		res, err := tx.ExecContext(ctx, `UPDATE services SET external_id = ?, client_id = ?, tariff_id = ?, kind = ?,
			name = ?, state = ?, activated_on = ?, address = ?, ip_address = ?, dhcp = ?, mac_address = ?,
			price_override = ?, updated_at = ? WHERE id = ?`, append(args, s.ID)...)
		if err != nil {
			return 0, fmt.Errorf("services.SaveService: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return 0, core.ErrNotFound
		}
	} else {
		var err error
		s.ID, err = core.InsertID(ctx, tx, `INSERT INTO services (external_id, client_id, tariff_id, kind, name, state,
			activated_on, address, ip_address, dhcp, mac_address, price_override, updated_at, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, append(args, ts)...)
		if err != nil {
			return 0, fmt.Errorf("services.SaveService: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM service_params WHERE service_id = ?`, s.ID); err != nil {
		return 0, err
	}
	for i, p := range s.Params {
		if _, err := tx.ExecContext(ctx, `INSERT INTO service_params (service_id, position, name, value) VALUES (?, ?, ?, ?)`,
			s.ID, i, p.Name, p.Value); err != nil {
			return 0, err
		}
	}
	return s.ID, nil
}

// DeleteClientServices removes every service of a client with its traffic data, for
// the deletion of the client: the cascade from clients reaches the services but not
// the traffic tables, which keep no foreign key to a table of another package.
func DeleteClientServices(ctx context.Context, tx *sql.Tx, clientID int64) error {
	list, err := ListServices(ctx, tx, clientID, ListFilter{WithTerminated: true})
	if err != nil {
		return err
	}
	for _, s := range list {
		if err := DeleteService(ctx, tx, s.ID); err != nil {
			return err
		}
	}
	return nil
}

// DeleteService removes a service, its parameters and its traffic data.
func DeleteService(ctx context.Context, tx *sql.Tx, serviceID int64) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM services WHERE id = ?`, serviceID)
	if err != nil {
		return fmt.Errorf("services.DeleteService: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return core.ErrNotFound
	}
	return traffic.DeleteService(ctx, tx, serviceID)
}
