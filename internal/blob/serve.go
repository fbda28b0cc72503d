package blob

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/db"
)

// Send streams an opened stored file as a download and closes it when done. The
// answer is never cached by shared caches (it is one client's document) and is
// sandboxed, so even a file a browser chose to display could not run script.
func Send(c *fiber.Ctx, f File, ctype, name string) error {
	c.Set(fiber.HeaderContentType, ServeType(ctype))
	c.Set(fiber.HeaderContentDisposition, ContentDisposition(name))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	c.Set(fiber.HeaderContentLength, strconv.FormatInt(f.Size(), 10))
	// fasthttp closes the stream (the file) once it has been sent.
	return c.SendStream(f, int(f.Size()))
}

// Serve streams the stored file of a row as a download (Open, then Send). When the
// file cannot be opened (gone from disk, or a tampered path) it calls missing with
// the error instead, for the module to log it for staff and show the client a page.
func Serve(c *fiber.Ctx, d *db.DB, dataDir, sub, stored, ctype, name string, missing func(err error) error) error {
	f, err := Open(c.UserContext(), d, dataDir, sub, stored)
	if err != nil {
		return missing(err)
	}
	return Send(c, f, ctype, name)
}
