package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/klauspost/compress/gzip"
)

// themeAsset is a theme file held in memory with its compressed form and ETag, so an
// asset costs a map lookup and one stat (to notice a custom theme's file being
// replaced) instead of a read, a compression and no way for browsers to revalidate.
type themeAsset struct {
	version string // Themes.Version when it was read
	data    []byte
	gz      []byte // nil when compressing does not pay
	etag    string
	ctype   string
}

type assetCache struct {
	mu sync.RWMutex
	m  map[string]*themeAsset // theme + "\x00" + file
}

func (a *App) serveThemeFile(c *fiber.Ctx) error {
	return a.sendThemeFile(c, c.Params("theme"), c.Params("*"))
}

// sendThemeFile answers with one file of a theme (an unknown theme is the default).
func (a *App) sendThemeFile(c *fiber.Ctx, theme, name string) error {
	themes := a.deps.Web.Themes
	if !themes.Exists(theme) {
		theme = "default"
	}
	key := theme + "\x00" + name
	version := themes.Version(theme, name)
	a.assets.mu.RLock()
	as := a.assets.m[key]
	a.assets.mu.RUnlock()
	if as == nil || as.version != version {
		f, err := themes.Open(theme, name)
		if err != nil {
			return fiber.ErrNotFound
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return err
		}
		as = newThemeAsset(version, name, data)
		if t := themes.Type(theme, name); t != "" {
			as.ctype = t // a stored theme's logo.png may be an SVG or a JPEG
		}
		a.assets.mu.Lock()
		if a.assets.m == nil {
			a.assets.m = map[string]*themeAsset{}
		}
		a.assets.m[key] = as
		a.assets.mu.Unlock()
	}
	if version != "" && c.Query("v") == version {
		// The address names this very copy (Page.ThemeURL): a new upload gets a new one.
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	}
	c.Set(fiber.HeaderETag, as.etag)
	c.Set(fiber.HeaderContentType, as.ctype)
	if strings.HasPrefix(as.ctype, "image/svg") {
		// Opened on its own, an SVG is a document: it may style itself and nothing else.
		c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	}
	if inm := c.Get(fiber.HeaderIfNoneMatch); inm != "" && strings.Contains(inm, as.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	if as.gz != nil {
		c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
		if c.Context().Request.Header.HasAcceptEncoding("gzip") {
			c.Set(fiber.HeaderContentEncoding, "gzip")
			return c.Send(as.gz)
		}
	}
	return c.Send(as.data)
}

func newThemeAsset(version, name string, data []byte) *themeAsset {
	sum := sha256.Sum256(data)
	as := &themeAsset{version: version, data: data, etag: `"` + hex.EncodeToString(sum[:12]) + `"`,
		ctype: utils.GetMIME(strings.TrimPrefix(filepath.Ext(name), "."))}
	if len(data) >= assetCompressMin && compressible(as.ctype) {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // once per file: the best is affordable
		if _, err := zw.Write(data); err == nil && zw.Close() == nil && buf.Len() < len(data) {
			as.gz = buf.Bytes()
		}
	}
	return as
}
