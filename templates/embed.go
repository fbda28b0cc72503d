// Package templates embeds the shared page templates: layouts, partials and error
// pages. Module pages live beside their module; a theme may override any of them.
package templates

import "embed"

// FS holds layouts/, partials/, errors/ and factor/ (the second-factor pages that the
// portal and the console share).
//
//go:embed layouts partials errors factor
var FS embed.FS
