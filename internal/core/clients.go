package core

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ispportal/portal/internal/db"
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
	// InactiveReason says why staff deactivated the client (empty while active).
	InactiveReason string
	// Version counts the client's saves; a form sends the version it showed, and a
	// save over a newer one is refused (ErrStale).
	Version int64
	// BrandID is the brand the client belongs to; 0 is the default brand.
	BrandID int64
	// Sections are staff's Show/Hide overrides of portal sections for this client
	// ("+helpdesk -invoices"; see ParseSections).
	Sections string
}

// Querier is what both *sql.DB and *sql.Tx offer, so lookups work inside a transaction.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

const clientCols = `id, COALESCE(external_id, ''), number, COALESCE(username, ''), COALESCE(invoice_group_id, 0), name,
	is_business, company, registration_no, vat_no, email, phone, mobile, street, city, postcode, country,
	inv_street, inv_city, inv_postcode, inv_country, language, active, inactive_reason, version, brand_id, sections`

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
		&c.Language, &c.Active, &c.InactiveReason, &c.Version, &c.BrandID, &c.Sections)...)
	if errors.Is(err, sql.ErrNoRows) {
		return c, ErrNotFound
	}
	return c, err
}

// scanClientRow is scanClient for List, which passes only the row.
func scanClientRow(row Row) (Client, error) { return scanClient(row) }

// ClientByID loads one client.
func ClientByID(ctx context.Context, q Querier, id int64) (Client, error) {
	return scanClient(q.QueryRowContext(ctx, `SELECT `+clientCols+` FROM clients WHERE id = ?`, id))
}

// ClientByNumber loads a client by client number.
func ClientByNumber(ctx context.Context, q Querier, number string) (Client, error) {
	if !Storable(number) {
		return Client{}, ErrNotFound
	}
	return scanClient(q.QueryRowContext(ctx, `SELECT `+clientCols+` FROM clients WHERE number = ?`, strings.TrimSpace(number)))
}

// ClientByUsername loads a client by custom username, without regard to case.
func ClientByUsername(ctx context.Context, q Querier, username string) (Client, error) {
	if !Storable(username) {
		return Client{}, ErrNotFound
	}
	return scanClient(q.QueryRowContext(ctx, `SELECT `+clientCols+` FROM clients WHERE username = ?`, strings.TrimSpace(username)))
}

// ClientsByEmail lists active clients with this e-mail address (several clients may
// share one, e.g. a family).
func ClientsByEmail(ctx context.Context, q Querier, email string) ([]Client, error) {
	if !Storable(email) {
		return nil, nil
	}
	return List(ctx, q, scanClientRow, `SELECT `+clientCols+` FROM clients WHERE lower(email) = lower(?) AND active = 1 ORDER BY id`,
		strings.TrimSpace(email))
}

// ClientFilter narrows SearchClients.
type ClientFilter struct {
	Query  string // matches number, username, name, e-mail, phone, mobile, company
	Group  int64
	Limit  int
	Offset int
	// Indexed looks a text of three characters or more up in the clients' trigram
	// index first (migration 0010): only on SQLite, which alone has that index. Set it
	// as IndexedOn(the database's dialect).
	Indexed bool
}

// IndexedOn is ClientFilter.Indexed for a database of dialect d.
func IndexedOn(d db.Dialect) bool { return d == db.SQLite }

// trigramFew is how many rows a trigram index (SQLite's FTS5, tokenize = 'trigram')
// may name for a search to check only those. A text more rows contain is searched by
// walking the rows in the list's order, which meets the page's matches soon when there
// are that many.
const trigramFew = 2000

