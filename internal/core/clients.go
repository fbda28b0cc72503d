package core

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// Client is a subscriber with their contact data.
type Client struct {
	ID             int64
	ExternalID     string
	Number         string
	Username       string
	InvoiceGroupID int64
	Name           string
	IsBusiness     bool
	Company        string
	RegistrationNo string
	VATNo          string
	Email          string
	Phone          string
	Mobile         string
	Street         string
	City           string
	Postcode       string
	Country        string
	InvStreet      string
	InvCity        string
	InvPostcode    string
	InvCountry     string
	Language       string
	Active         bool
}

// Querier is what both *sql.DB and *sql.Tx offer, so lookups work inside a transaction.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

const clientCols = `id, COALESCE(external_id, ''), number, COALESCE(username, ''), COALESCE(invoice_group_id, 0), name,
	is_business, company, registration_no, vat_no, email, phone, mobile, street, city, postcode, country,
	inv_street, inv_city, inv_postcode, inv_country, language, active`

// ClientCols are the columns ScanClient reads, for queries of other packages that
// load a client with something else in one statement.
const ClientCols = clientCols

// ScanClient reads a row of ClientCols that begins with the columns of lead.
func ScanClient(row interface{ Scan(...any) error }, lead ...any) (Client, error) {
	return scanClient(row, lead...)
}

func scanClient(row interface{ Scan(...any) error }, lead ...any) (Client, error) {
	var c Client
	err := row.Scan(append(lead, &c.ID, &c.ExternalID, &c.Number, &c.Username, &c.InvoiceGroupID, &c.Name,
		&c.IsBusiness, &c.Company, &c.RegistrationNo, &c.VATNo, &c.Email, &c.Phone, &c.Mobile,
		&c.Street, &c.City, &c.Postcode, &c.Country, &c.InvStreet, &c.InvCity, &c.InvPostcode, &c.InvCountry,
		&c.Language, &c.Active)...)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, err
}

// ClientByID loads one client.
func ClientByID(ctx context.Context, q Querier, id int64) (Client, error) {
	return scanClient(q.QueryRowContext(ctx, `SELECT `+clientCols+` FROM clients WHERE id = ?`, id))
}

// ClientByNumber loads a client by client number.
func ClientByNumber(ctx context.Context, q Querier, number string) (Client, error) {
	return scanClient(q.QueryRowContext(ctx, `SELECT `+clientCols+` FROM clients WHERE number = ?`, strings.TrimSpace(number)))
}

// ClientByUsername loads a client by custom username, without regard to case.
func ClientByUsername(ctx context.Context, q Querier, username string) (Client, error) {
	return scanClient(q.QueryRowContext(ctx, `SELECT `+clientCols+` FROM clients WHERE username = ?`, strings.TrimSpace(username)))
}

// ClientsByEmail lists active clients with this e-mail address (several clients may
// share one, e.g. a family).
func ClientsByEmail(ctx context.Context, q Querier, email string) ([]Client, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+clientCols+` FROM clients WHERE email = ? COLLATE NOCASE AND active = 1 ORDER BY id`,
		strings.TrimSpace(email))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Client
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ClientFilter narrows SearchClients.
type ClientFilter struct {
	Query  string // matches number, username, name, e-mail, phone, mobile
	Group  int64
	Limit  int
	Offset int
}

// SearchClients lists clients for staff.
func SearchClients(ctx context.Context, q Querier, f ClientFilter) ([]Client, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.TrimSpace(f.Query)) + "%"
	rows, err := q.QueryContext(ctx, `SELECT `+clientCols+` FROM clients
		WHERE (? = '%%' OR number LIKE ? ESCAPE '\' OR username LIKE ? ESCAPE '\' OR name LIKE ? ESCAPE '\'
		       OR email LIKE ? ESCAPE '\' OR phone LIKE ? ESCAPE '\' OR mobile LIKE ? ESCAPE '\' OR company LIKE ? ESCAPE '\')
		  AND (? = 0 OR invoice_group_id = ?)
		ORDER BY number LIMIT ? OFFSET ?`,
		like, like, like, like, like, like, like, like, f.Group, f.Group, f.Limit, f.Offset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Client
	for rows.Next() {
		c, err := scanClient(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveClient inserts a client (ID 0) or updates every field of an existing one, and
// returns its id. Empty ExternalID and Username are stored as NULL so they stay unique.
func SaveClient(ctx context.Context, tx *sql.Tx, c Client, now string) (int64, error) {
	if err := c.normalize(); err != nil {
		return 0, err
	}
	args := []any{nullStr(c.ExternalID), strings.TrimSpace(c.Number), nullStr(c.Username), nullID(c.InvoiceGroupID), c.Name,
		c.IsBusiness, c.Company, c.RegistrationNo, c.VATNo, c.Email, c.Phone, c.Mobile,
		c.Street, c.City, c.Postcode, c.Country, c.InvStreet, c.InvCity, c.InvPostcode, c.InvCountry, c.Language, c.Active}
	if c.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO clients (external_id, number, username, invoice_group_id, name,
			is_business, company, registration_no, vat_no, email, phone, mobile, street, city, postcode, country,
			inv_street, inv_city, inv_postcode, inv_country, language, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(args, now, now)...)
		if err != nil {
			return 0, err
		}
		return res.LastInsertId()
	}
	res, err := tx.ExecContext(ctx, `UPDATE clients SET external_id = ?, number = ?, username = ?, invoice_group_id = ?, name = ?,
		is_business = ?, company = ?, registration_no = ?, vat_no = ?, email = ?, phone = ?, mobile = ?, street = ?, city = ?,
		postcode = ?, country = ?, inv_street = ?, inv_city = ?, inv_postcode = ?, inv_country = ?, language = ?, active = ?,
		updated_at = ? WHERE id = ?`, append(args, now, c.ID)...)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, ErrNotFound
	}
	return c.ID, nil
}

// normalize makes every text field one line (core.Line) and refuses control
// characters and a number that is empty or spaces only.
func (c *Client) normalize() error {
	if err := Lines(LineField{"external_id", &c.ExternalID}, LineField{"number", &c.Number}, LineField{"username", &c.Username},
		LineField{"name", &c.Name}, LineField{"company", &c.Company}, LineField{"registration_no", &c.RegistrationNo},
		LineField{"vat_no", &c.VATNo}, LineField{"email", &c.Email}, LineField{"phone", &c.Phone}, LineField{"mobile", &c.Mobile},
		LineField{"street", &c.Street}, LineField{"city", &c.City}, LineField{"postcode", &c.Postcode},
		LineField{"country", &c.Country}, LineField{"inv_street", &c.InvStreet}, LineField{"inv_city", &c.InvCity},
		LineField{"inv_postcode", &c.InvPostcode}, LineField{"inv_country", &c.InvCountry},
		LineField{"language", &c.Language}); err != nil {
		return err
	}
	if c.Number == "" {
		return &FieldError{Field: "number", Err: ErrNotBlank}
	}
	return nil
}

// SetClientLanguage stores a client's language preference.
func SetClientLanguage(ctx context.Context, tx *sql.Tx, id int64, lang string) error {
	_, err := tx.ExecContext(ctx, `UPDATE clients SET language = ? WHERE id = ?`, lang, id)
	return err
}

func nullStr(s string) any {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.TrimSpace(s)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
