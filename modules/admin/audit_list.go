package admin

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
)

// auditData is the audit log page.
type auditData struct {
	Entries          []core.AuditEntry
	Actor, Action    string
	Client           string
	Page             int
	PrevURL, NextURL string
}

// showAudit renders GET /admin/audit?actor=&action=&client=&page=: newest first,
// filtered by exact actor, action prefix and client number or id.
func (m *Module) showAudit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	d := auditData{Actor: strings.TrimSpace(c.Query("actor")), Action: strings.TrimSpace(c.Query("action")),
		Client: strings.TrimSpace(c.Query("client")), Page: pageParam(c)}
	f := core.AuditFilter{Actor: d.Actor, Action: d.Action, Limit: perPage + 1, Offset: (d.Page - 1) * perPage}
	if d.Client != "" {
		// A client number first (what staff know), then a row id.
		if cl, err := core.ClientByNumber(ctx, m.d.DB.R, d.Client); err == nil {
			f.ClientID = cl.ID
		} else if id, err := strconv.ParseInt(d.Client, 10, 64); err == nil && id > 0 {
			f.ClientID = id
		} else {
			f.ClientID = -1 // matches nothing
		}
	}
	list, err := core.AuditList(ctx, m.d.DB.R, f)
	if err != nil {
		return err
	}
	d.Entries = list
	d.PrevURL, d.NextURL = pageLinks(c, d.Page, len(list) > perPage)
	if len(list) > perPage {
		d.Entries = list[:perPage]
	}
	return m.d.Web.Show(c, tplAudit, "admin.audit.title", d)
}

// pageParam reads ?page= (bad values mean 1; absurd ones are capped).
func pageParam(c *fiber.Ctx) int {
	p, err := strconv.Atoi(c.Query("page"))
	if err != nil || p < 1 {
		return 1
	}
	return min(p, 100000)
}

// pageLinks builds previous/next links that keep the other query parameters. The
// lists fetch one row more than a page to know whether a next page exists, so no
// count query is needed.
func pageLinks(c *fiber.Ctx, page int, more bool) (prev, next string) {
	q := url.Values{}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) { q.Add(string(k), string(v)) })
	link := func(n int) string {
		q.Set("page", strconv.Itoa(n))
		return c.Path() + "?" + q.Encode()
	}
	if page > 1 {
		prev = link(page - 1)
	}
	if more {
		next = link(page + 1)
	}
	return prev, next
}
