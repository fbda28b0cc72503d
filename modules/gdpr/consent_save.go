package gdpr

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
)

// saveConsent records a give, change or withdraw action. The form carries the version
// and the history seq it was built from: a replayed or stale form is refused with a
// clear message (409) and changes nothing; the page then shows the current state.
func (m *Module) saveConsent(c *fiber.Ctx) error {
	id, err := web.IDParam(c, "id")
	if err != nil {
		return err
	}
	ctx, clientID := c.UserContext(), m.d.Web.ClientID(c)
	a := Action{ClientID: clientID, DocumentID: id, Kind: c.FormValue("action"), IP: m.d.Web.ClientIP(c),
		UserAgent: c.Get(fiber.HeaderUserAgent)}
	ticked := map[int64]bool{}
	badPurpose := false
	for _, v := range c.Context().PostArgs().PeekMulti("purpose") {
		pid, ok := core.ParseID(string(v))
		if !ok {
			badPurpose = true
			continue
		}
		ticked[pid] = true
		a.PurposeIDs = append(a.PurposeIDs, pid)
	}
	var okV, okS bool
	a.Version, okV = parseCount(c.FormValue("version"))
	a.Seq, okS = parseCount(c.FormValue("seq"))
	if !okV || !okS {
		return m.renderConsent(c, id, nil, "gdpr.err_stale", fiber.StatusConflict, nil)
	}
	if badPurpose {
		return m.renderConsent(c, id, ticked, "", fiber.StatusUnprocessableEntity, map[string]string{"purpose": "gdpr.err_unknown_purpose"})
	}
	now := m.d.Now()
	var e Entry
	err = m.d.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if e, err = RecordConsent(ctx, tx, a, now); err != nil {
			return err
		}
		actor := "client:" + strconv.FormatInt(clientID, 10)
		if cl := m.d.Web.Client(c); cl != nil {
			actor = "client:" + cl.Number
		}
		return core.Audit(ctx, tx, core.AuditEntry{At: now, Actor: actor, Action: "gdpr." + e.Action, ClientID: clientID,
			Detail: fmt.Sprintf("consent %d %q v%d #%d: %s", e.DocumentID, e.DocumentTitle, e.Version, e.Seq,
				strings.Join(e.Purposes, ", ")), IP: a.IP})
	})
	switch {
	case errors.Is(err, core.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, ErrStale), errors.Is(err, ErrNotAllowed):
		return m.renderConsent(c, id, nil, "gdpr.err_stale", fiber.StatusConflict, nil)
	case errors.Is(err, ErrVersion):
		return m.renderConsent(c, id, nil, "gdpr.err_version", fiber.StatusConflict, nil)
	case errors.Is(err, ErrInactive):
		return m.renderConsent(c, id, nil, "gdpr.err_inactive", fiber.StatusConflict, nil)
	case errors.Is(err, ErrNoPurpose):
		return m.renderConsent(c, id, ticked, "", fiber.StatusUnprocessableEntity, map[string]string{"purpose": "gdpr.err_no_purpose"})
	case errors.Is(err, ErrUnknownPurpose):
		return m.renderConsent(c, id, ticked, "", fiber.StatusUnprocessableEntity, map[string]string{"purpose": "gdpr.err_unknown_purpose"})
	case errors.Is(err, ErrUnchanged):
		return m.renderConsent(c, id, ticked, "", fiber.StatusUnprocessableEntity, map[string]string{"purpose": "gdpr.err_unchanged"})
	case err != nil:
		return err
	}
	m.d.Web.AddFlash(c, "ok", "gdpr.flash_"+e.Action, e.DocumentTitle)
	return m.d.Web.Redirect(c, "/gdpr/"+strconv.FormatInt(id, 10))
}