// FewTrigramHits decides whether a search for text should check only what a trigram
// index names. hits is a query naming the rows, with one "?" for the MATCH phrase in
// each of its uses places. It returns the phrase and true when text can be looked up
// (three characters or more, UTF-8 without a NUL: FTS5 reads a query up to a NUL) and
// hits names at most trigramFew rows; otherwise the search walks.
func FewTrigramHits(ctx context.Context, q Querier, text, hits string, uses int) (string, bool, error) {
	if utf8.RuneCountInString(text) < 3 || !Storable(text) {
		return "", false, nil
	}
	// Inside the quotes of a phrase only a quote is special, written twice; the phrase
	// matches where its text stands anywhere in a column.
	phrase := `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
	args := make([]any, 0, uses+1)
	for range uses {
		args = append(args, phrase)
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+hits+` LIMIT ?)`, append(args, trigramFew+1)...).Scan(&n); err != nil {
		return "", false, err
	}
	return phrase, n <= trigramFew, nil
}

// searchText is the seven searched columns in one text, exactly as PostgreSQL's
// trigram index clients_search_trgm (core 0011) is built on it.
const searchText = `number || ' ' || COALESCE(CAST(username AS TEXT), '') || ' ' || name || ' ' || email || ' ' || phone || ' ' || mobile || ' ' || company`

// clientsHits names the clients whose fields the trigram index finds the phrase in.
const clientsHits = `SELECT rowid AS found FROM clients_search WHERE clients_search MATCH ?`

// SearchClients lists clients for staff, ordered by number. The text matches without
// regard to case: lower() on both sides, as SQLite's LIKE folds case and PostgreSQL's
// does not. With Indexed (SQLite) a text few clients contain is first looked up in the
// trigram index, which names every client whose fields contain it (folding the case of
// every script, so a few more): the same LIKE then decides, so the answer is the walk's.
func SearchClients(ctx context.Context, q Querier, f ClientFilter) ([]Client, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	if !Storable(f.Query) {
		return nil, nil
	}
	text := strings.TrimSpace(f.Query)
	from, args := "clients", []any{}
	if f.Indexed {
		phrase, few, err := FewTrigramHits(ctx, q, text, clientsHits, 1)
		if err != nil {
			return nil, err
		}
		if few {
			// CROSS JOIN keeps the index's few first: SQLite then reads each by id.
			from = `(` + clientsHits + `) hits CROSS JOIN clients ON clients.id = hits.found`
			args = append(args, phrase)
		}
	}
	like := "%" + LikeEscape(text) + "%"
	args = append(args, like, like, like, like, like, like, like, like)
	// The group only when one is chosen: "? = 0 OR invoice_group_id = ?" would make
	// PostgreSQL type the parameter as its literal's int4, and refuse a larger id.
	group := ""
	if f.Group != 0 {
		group, args = "AND invoice_group_id = ?", append(args, f.Group)
	}
	// Without SQLite's index, the seven columns in one text first: PostgreSQL's trigram
	// index holds it (core 0011). It matches whatever the column conditions match (and
	// a text across two columns, which they then drop). The plan is made for the text
	// (db.PlanEach): a text few clients contain is found through the index, one most
	// contain by walking the clients in number order to the page's end.
	joined := ""
	if !f.Indexed && like != "%%" {
		joined, args = `lower(`+searchText+`) LIKE lower(?) ESCAPE '\' AND `, append([]any{like}, args...)
	}
	args = append(append([]any{db.PlanEach}, args...), f.Limit, f.Offset)
	return List(ctx, q, scanClientRow, `SELECT `+clientCols+` FROM `+from+`
		WHERE `+joined+`(? = '%%' OR lower(number) LIKE lower(?) ESCAPE '\' OR lower(username) LIKE lower(?) ESCAPE '\'
		       OR lower(name) LIKE lower(?) ESCAPE '\' OR lower(email) LIKE lower(?) ESCAPE '\' OR lower(phone) LIKE lower(?) ESCAPE '\'
		       OR lower(mobile) LIKE lower(?) ESCAPE '\' OR lower(company) LIKE lower(?) ESCAPE '\')
		  `+group+`
		ORDER BY number LIMIT ? OFFSET ?`, args...)
}

// ErrStale refuses a save made from a form that showed an older version of the client:
// somebody else saved it in between, and their change must not be overwritten unseen.
var ErrStale = errors.New("the client was changed by someone else since the form was opened")

// ErrUsernamesOff refuses a new custom username while ci_enable_login_name_creation is
// off.
var ErrUsernamesOff = errors.New("custom usernames are switched off (ci_enable_login_name_creation): " +
	"clients log in with their client number; a username a client already has is kept")

// CheckUsername decides whether a client whose username is old may be given next, for
// every path that sets usernames; creation is the value of
// ci_enable_login_name_creation (core does not read settings). The seed: the setting
// chooses whether clients log in with their number or a custom username, and a
// username already entered keeps being used whatever the setting says later. So with
// the setting off a client keeps (and a resync may send again, in any case) the
// username they have, and may lose it, but gets no new one.
func CheckUsername(creation bool, old, next string) error {
	next = strings.TrimSpace(next)
	if next == "" || strings.EqualFold(next, strings.TrimSpace(old)) || creation {
		return nil
	}
	return ErrUsernamesOff
}

// LoginNameTakenError says that a client's number or username is already a login name
// of another client. Both are login names: the login looks the typed name up as a
// username (without regard to case) first, then as a number, so a username equal to
// another client's number would lock that client out.
type LoginNameTakenError struct {
	Field   string // the saved client's field: "number" or "username"
	Value   string
	OtherID int64
	Other   string // what Value is for the other client: "number" or "username"
}

