// Package themefile checks the files staff upload into a theme (a logo, a background
// image, the maintenance logo, a style sheet) and returns what is safe to serve. It
// holds no storage: the appearance module keeps the result in the database, and a
// brand (one logo, one style sheet per brand) can call the same Check.
//
// Rules: every file has a size limit; a raster image is decoded with the image
// package, its format must be the one its name says, its dimensions are bounded, and
// it is re-encoded so that metadata and anything appended (a polyglot) are dropped; an
// SVG is refused when it holds scripts, event handlers, foreignObject, entities or a
// reference to anything but a #fragment or a data:image; a style sheet is refused
// when it could end a <style> element, load a remote sheet or run script. The name
// the browser sent is only read for its extension, never used as a path.
package themefile

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Kind is what an uploaded file is for; it decides the limits and the stored name.
type Kind string

// The kinds of theme file.
const (
	Logo            Kind = "logo"
	Background      Kind = "background"
	MaintenanceLogo Kind = "maintenance_logo"
	Style           Kind = "style"
)

// Kinds lists every kind, in the order a form shows them.
var Kinds = []Kind{Logo, Background, MaintenanceLogo, Style}

// Limits of one file.
const (
	MaxImageBytes = 512 << 10 // a logo, background or maintenance logo
	MaxCSSBytes   = 256 << 10 // style.css
	MaxSide       = 2000      // pixels, either side of any image
	MaxLogoWidth  = 1000      // pixels: the header shows the logo 40 px high
	MaxLogoHeight = 400
)

// The named errors Check returns; the console translates each.
var (
	ErrEmpty     = errors.New("themefile: empty file")
	ErrTooLarge  = errors.New("themefile: file too large")
	ErrType      = errors.New("themefile: type not allowed for this file")
	ErrMismatch  = errors.New("themefile: content does not match the file name")
	ErrDecode    = errors.New("themefile: image cannot be read")
	ErrDimension = errors.New("themefile: image too large in pixels")
	ErrSVG       = errors.New("themefile: SVG holds scripts or external references")
	ErrCSS       = errors.New("themefile: style sheet holds something not allowed")
)

// File is a checked file, ready to store and serve.
type File struct {
	Name string // the name in the theme: style.css, images/logo.png, ...
	Type string // the Content-Type to serve
	Data []byte
}

// Path is the name a kind is stored and served under in a theme. The layouts and the
// built-in style sheet refer to these names, whatever format the upload had.
func Path(k Kind) string {
	switch k {
	case Logo:
		return "images/logo.png"
	case Background:
		return "images/background-page.png"
	case MaintenanceLogo:
		return "images/maintenance_logo.png"
	case Style:
		return "style.css"
	}
	return ""
}

// Max is the size limit of a kind in bytes.
func Max(k Kind) int64 {
	if k == Style {
		return MaxCSSBytes
	}
	return MaxImageBytes
}

