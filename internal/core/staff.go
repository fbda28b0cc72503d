package core

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// Staff roles. An administrator may do everything; support handles clients, messages,
// tickets and password actions; read-only sees; api is for the billing system's calls.
const (
	RoleAdmin    = "admin"
	RoleSupport  = "support"
	RoleReadOnly = "readonly"
	RoleAPI      = "api"
)

// Roles lists the valid roles.
var Roles = []string{RoleAdmin, RoleSupport, RoleReadOnly, RoleAPI}

// Staff is an employee account.
type Staff struct {
	ID                 int64
	Login              string
	Name               string
	Email              string
	Role               string
	PasswordHash       string
	SendTasksEmail     bool
	SendPortalRequests bool
	Active             bool
}

const staffCols = `id, login, name, email, role, password_hash, send_tasks_email, send_portal_requests, active`

func scanStaff(row interface{ Scan(...any) error }) (Staff, error) {
	var s Staff
	err := row.Scan(&s.ID, &s.Login, &s.Name, &s.Email, &s.Role, &s.PasswordHash, &s.SendTasksEmail, &s.SendPortalRequests, &s.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	return s, err
}

// StaffByLogin loads a staff account by login, without regard to case.
func StaffByLogin(ctx context.Context, q Querier, login string) (Staff, error) {
	if !Storable(login) {
		return Staff{}, ErrNotFound
	}
	return scanStaff(q.QueryRowContext(ctx, `SELECT `+staffCols+` FROM staff WHERE login = ?`, strings.TrimSpace(login)))
}

// StaffByID loads a staff account.
func StaffByID(ctx context.Context, q Querier, id int64) (Staff, error) {
	return scanStaff(q.QueryRowContext(ctx, `SELECT `+staffCols+` FROM staff WHERE id = ?`, id))
}

// StaffList lists every staff account.
func StaffList(ctx context.Context, q Querier) ([]Staff, error) {
	return List(ctx, q, scanStaff, `SELECT `+staffCols+` FROM staff ORDER BY login`)
}

// SaveStaff inserts (ID 0) or updates a staff account and returns its id.
func SaveStaff(ctx context.Context, tx *sql.Tx, s Staff, now string) (int64, error) {
	if err := Lines(LineField{"login", &s.Login}, LineField{"name", &s.Name}, LineField{"email", &s.Email}); err != nil {
		return 0, err
	}
	if s.ID == 0 {
		return InsertID(ctx, tx, `INSERT INTO staff (login, name, email, role, password_hash, send_tasks_email,
			send_portal_requests, active, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			strings.TrimSpace(s.Login), s.Name, s.Email, s.Role, s.PasswordHash, s.SendTasksEmail, s.SendPortalRequests, s.Active, now)
	}
	_, err := tx.ExecContext(ctx, `UPDATE staff SET login = ?, name = ?, email = ?, role = ?, password_hash = ?,
		send_tasks_email = ?, send_portal_requests = ?, active = ? WHERE id = ?`,
		strings.TrimSpace(s.Login), s.Name, s.Email, s.Role, s.PasswordHash, s.SendTasksEmail, s.SendPortalRequests, s.Active, s.ID)
	return s.ID, err
}
