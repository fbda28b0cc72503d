package web

import (
	"bytes"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Request body limits. The server streams request bodies (app.New sets Fiber's
// StreamRequestBody), so nothing beyond fasthttp's 8 KiB read-ahead is read before a
// handler asks for it. limitBody decides from the headers alone how much a request
// may send, and refuses more with 413 before reading it: an anonymous request can
// make the server hold at most PublicBodyLimit.
const (
	// PublicBodyLimit caps the body of a request without a session: login and
	// password forms, a JSON-RPC call that carries its own credentials.
	PublicBodyLimit = 64 << 10
	// SessionBodyLimit caps the body of a logged-in client's or staff member's
	// request: forms with long texts (HTML settings, tickets, mail templates).
	SessionBodyLimit = 2 << 20
)

// BodyRule admits larger bodies on one route, for requests that Allow accepts from
// their headers (a session, credentials in a header). Bodies within PublicBodyLimit
// need no rule: they are read into memory as on any route.
type BodyRule struct {
	// Limit is the largest body admitted, in bytes.
	Limit int
	// Stream leaves an admitted body unread: the handler authenticates, then reads
	// it from c.Request().BodyStream() (or c.Body() when it is already in memory)
	// straight to disk. Without Stream the body is read into memory once admitted.
	// A streamed body must state its Content-Length (411 otherwise).
	Stream bool
	// Allow sees the headers only; nothing of the body is read when it runs.
	Allow func(c *fiber.Ctx) bool
	// TooLarge answers a refused body in the route's own format; nil answers 413
	// through the error handler.
	TooLarge func(c *fiber.Ctx, limit int) error
}

// AdmitBody registers a rule for a method and path (as c.Path() sees it). A segment
// ":name" of the path matches any one segment (a client card's upload,
// /admin/clients/:id/documents). Modules call it while mounting.
func (w *Web) AdmitBody(method, path string, r BodyRule) {
	if w.bodyRules == nil {
		w.bodyRules = map[string]BodyRule{}
	}
	w.bodyRules[method+" "+path] = r
	if strings.Contains(path, "/:") {
		w.bodyPatterns = append(w.bodyPatterns, bodyPattern{method: method, segs: strings.Split(path, "/"), rule: r})
	}
}

// bodyPattern is a rule whose path has parameters.
type bodyPattern struct {
	method string
	segs   []string
	rule   BodyRule
}

// bodyRule finds the rule of a request: its exact path first, then a pattern.
func (w *Web) bodyRule(method, path string) (BodyRule, bool) {
	if r, ok := w.bodyRules[method+" "+path]; ok {
		return r, true
	}
	segs := strings.Split(path, "/")
next:
	for _, p := range w.bodyPatterns {
		if p.method != method || len(p.segs) != len(segs) {
			continue
		}
		for i, s := range p.segs {
			if s != segs[i] && !(strings.HasPrefix(s, ":") && segs[i] != "") {
				continue next
			}
		}
		return p.rule, true
	}
	return BodyRule{}, false
}

// limitBody runs before anything reads a request body (the CSRF check reads forms).
func (w *Web) limitBody(c *fiber.Ctx) error {
	req := c.Request()
	if ce := strings.TrimSpace(string(req.Header.Peek(fiber.HeaderContentEncoding))); ce != "" && !strings.EqualFold(ce, "identity") {
		// Fiber inflates a compressed body in memory without a limit: 64 KiB of gzip
		// can become 64 MB. Browsers never compress what they send.
		c.Response().Header.SetConnectionClose()
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "compressed request bodies are not accepted")
	}
	stream := req.BodyStream()
	size := req.Header.ContentLength() // -1: chunked, -2: none
	if stream == nil {
		size = len(req.Body()) // already in memory (the server did not stream it)
	}
	rule, hasRule := w.bodyRule(c.Method(), c.Path())
	limit, admitted, known := PublicBodyLimit, false, false
	if size > limit || size == -1 {
		// Only a body beyond the public limit costs a session lookup.
		if w.Session(c) != nil || (w.AreaOf(c) == Staff && w.StaffSession(c) != nil) {
			limit, known = SessionBodyLimit, true
		}
		if hasRule && rule.Allow(c) {
			admitted, known, limit = true, true, max(limit, rule.Limit)
		}
	}
	// finish deals with a body left on the wire after the answer is decided. A known
	// sender's rest of at most twice its limit is skipped (read and dropped, never
	// kept), so that its client, still sending, can read the answer on a connection
	// that stays usable. Otherwise the connection closes at once: nothing more of an
	// anonymous body is read.
	finish := func() {
		s := req.BodyStream()
		if s == nil {
			return
		}
		if known && size <= 2*limit { // also chunked (-1)
			if _, err := io.CopyN(io.Discard, s, 2*int64(limit)+1); err == io.EOF {
				return
			}
		}
		c.Response().Header.SetConnectionClose()
	}
	refuse := func(status int) error {
		finish()
		if status == fiber.StatusRequestEntityTooLarge && hasRule && rule.TooLarge != nil {
			return rule.TooLarge(c, limit)
		}
		return fiber.NewError(status)
	}
	switch {
	case size > limit:
		return refuse(fiber.StatusRequestEntityTooLarge)
	case admitted && rule.Stream:
		if size == -1 {
			return refuse(fiber.StatusLengthRequired)
		}
		// The handler reads the body, or not (a refused sender): what it left is
		// skipped.
		err := c.Next()
		finish()
		return err
	case stream != nil && size == -1:
		// Chunked: the size shows only while reading, so read at most one byte more
		// than allowed.
		body, err := io.ReadAll(io.LimitReader(stream, int64(limit)+1))
		if err != nil {
			c.Response().Header.SetConnectionClose()
			return fiber.NewError(fiber.StatusBadRequest, "unreadable request body")
		}
		if len(body) > limit {
			return refuse(fiber.StatusRequestEntityTooLarge)
		}
		req.SetBody(body)
		req.Header.SetContentLength(len(body))
	case stream != nil:
		// Known and admitted size: read it now, so that every later reader finds it
		// in memory and the connection is ready for the next request.
		req.Body()
	}
	return c.Next()
}

// UploadBody is the body of a request a Stream rule admitted, for the handler to copy
// to disk: the stream, or the body when the server already holds it in memory.
func UploadBody(c *fiber.Ctx) io.Reader {
	if s := c.Request().BodyStream(); s != nil {
		return s
	}
	return bytes.NewReader(c.Body())
}