// Check reads at most the kind's limit from r and returns the file to store, or a
// named error. filename is the name the browser sent: only its extension is read.
func Check(k Kind, filename string, r io.Reader) (File, error) {
	if Path(k) == "" {
		return File{}, ErrType
	}
	data, err := io.ReadAll(io.LimitReader(r, Max(k)+1))
	if err != nil {
		return File{}, err
	}
	switch {
	case len(data) == 0:
		return File{}, ErrEmpty
	case int64(len(data)) > Max(k):
		return File{}, ErrTooLarge
	}
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(filename, `\`, "/")))
	if k == Style {
		if ext != ".css" && ext != "" {
			return File{}, ErrType
		}
		css, err := CheckCSS(string(data))
		return File{Name: Path(k), Type: "text/css; charset=utf-8", Data: []byte(css)}, err
	}
	f := File{Name: Path(k)}
	switch ext {
	case ".svg":
		if k == MaintenanceLogo {
			return File{}, ErrType // the seed's maintenance_logo.png is a PNG
		}
		if sniff(data) != "" {
			return File{}, ErrMismatch // a raster image named .svg
		}
		f.Type, f.Data, err = "image/svg+xml", data, CheckSVG(data)
	case ".png", ".jpg", ".jpeg", ".gif":
		if k == MaintenanceLogo && ext != ".png" {
			return File{}, ErrType
		}
		f.Type, f.Data, err = raster(k, ext, data)
	default:
		return File{}, ErrType
	}
	if err != nil {
		return File{}, err
	}
	return f, nil
}

// formats maps an extension to the image package's format name.
var formats = map[string]string{".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".gif": "gif"}

// raster checks dimensions from the header before decoding anything (a small file can
// claim a huge picture), decodes, and encodes the picture again.
func raster(k Kind, ext string, data []byte) (string, []byte, error) {
	if f := sniff(data); f != "" && f != formats[ext] {
		return "", nil, ErrMismatch
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		if looksSVG(data) {
			return "", nil, ErrMismatch
		}
		return "", nil, ErrDecode
	}
	if format != formats[ext] {
		return "", nil, ErrMismatch
	}
	maxW, maxH := MaxSide, MaxSide
	if k == Logo {
		maxW, maxH = MaxLogoWidth, MaxLogoHeight
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > maxW || cfg.Height > maxH {
		return "", nil, ErrDimension
	}
	var out bytes.Buffer
	switch format {
	case "gif":
		g, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil {
			return "", nil, ErrDecode
		}
		// Only frames, delays and the palette survive: comments and application
		// extensions (where a polyglot hides) are not written again.
		g2 := &gif.GIF{Image: g.Image, Delay: g.Delay, LoopCount: g.LoopCount, Disposal: g.Disposal,
			Config: image.Config{ColorModel: g.Config.ColorModel, Width: cfg.Width, Height: cfg.Height}}
		if err := gif.EncodeAll(&out, g2); err != nil {
			return "", nil, ErrDecode
		}
		return "image/gif", out.Bytes(), nil
	case "png":
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			return "", nil, ErrDecode
		}
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img); err != nil {
			return "", nil, ErrDecode
		}
		return "image/png", out.Bytes(), nil
	default:
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			return "", nil, ErrDecode
		}
		if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: 90}); err != nil {
			return "", nil, ErrDecode
		}
		return "image/jpeg", out.Bytes(), nil
	}
}

// sniff names the raster format data starts like ("" for none).
func sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return "gif"
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "jpeg"
	}
	return ""
}

func looksSVG(data []byte) bool {
	s := strings.ToLower(string(data[:min(len(data), 512)]))
	return strings.Contains(s, "<svg") || strings.HasPrefix(strings.TrimSpace(s), "<?xml")
}

// svgAllowed are the elements a logo needs; anything else (script, foreignObject,
// iframe, use of external files, animation that can set href) is refused.
var svgAllowed = map[string]bool{
	"svg": true, "g": true, "defs": true, "title": true, "desc": true, "path": true, "rect": true,
	"circle": true, "ellipse": true, "line": true, "polyline": true, "polygon": true, "text": true,
	"tspan": true, "lineargradient": true, "radialgradient": true, "stop": true, "clippath": true,
	"mask": true, "pattern": true, "symbol": true, "use": true, "image": true, "style": true,
	"metadata": true, "filter": true, "fegaussianblur": true, "feoffset": true, "feblend": true,
	"fecolormatrix": true, "femerge": true, "femergenode": true, "feflood": true, "fecomposite": true,
}

// CheckSVG refuses an SVG that could run script or fetch anything when it is opened
// on its own (an <img> never runs it, but the file's own URL can be opened).
func CheckSVG(data []byte) error {
	if !utf8.Valid(data) {
		return ErrSVG
	}
	low := strings.ToLower(string(data))
	if strings.Contains(low, "<!doctype") || strings.Contains(low, "<!entity") {
		return ErrSVG // entities: expansion bombs and external entities
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	root := true
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return ErrSVG
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if root && name != "svg" || !svgAllowed[name] {
				return ErrSVG
			}
			root = false
			for _, a := range t.Attr {
				if !svgAttrOK(strings.ToLower(a.Name.Local), a.Value) {
					return ErrSVG
				}
			}
		case xml.CharData:
			if _, err := CheckCSS(string(t)); err != nil {
				return ErrSVG // text of <style> (and any text) may not load or run anything
			}
		case xml.ProcInst:
			if t.Target != "xml" {
				return ErrSVG // xml-stylesheet and friends
			}
		case xml.Directive:
			return ErrSVG
		}
	}
	if root {
		return ErrSVG // no element at all
	}
	return nil
}

func svgAttrOK(name, value string) bool {
	v := strings.ToLower(strings.Join(strings.Fields(value), ""))
	switch {
	case strings.HasPrefix(name, "on"):
		return false
	case name == "href" || name == "src":
		return strings.HasPrefix(v, "#") || strings.HasPrefix(v, "data:image/png") ||
			strings.HasPrefix(v, "data:image/jpeg") || strings.HasPrefix(v, "data:image/gif")
	}
	// Any other value (style, fill="url(#g)", ...) follows the style sheet's rules.
	_, err := CheckCSS(value)
	return err == nil
}

// cssBad are patterns a theme's style sheet may not hold: the end of a style element
// (the sheet could one day be inlined), script URLs, old IE expressions and bindings.
var cssBad = regexp.MustCompile(`(?i)</\s*style|<\s*script|javascript\s*:|vbscript\s*:|expression\s*\(|-moz-binding|behavior\s*:`)

// cssURL finds url(...) and @import "..." targets.
var cssURL = regexp.MustCompile(`(?i)url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')`)

// CheckCSS returns the sheet with Windows line ends made plain, or ErrCSS when it
// holds a pattern of cssBad or a url()/@import that leaves the site: only relative
// paths (images/..., ../default/style.css), #fragments and data:image URLs pass.
func CheckCSS(s string) (string, error) {
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return "", ErrCSS
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	// CSS escapes (\6a avascript) could spell what the patterns look for.
	if cssBad.MatchString(s) || strings.Contains(s, `\`) && cssEscape.MatchString(s) {
		return "", ErrCSS
	}
	for _, m := range cssURL.FindAllStringSubmatch(s, -1) {
		target := strings.TrimSpace(m[1] + m[2] + m[3] + m[4] + m[5])
		if !localURL(target) {
			return "", ErrCSS
		}
	}
	return s, nil
}

// cssEscape is a backslash escape of a letter by its code (\6a, \000044): legal CSS
// that hides words from a pattern. A theme has no need for it outside strings of
// content, which are rare enough to refuse.
var cssEscape = regexp.MustCompile(`\\[0-9a-fA-F]{1,6}`)

func localURL(u string) bool {
	l := strings.ToLower(u)
	switch {
	case u == "":
		return false
	case strings.HasPrefix(l, "#"):
		return true
	case strings.HasPrefix(l, "data:"):
		return strings.HasPrefix(l, "data:image/png") || strings.HasPrefix(l, "data:image/jpeg") ||
			strings.HasPrefix(l, "data:image/gif")
	case strings.Contains(l, ":"), strings.HasPrefix(l, "//"), strings.HasPrefix(l, `\\`), strings.HasPrefix(l, "/"):
		return false // a scheme, a host, or a path from the root (another site's or ours: both refused)
	}
	return true
}

// MaxBrandLogoWidth is the widest logo a brand may upload (pixels; the seed's "max
// 350px wide").
const MaxBrandLogoWidth = 350

// CheckBrandLogo reads a brand's logo (or login-page logo) from r, at most
// MaxImageBytes: a JPEG, PNG or GIF as its content says, whatever its name (the
// format comes from decoding the header), at most MaxBrandLogoWidth pixels wide and
// MaxLogoHeight high, re-encoded like every theme image.
func CheckBrandLogo(r io.Reader) (File, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImageBytes+1))
	if err != nil {
		return File{}, err
	}
	switch {
	case len(data) == 0:
		return File{}, ErrEmpty
	case len(data) > MaxImageBytes:
		return File{}, ErrTooLarge
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || sniff(data) != format {
		return File{}, ErrType // not a JPEG, PNG or GIF (an SVG, a text, a broken file)
	}
	if cfg.Width > MaxBrandLogoWidth {
		return File{}, ErrDimension
	}
	typ, out, err := raster(Logo, map[string]string{"png": ".png", "jpeg": ".jpg", "gif": ".gif"}[format], data)
	if err != nil {
		return File{}, err
	}
	return File{Name: "logo", Type: typ, Data: out}, nil
}
