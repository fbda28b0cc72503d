package gdpr

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
)

// requestErrorKey names the message of a request validation error.
func requestErrorKey(err error) string {
	switch {
	case errors.Is(err, ErrRequestNote):
		return "gdpr.request.error_note"
	case errors.Is(err, errRequestOpen):
		return "gdpr.request.error_open"
	case errors.Is(err, ErrRequestState):
		return "gdpr.request.error_state"
	}
	return "gdpr.request.error_kind"
}

// submitRequest handles POST /gdpr/requests: the client files an erasure or
// restriction request. Bad input re-renders the page with the field's message.
func (m *Module) submitRequest(c *fiber.Ctx) error {
	ctx := c.UserContext()
	w := m.d.Web
	cl := w.Client(c)
	if cl == nil {
		return fiber.ErrUnauthorized
	}
	kind, note := c.FormValue("kind"), c.FormValue("note")
	_, err := FileRequest(ctx, m.d, cl.ID, kind, note, "client:"+cl.Number, w.ClientIP(c))
	var fe *core.FieldError
	if errors.As(err, &fe) {
		d, derr := m.exportPageData(ctx, cl.ID)
		if derr != nil {
			return derr
		}
		return w.FormError(c, tplExport, "gdpr.export.title", d, map[string]string{fe.Field: requestErrorKey(err)},
			map[string]string{"kind": kind, "note": note})
	}
	if err != nil {
		return err
	}
	w.AddFlash(c, "ok", "gdpr.request.filed")
	return w.Redirect(c, "/gdpr"+pathExport)
}
