package core

import (
	"context"
	"database/sql"
	"errors"
)

// InvoiceGroup is a supplier identity shared by a group of clients.
type InvoiceGroup struct {
	ID             int64
	ExternalID     string
	Name           string
	SupplierName   string
	Street         string
	City           string
	Postcode       string
	Country        string
	RegistrationNo string
	VATNo          string
	Phone          string
	Email          string
	Web            string
	BankAccount    string
	IBAN           string
	BIC            string
	Currency       string
}

const groupCols = `id, COALESCE(external_id, ''), name, supplier_name, street, city, postcode, country,
	registration_no, vat_no, phone, email, web, bank_account, iban, bic, currency`

func scanGroup(row interface{ Scan(...any) error }) (InvoiceGroup, error) {
	var g InvoiceGroup
	err := row.Scan(&g.ID, &g.ExternalID, &g.Name, &g.SupplierName, &g.Street, &g.City, &g.Postcode, &g.Country,
		&g.RegistrationNo, &g.VATNo, &g.Phone, &g.Email, &g.Web, &g.BankAccount, &g.IBAN, &g.BIC, &g.Currency)
	if errors.Is(err, sql.ErrNoRows) {
		return g, ErrNotFound
	}
	return g, err
}

// GroupByID loads one invoice group.
func GroupByID(ctx context.Context, q Querier, id int64) (InvoiceGroup, error) {
	return scanGroup(q.QueryRowContext(ctx, `SELECT `+groupCols+` FROM invoice_groups WHERE id = ?`, id))
}

// Groups lists every invoice group by name.
func Groups(ctx context.Context, q Querier) ([]InvoiceGroup, error) {
	return List(ctx, q, scanGroup, `SELECT `+groupCols+` FROM invoice_groups ORDER BY name`)
}

// SaveGroup inserts (ID 0) or updates an invoice group and returns its id.
func SaveGroup(ctx context.Context, tx *sql.Tx, g InvoiceGroup, now string) (int64, error) {
	if err := Lines(LineField{"external_id", &g.ExternalID}, LineField{"name", &g.Name},
		LineField{"supplier_name", &g.SupplierName}, LineField{"street", &g.Street}, LineField{"city", &g.City},
		LineField{"postcode", &g.Postcode}, LineField{"country", &g.Country}, LineField{"registration_no", &g.RegistrationNo},
		LineField{"vat_no", &g.VATNo}, LineField{"phone", &g.Phone}, LineField{"email", &g.Email}, LineField{"web", &g.Web},
		LineField{"bank_account", &g.BankAccount}, LineField{"iban", &g.IBAN}, LineField{"bic", &g.BIC},
		LineField{"currency", &g.Currency}); err != nil {
		return 0, err
	}
	if g.Currency == "" {
		g.Currency = "CZK"
	}
	args := []any{NullText(g.ExternalID), g.Name, g.SupplierName, g.Street, g.City, g.Postcode, g.Country,
		g.RegistrationNo, g.VATNo, g.Phone, g.Email, g.Web, g.BankAccount, g.IBAN, g.BIC, g.Currency}
	if g.ID == 0 {
		return InsertID(ctx, tx, `INSERT INTO invoice_groups (external_id, name, supplier_name, street, city, postcode,
			country, registration_no, vat_no, phone, email, web, bank_account, iban, bic, currency, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, append(args, now)...)
	}
	res, err := tx.ExecContext(ctx, `UPDATE invoice_groups SET external_id = ?, name = ?, supplier_name = ?, street = ?, city = ?,
		postcode = ?, country = ?, registration_no = ?, vat_no = ?, phone = ?, email = ?, web = ?, bank_account = ?, iban = ?,
		bic = ?, currency = ? WHERE id = ?`, append(args, g.ID)...)
	if err != nil {
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, ErrNotFound
	}
	return g.ID, nil
}
