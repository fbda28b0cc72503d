package web

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// Pager describes one page of a long list.
type Pager struct {
	Page, Pages, PerPage, Total int
	base                        string
	query                       url.Values
}

// NewPager reads ?page= from the request (bad values mean page 1) for total rows.
func NewPager(c *fiber.Ctx, total, perPage int) Pager {
	page, err := strconv.Atoi(c.Query("page"))
	if err != nil || page < 1 {
		page = 1
	}
	pages := (total + perPage - 1) / perPage
	if pages < 1 {
		pages = 1
	}
	if page > pages {
		page = pages
	}
	q := url.Values{}
	c.Context().QueryArgs().VisitAll(func(k, v []byte) { q.Add(string(k), string(v)) })
	return Pager{Page: page, Pages: pages, PerPage: perPage, Total: total, base: c.Path(), query: q}
}

// Offset is the first row of the page.
func (p Pager) Offset() int { return (p.Page - 1) * p.PerPage }

// HasPrev reports whether a previous page exists.
func (p Pager) HasPrev() bool { return p.Page > 1 }

// HasNext reports whether a next page exists.
func (p Pager) HasNext() bool { return p.Page < p.Pages }

// PrevURL links the previous page, keeping the other query parameters (filters).
func (p Pager) PrevURL() string { return p.url(p.Page - 1) }

// NextURL links the next page.
func (p Pager) NextURL() string { return p.url(p.Page + 1) }

func (p Pager) url(n int) string {
	q := url.Values{}
	for k, v := range p.query {
		q[k] = v
	}
	q.Set("page", strconv.Itoa(n))
	return p.base + "?" + q.Encode()
}
