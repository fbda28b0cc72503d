package themefile

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"strings"
	"testing"
)

func pngOf(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{200, 0, 0, 255})
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

func TestRasterIsDecodedCheckedAndReencoded(t *testing.T) {
	// A PNG with a script appended after IEND (a polyglot) comes back without it.
	data := append(pngOf(260, 60), []byte("<script>alert(1)</script>")...)
	f, err := Check(Logo, "logo.PNG", bytes.NewReader(data))
	if err != nil || f.Type != "image/png" || f.Name != "images/logo.png" || bytes.Contains(f.Data, []byte("script")) {
		t.Fatalf("png: %v %q %q", err, f.Type, f.Name)
	}
	if _, _, err := image.Decode(bytes.NewReader(f.Data)); err != nil {
		t.Fatal("re-encoded png unreadable:", err)
	}
	for _, c := range []struct {
		kind Kind
		name string
		data []byte
		want error
	}{
		{Logo, "logo.svg", pngOf(10, 10), ErrMismatch},    // a PNG named .svg is no SVG
		{Logo, "logo.gif", pngOf(10, 10), ErrMismatch},    // a PNG named .gif
		{Logo, "logo.png", []byte("<svg/>"), ErrMismatch}, // an SVG named .png
		{Logo, "logo.png", []byte("GIF89a junk"), ErrMismatch},
		{Logo, "logo.png", []byte("not an image"), ErrDecode},
		{Logo, "logo.png", pngOf(1200, 60), ErrDimension}, // wider than the header allows
		{Background, "bg.png", pngOf(2001, 10), ErrDimension},
		{Logo, "logo.exe", pngOf(10, 10), ErrType},
		{Logo, "../../etc/passwd", pngOf(10, 10), ErrType}, // the name is only an extension
		{MaintenanceLogo, "m.jpg", pngOf(10, 10), ErrType}, // the seed's maintenance logo is a PNG
		{MaintenanceLogo, "m.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), ErrType},
		{Logo, "logo.png", nil, ErrEmpty},
		{Logo, "logo.png", make([]byte, MaxImageBytes+1), ErrTooLarge},
		{Style, "style.css", make([]byte, MaxCSSBytes+1), ErrTooLarge},
		{Style, "style.png", []byte("a{}"), ErrType},
	} {
		if _, err := Check(c.kind, c.name, bytes.NewReader(c.data)); !errors.Is(err, c.want) {
			t.Errorf("%s %s: %v, want %v", c.kind, c.name, err, c.want)
		}
	}
}

func TestPolyglotGIF(t *testing.T) {
	// The classic GIF/JavaScript polyglot: "GIF89a/*" makes the width bytes 0x2a2f,
	// 10799 pixels, and the script follows after the image. Refused by its size.
	var poly bytes.Buffer
	poly.WriteString("GIF89a/*\x0a\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;*/=alert(1);")
	if _, err := Check(Logo, "logo.gif", &poly); !errors.Is(err, ErrDimension) {
		t.Fatalf("polyglot gif: %v", err)
	}
	// A real small GIF with a comment extension holding script: re-encoded without it.
	img := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.White, color.Black})
	var b bytes.Buffer
	gif.Encode(&b, img, nil)
	data := b.Bytes()
	js := "alert(document.cookie)"
	comment := append([]byte{0x21, 0xfe, byte(len(js))}, []byte(js)...)
	comment = append(comment, 0)
	withComment := append(append(append([]byte{}, data[:len(data)-1]...), comment...), 0x3b)
	f, err := Check(Logo, "x.gif", bytes.NewReader(withComment))
	if err != nil || f.Type != "image/gif" || bytes.Contains(f.Data, []byte("alert")) {
		t.Fatalf("gif with a comment: %v %q", err, f.Type)
	}
}

func TestSVG(t *testing.T) {
	good := `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="260" height="60">
<defs><linearGradient id="g"><stop offset="0" stop-color="#c00"/></linearGradient></defs>
<style>.t { fill: #333; }</style><rect width="260" height="60" fill="url(#g)"/><use xlink:href="#g"/>
<text class="t" x="10" y="40">NetWave</text></svg>`
	f, err := Check(Logo, "logo.svg", strings.NewReader(good))
	if err != nil || f.Type != "image/svg+xml" {
		t.Fatalf("good svg: %v", err)
	}
	for _, bad := range []string{
		`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
		`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`,
		`<svg xmlns="http://www.w3.org/2000/svg"><rect ONCLICK="alert(1)"/></svg>`,
		`<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>`,
		`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="javascript:alert(1)"><rect/></a></svg>`,
		`<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>`,
		`<svg xmlns="http://www.w3.org/2000/svg"><use href="other.svg#x"/></svg>`,
		`<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/a.css);</style></svg>`,
		`<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://evil.example/t)"/></svg>`,
		`<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>`,
		`<?xml-stylesheet href="https://evil.example/x.css"?><svg xmlns="http://www.w3.org/2000/svg"/>`,
		`<html><svg/></html>`,
		`<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>`,
		"\xff\xfe<svg/>",
	} {
		if _, err := Check(Logo, "logo.svg", strings.NewReader(bad)); !errors.Is(err, ErrSVG) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestCSS(t *testing.T) {
	good := "@import url(\"../default/style.css\");\r\n:root { --accent: #123456; }\nbody { background: url(images/background-page.png) }\n.x { background: url('data:image/png;base64,AAAA') }"
	f, err := Check(Style, "style.css", strings.NewReader(good))
	if err != nil || strings.Contains(string(f.Data), "\r") {
		t.Fatalf("good css: %v", err)
	}
	for _, bad := range []string{
		"a{}</style><script>alert(1)</script>",
		"a{}</STYLE >",
		`@import "https://evil.example/x.css";`,
		`@import url(//evil.example/x.css);`,
		`a { background: url(https://evil.example/track.png) }`,
		`a { background: url( "javascript:alert(1)" ) }`,
		`a { width: expression(alert(1)) }`,
		`a { background: url(/admin/logout) }`,
		`a { background: url("data:text/html,<script>") }`,
		`a { background: u\72l(https://evil.example/) }`,
		`a { -moz-binding: url(#x) }`,
		"a{}\x00",
	} {
		if _, err := CheckCSS(bad); !errors.Is(err, ErrCSS) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
