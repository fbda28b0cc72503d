// Package templates embeds the shared page templates: layouts, partials and error
// pages. Module pages live beside their module; a theme may override any of them.
package templates

import "embed"

// FS holds layouts/, partials/ and errors/.
//
//go:embed layouts partials errors
var FS embed.FS
