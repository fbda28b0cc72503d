package admin

import (
	"context"
	"database/sql"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// maxNote bounds a staff note on a client.
const maxNote = 4000

// Note is a staff-only note on a client (table client_notes of core, which the
// client's deletion removes); the portal never shows it.
type Note struct {
	ID        int64
	Author    string
	Body      string
	CreatedAt time.Time
}

// clientNotes lists a client's notes, newest first.
func clientNotes(ctx context.Context, q core.Querier, clientID int64) ([]Note, error) {
	return core.List(ctx, q, func(r core.Row) (Note, error) {
		var n Note
		var at string
		err := r.Scan(&n.ID, &n.Author, &n.Body, &at)
		n.CreatedAt = core.ParseTime(at)
		return n, err
	}, `SELECT id, author, body, created_at FROM client_notes WHERE client_id = ? ORDER BY id DESC LIMIT 100`, clientID)
}

// addNote handles POST /admin/clients/:id/notes.
func (m *Module) addNote(c *fiber.Ctx) error {
	ctx := c.UserContext()
	cl, err := m.clientParam(c)
	if err != nil {
		return err
	}
	body, bad := web.FormText(c.FormValue("note"))
	switch {
	case bad != "":
	case body == "":
		bad = web.KeyRequired
	case utf8.RuneCountInString(body) > maxNote:
		bad = "form.too_long"
	}
	if bad != "" {
		return m.showClientCard(c, cl, map[string]string{"note": bad})
	}
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err := core.InsertID(ctx, tx, `INSERT INTO client_notes (client_id, author, body, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			cl.ID, console.Actor(m.d.Web, c), body, core.Now(m.d.Now()))
		if err != nil {
			return err
		}
		return console.Audit(ctx, m.d.Web, c, tx, m.d.Now(), "client.note", cl.ID, "note "+strconv.FormatInt(id, 10))
	})
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "admin.client.note_added")
	return m.d.Web.Redirect(c, "/admin/clients/"+strconv.FormatInt(cl.ID, 10)+"#c-notes")
}
