package brands

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// The files a brand serves below /brand/<id>/.
const (
	fileLogo      = "logo"
	fileLoginLogo = "login-logo"
	fileCSS       = "custom.css"
	fileJS        = "custom.js"
)

// serveFile answers GET /brand/:id/:file: the brand's logos, its style sheet as
// text/css and its script as text/javascript, never inline in a page, so that no
// "</style>" or "</script>" in them can end an element. Every answer carries nosniff
// (the security headers); the address carries the brand's version, so browsers may
// keep a file for a year.
func (m *Module) serveFile(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	var typ string
	var data []byte
	switch c.Params("file") {
	case fileLogo, fileLoginLogo:
		col := KindLogo
		if c.Params("file") == fileLoginLogo {
			col = KindLoginLogo
		}
		f, err := loadFile(ctx, m.d.DB.R, id, col)
		if err != nil {
			return err
		}
		typ, data = f.Type, f.Data
	case fileCSS, fileJS:
		b, err := Get(ctx, m.d.DB.R, id)
		if errors.Is(err, core.ErrNotFound) {
			return err
		}
		if err != nil {
			return err
		}
		typ, data = "text/css; charset=utf-8", []byte(b.CSS)
		if c.Params("file") == fileJS {
			if b.JS == "" {
				return fiber.ErrNotFound
			}
			typ, data = "text/javascript; charset=utf-8", []byte(b.JS)
		}
	default:
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, typ)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(data)
}