func (e *LoginNameTakenError) Error() string {
	what := map[string]string{"number": "client number", "username": "username"}
	return fmt.Sprintf("%s %s is the %s of another client (id %d)", what[e.Field], e.Value, what[e.Other], e.OtherID)
}

// CheckLoginNames returns a *LoginNameTakenError when c's number or username is
// another client's number or username (usernames, and numbers compared with them,
// without regard to case). Of an existing client only the names that change are
// checked, so that a clash stored before this check existed does not block unrelated
// changes (say, the other client editing their e-mail).
func CheckLoginNames(ctx context.Context, q Querier, c Client) error {
	number, username := strings.TrimSpace(c.Number), strings.TrimSpace(c.Username)
	var oldNumber, oldUsername string
	if c.ID != 0 {
		err := q.QueryRowContext(ctx, `SELECT number, COALESCE(username, '') FROM clients WHERE id = ?`, c.ID).Scan(&oldNumber, &oldUsername)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	check := func(field, value, query string) error {
		var other int64
		var as string
		err := q.QueryRowContext(ctx, query, value, value, value, c.ID).Scan(&other, &as)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		return &LoginNameTakenError{Field: field, Value: value, OtherID: other, Other: as}
	}
	// The username column compares without regard to case by itself; numbers are
	// compared exactly with numbers (as their unique index does) and without regard to
	// case with usernames (lower(number), the clients_number_lower index). Each query
	// takes the value three times, then the client's id.
	if number != oldNumber {
		if err := check("number", number, `SELECT id, CASE WHEN number = ? THEN 'number' ELSE 'username' END
			FROM clients WHERE (number = ? OR username = ?) AND id <> ? LIMIT 1`); err != nil {
			return err
		}
	}
	if username != "" && username != oldUsername {
		if err := check("username", username, `SELECT id, CASE WHEN username = ? THEN 'username' ELSE 'number' END
			FROM clients WHERE (username = ? OR lower(number) = lower(?)) AND id <> ? LIMIT 1`); err != nil {
			return err
		}
	}
	return nil
}

// SaveClient inserts a client (ID 0) or updates every field of an existing one, and
// returns its id. A new client starts on c.BrandID; an update leaves the brand alone
// because moving a client between brands is its own audited action (brands.Assign)
// and edit forms that do not carry the brand must not reset it. Empty ExternalID and Username are stored as NULL so they stay unique.
// A number or username that is another client's login name is refused with a
// *LoginNameTakenError (see CheckLoginNames), whoever saves the client.
func SaveClient(ctx context.Context, tx *sql.Tx, c Client, now string) (int64, error) {
	if err := c.normalize(); err != nil {
		return 0, err
	}
	if err := CheckLoginNames(ctx, tx, c); err != nil {
		return 0, err
	}
	args := []any{NullText(c.ExternalID), strings.TrimSpace(c.Number), NullText(c.Username), Null(c.InvoiceGroupID), c.Name,
		c.IsBusiness, c.Company, c.RegistrationNo, c.VATNo, c.Email, c.Phone, c.Mobile,
		c.Street, c.City, c.Postcode, c.Country, c.InvStreet, c.InvCity, c.InvPostcode, c.InvCountry, c.Language, c.Active,
		c.InactiveReason}
	if c.ID == 0 {
		return InsertID(ctx, tx, `INSERT INTO clients (external_id, number, username, invoice_group_id, name,
			is_business, company, registration_no, vat_no, email, phone, mobile, street, city, postcode, country,
			inv_street, inv_city, inv_postcode, inv_country, language, active, inactive_reason, created_at, updated_at, brand_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, append(args, now, now, c.BrandID)...)
	}
	res, err := tx.ExecContext(ctx, `UPDATE clients SET external_id = ?, number = ?, username = ?, invoice_group_id = ?, name = ?,
		is_business = ?, company = ?, registration_no = ?, vat_no = ?, email = ?, phone = ?, mobile = ?, street = ?, city = ?,
		postcode = ?, country = ?, inv_street = ?, inv_city = ?, inv_postcode = ?, inv_country = ?, language = ?, active = ?,
		inactive_reason = ?, version = version + 1, updated_at = ? WHERE id = ?`, append(args, now, c.ID)...)
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
		LineField{"language", &c.Language}, LineField{"inactive_reason", &c.InactiveReason}); err != nil {
		return err
	}
	if c.Number == "" {
		return &FieldError{Field: "number", Err: ErrNotBlank}
	}
	return nil
}
