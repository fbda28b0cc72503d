package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/web"
)

// headerSession admits a /jsonrpc body above web.PublicBodyLimit: only for a live
// session named in the X-Session-Id header, checked before any of the body is read.
func (m *Module) headerSession(c *fiber.Ctx) bool {
	sid := c.Get("X-Session-Id")
	if sid == "" {
		return false
	}
	_, err := m.resume(c.UserContext(), sid)
	return err == nil
}

// uploadCredentials admits an upload body to /jsonrpc/file when its sender names
// credentials in a header. The body stays unread until serveFile has checked them,
// then goes straight to disk, so an unchecked sender costs no memory.
func uploadCredentials(c *fiber.Ctx) bool {
	if !isUpload(c) {
		return false
	}
	return c.Get("X-Session-Id") != "" || strings.HasPrefix(c.Get(fiber.HeaderAuthorization), "Basic ")
}

// isUpload tells an upload (POST with the file as the body) from a download asked for
// with a POSTed form.
func isUpload(c *fiber.Ctx) bool {
	mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	return c.Method() == fiber.MethodPost && mt != fiber.MIMEApplicationForm && mt != fiber.MIMEMultipartForm
}

// rpcTooLarge answers a /jsonrpc body over its limit as a JSON-RPC error.
func rpcTooLarge(c *fiber.Ctx, limit int) error {
	msg := "body larger than " + strconv.Itoa(maxBody>>20) + " MB; split it into several requests"
	if limit < maxBody {
		msg = "body larger than " + strconv.Itoa(limit>>10) + " KB; larger requests (up to " + strconv.Itoa(maxBody>>20) +
			" MB) need a session in the X-Session-Id header (session.login first)"
	}
	return c.Status(fiber.StatusRequestEntityTooLarge).JSON(errorOnly(nil, rpc.ErrInvalidRequest(msg)))
}

// fileTooLarge answers a /jsonrpc/file body over its limit.
func fileTooLarge(c *fiber.Ctx, limit int) error {
	if limit < maxUpload {
		return fileError(c, fiber.StatusRequestEntityTooLarge, "body larger than "+strconv.Itoa(limit>>10)+
			" KB; an upload needs credentials in the X-Session-Id or Authorization header")
	}
	return fileError(c, fiber.StatusRequestEntityTooLarge, "file larger than "+strconv.Itoa(maxUpload>>20)+" MB")
}

// uploadBody is the body of an admitted upload, read as it arrives.
var uploadBody = web.UploadBody

// errUnreadable marks a failure to read an upload's body: the sender's connection
// broke or timed out. It is the sender's problem, and the network error's own text
// (addresses) is not shown.
var errUnreadable = errors.New("the body could not be read to its end (connection broken or timed out)")

// sentBody marks read errors of a request body as errUnreadable, so that they are
// told apart from the portal's own failures to store it.
type sentBody struct{ r io.Reader }

func (b sentBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%w: %w", errUnreadable, err)
	}
	return n, err
}
