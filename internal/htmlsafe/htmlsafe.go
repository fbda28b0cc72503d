// Package htmlsafe turns HTML written by staff (contact page, messages, suspension
// notice) into markup that is safe to show to clients.
package htmlsafe

import (
	"html/template"

	"github.com/microcosm-cc/bluemonday"
)

// policy allows the formatting a rich-text editor produces (paragraphs, lists, links,
// tables, emphasis) and drops scripts, styles, event handlers and javascript: URLs.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	return p
}()

// Sanitize returns staff HTML as markup safe to insert into a page.
func Sanitize(s string) template.HTML {
	return template.HTML(policy.Sanitize(s)) // #nosec: sanitised by bluemonday just above
}
