package api

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/perm"
	"github.com/ispportal/portal/internal/rpc"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// fileError answers a /jsonrpc/file request that failed.
func fileError(c *fiber.Ctx, status int, msg string) error {
	return c.Status(status).JSON(fiber.Map{"error": fiber.Map{"code": status, "message": msg}})
}

// fileCredentials reads the credentials of a file request: the X-Session-Id header,
// HTTP Basic (login and password), or SID / login+password fields of a POSTed form.
// Never the query string and never a cookie.
func fileCredentials(c *fiber.Ctx) (string, *credentials) {
	if sid := c.Get("X-Session-Id"); sid != "" {
		return sid, nil
	}
	if h, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Basic "); ok {
		if b, err := base64.StdEncoding.DecodeString(h); err == nil {
			if l, p, ok := strings.Cut(string(b), ":"); ok {
				return "", &credentials{Login: l, Password: p}
			}
		}
	}
	if sid := formValue(c, "SID"); sid != "" {
		return sid, nil
	}
	if l := formValue(c, "login"); l != "" {
		return "", &credentials{Login: l, Password: formValue(c, "password")}
	}
	return "", nil
}

// formValue reads key from the body of a POSTed form (URL-encoded or multipart), or
// "" when the request is not one.
func formValue(c *fiber.Ctx, key string) string {
	if c.Method() != fiber.MethodPost {
		return ""
	}
	switch mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); mt {
	case fiber.MIMEApplicationForm:
		return string(c.Request().PostArgs().Peek(key))
	case fiber.MIMEMultipartForm:
		if f, err := c.MultipartForm(); err == nil && len(f.Value[key]) > 0 {
			return f.Value[key][0]
		}
	}
	return ""
}

// fileParam reads a parameter of a file request (type, id, external_id): from the
// form body of a POSTed form, where a download may carry its credentials too, else
// from the query string. An upload's body is the file, so it has only the query.
func fileParam(c *fiber.Ctx, key string) string {
	if v := formValue(c, key); v != "" {
		return v
	}
	return c.Query(key)
}

// serveFile handles GET|POST /jsonrpc/file: downloads (GET, or POST with a form) and
// uploads (POST with the file as the body). A failure inside the portal is answered
// by fileFailure, without its text.
func (m *Module) serveFile(c *fiber.Ctx) error {
	err := m.fileRequest(c)
	var fe *fiber.Error
	if err != nil && !errors.As(err, &fe) {
		return m.fileFailure(c, err)
	}
	return err
}

// fileFailure answers a file request that failed inside the portal: 503 when storage
// cannot take writes (disk full, read-only; try again later), 500 otherwise. The cause
// is logged with the request id and never sent: it can name server paths.
func (m *Module) fileFailure(c *fiber.Ctx, err error) error {
	m.d.Log.Error("api.serveFile", "path", c.Path(), "request_id", c.Locals("requestid"), "err", err)
	if db.Unwritable(err) {
		c.Set(fiber.HeaderRetryAfter, "120")
		return fileError(c, fiber.StatusServiceUnavailable,
			"the portal cannot store data now (storage full or read-only); nothing was changed; try again later")
	}
	return fileError(c, fiber.StatusInternalServerError, "internal error; nothing was changed")
}

// storeFailure answers an upload its store function refused: the file's size, or a
// message of the store's own checks; anything from storage goes to fileFailure.
func (m *Module) storeFailure(c *fiber.Ctx, err error) error {
	switch {
	case errors.Is(err, errUnreadable):
		return fileError(c, fiber.StatusBadRequest, errUnreadable.Error())
	case errors.Is(err, blob.ErrTooLarge):
		return fileError(c, fiber.StatusRequestEntityTooLarge, "file larger than "+strconv.Itoa(maxUpload>>20)+" MB")
	case errors.Is(err, blob.ErrEmpty):
		return fileError(c, fiber.StatusBadRequest, "empty body: send the file as the request body")
	case errors.As(err, new(*app.FileError)) || errors.As(err, new(*rpc.AppError)):
		return appFileError(c, err)
	case db.Internal(err) || db.Unwritable(err):
		return m.fileFailure(c, err)
	}
	return fileError(c, fiber.StatusBadRequest, err.Error())
}

