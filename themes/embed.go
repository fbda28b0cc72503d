// Package themes embeds the built-in themes: default (red), orange, blue and green.
// Each is a folder with style.css, images/ and optionally templates/ overriding any
// shared or module template. A custom theme in data/themes/NAME overrides them file by
// file (see web.Themes).
package themes

import "embed"

// FS holds one folder per built-in theme.
//
//go:embed default orange blue green
var FS embed.FS