// fileRequest does serveFile's work; errors it returns unanswered are internal.
func (m *Module) fileRequest(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	ctx := c.UserContext()
	ip := m.d.Web.ClientIP(c)
	if res, err := m.ipLim.Get(ctx, "ip:"+web.RateKey(ip)); err != nil || res.Reached {
		return fileError(c, fiber.StatusTooManyRequests, "too many requests from this address")
	}
	// Nothing of an upload's body is read before its sender is authenticated: the
	// body limit admitted its size from the headers, and uploadFile streams it.
	upload := isUpload(c)
	if upload && c.Request().Header.ContentLength() > maxUpload {
		return fileError(c, fiber.StatusRequestEntityTooLarge, "file larger than "+strconv.Itoa(maxUpload>>20)+" MB")
	}
	sid, auth := fileCredentials(c)
	staff, _, aerr := m.authenticate(ctx, &batchState{ip: ip}, sid, auth)
	if aerr != nil {
		status := fiber.StatusUnauthorized
		if aerr.Code == rpc.CodeRateLimited {
			status = fiber.StatusTooManyRequests
		}
		return fileError(c, status, aerr.Message)
	}
	if settings.PortalSuspended.Get(m.d.Settings) {
		return fileError(c, fiber.StatusServiceUnavailable, "the portal is suspended")
	}
	kinds := m.fileKinds()
	kind, ok := kinds[fileParam(c, "type")]
	if !ok {
		return fileError(c, fiber.StatusBadRequest, "type must be one of "+kindNames(kinds))
	}
	if upload && kind.Upload == nil {
		return fileError(c, fiber.StatusBadRequest, "files of type "+kind.Name+" cannot be uploaded")
	}
	need := kind.Read
	if upload {
		need = kind.Write
	}
	if !perm.Allows(staff.Role, need) {
		return fileError(c, fiber.StatusForbidden, "role "+staff.Role+" may not "+map[bool]string{true: "upload", false: "download"}[upload])
	}
	if res, err := m.staffLim.Get(ctx, "staff:"+strconv.FormatInt(staff.ID, 10)); err != nil || res.Reached {
		return fileError(c, fiber.StatusTooManyRequests, "too many calls for this account")
	}
	cl := &rpc.Call{Ctx: ctx, Staff: *staff, IP: ip, Now: m.d.Now(), Q: m.d.DB.R}
	id, _ := strconv.ParseInt(fileParam(c, "id"), 10, 64)
	ref := app.FileRef{ID: id, ExternalID: fileParam(c, "external_id")}
	if id < 0 || (id == 0 && ref.ExternalID == "") {
		return fileError(c, fiber.StatusBadRequest, "id or external_id is required")
	}
	if !upload {
		return appFileError(c, kind.Download(c, cl, ref))
	}
	// The first bytes tell an empty body; they are put back in front of the rest.
	body := sentBody{uploadBody(c)}
	head := make([]byte, 5)
	n, err := io.ReadFull(body, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return fileError(c, fiber.StatusBadRequest, errUnreadable.Error())
	}
	if n == 0 {
		return fileError(c, fiber.StatusBadRequest, "empty body: send the file as the request body")
	}
	newID, err := kind.Upload(c, cl, ref, io.MultiReader(bytes.NewReader(head[:n]), body))
	if err != nil {
		return m.storeFailure(c, err)
	}
	return c.JSON(fiber.Map{"code": true, "id": newID})
}

// fileKinds are the file types the modules declared, by name.
func (m *Module) fileKinds() map[string]app.FileKind {
	out := map[string]app.FileKind{}
	for _, k := range m.d.Declared.FileKinds() {
		out[k.Name] = k
	}
	return out
}

// kindNames lists the file types for an error message: "document, file or invoice".
func kindNames(kinds map[string]app.FileKind) string {
	names := make([]string, 0, len(kinds))
	for n := range kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// appFileError answers a refusal of a module's file function: not found is 404, a
// field or file error 400 (or its status); anything else is internal.
func appFileError(c *fiber.Ctx, err error) error {
	var ae *rpc.AppError
	var fe *app.FileError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &fe):
		return fileError(c, fe.Status, fe.Message)
	case errors.As(err, &ae) && ae.Kind == "not_found":
		return fileError(c, fiber.StatusNotFound, ae.Message)
	case errors.As(err, &ae):
		return fileError(c, fiber.StatusBadRequest, ae.Message)
	}
	return err
}
