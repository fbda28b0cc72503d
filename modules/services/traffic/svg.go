package traffic

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"
)

// SVGOptions tunes RenderSVG. The zero value renders an English byte graph.
type SVGOptions struct {
	// Lang picks labels and number style ("en", "cs"); unknown is English.
	Lang string
	// Title overrides the default title ("Traffic").
	Title string
	// ID prefixes the ids of <title> and <desc>; set it when a page shows
	// several graphs. Characters other than [A-Za-z0-9_-] are dropped.
	ID string
	// Rate plots the average bit/s of each point instead of its bytes,
	// which makes periods with different step lengths comparable.
	Rate bool
}

// Drawing geometry in viewBox units; the SVG scales to its container.
const (
	svgW, svgH            = 720, 240
	plotL, plotR          = 70, 712
	plotT, plotB          = 30, 214
	svgDown, svgUp        = "#2a7ab9", "#e0822a" // defaults; CSS on tg-down/tg-up wins
	svgAxisInk, svgGridIn = "#555", "#ddd"
)

// RenderSVG draws a Series as a self-contained, responsive SVG: download
// and upload as filled areas with outlines, a y axis in decimal units, time
// labels suited to the period, and a <title>/<desc> text alternative with
// totals and peaks. Colours are presentation attributes on elements with
// the classes tg-down, tg-up, tg-axis and tg-grid, so any theme CSS
// overrides them. There is no script and every text is escaped.
func RenderSVG(s Series, opts SVGOptions) template.HTML {
	tx, _ := textFor(opts.Lang)
	id := cleanID(opts.ID)
	title := opts.Title
	if title == "" {
		title = tx.title
	}
	down, up := values(s, opts.Rate)
	top := 0.0
	for i := range down {
		top = math.Max(top, math.Max(down[i], up[i]))
	}
	step, top := niceScale(top)

	var b strings.Builder
	b.Grow(24 << 10)
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="tg" viewBox="0 0 720 240" width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="`)
	b.WriteString(id + `-title ` + id + `-desc"><title id="` + id + `-title">`)
	b.WriteString(esc(title))
	b.WriteString(`</title><desc id="` + id + `-desc">`)
	b.WriteString(esc(describe(s, tx, opts.Lang)))
	b.WriteString(`</desc>`)

	// Axes and grid.
	b.WriteString(`<g class="tg-axis" fill="` + svgAxisInk + `" font-size="11" font-family="sans-serif">`)
	if step > 0 {
		for v := 0.0; v <= top+step/2; v += step {
			y := yOf(v, top)
			b.WriteString(`<line class="tg-grid" stroke="` + svgGridIn + `" x1="` + num(plotL) + `" x2="` + num(plotR) + `" y1="` + num(y) + `" y2="` + num(y) + `"/>`)
			b.WriteString(`<text x="` + num(plotL-6) + `" y="` + num(y+4) + `" text-anchor="end">` + esc(axisValue(v, opts)) + `</text>`)
		}
	} else {
		b.WriteString(`<text x="` + num(plotL-6) + `" y="` + num(plotB+4) + `" text-anchor="end">` + esc(axisValue(0, opts)) + `</text>`)
	}
	n := len(s.Points)
	for i, p := range s.Points {
		label := tickLabel(s.Period, p.Start.In(loc(s)), opts.Lang)
		if label == "" {
			continue
		}
		x := xEdge(i, n)
		b.WriteString(`<line class="tg-grid" stroke="` + svgGridIn + `" x1="` + num(x) + `" x2="` + num(x) + `" y1="` + num(plotT) + `" y2="` + num(plotB) + `"/>`)
		b.WriteString(`<text x="` + num(x) + `" y="` + num(plotB+16) + `" text-anchor="middle">` + esc(label) + `</text>`)
	}
	b.WriteString(`<line stroke="` + svgAxisInk + `" x1="` + num(plotL) + `" x2="` + num(plotR) + `" y1="` + num(plotB) + `" y2="` + num(plotB) + `"/>`)
	b.WriteString(`</g>`)

	// Series: download drawn first so the usually smaller upload stays visible.
	writeSeries(&b, "tg-down", svgDown, down, top)
	writeSeries(&b, "tg-up", svgUp, up, top)

	// Legend with totals.
	b.WriteString(`<g class="tg-legend" font-size="12" font-family="sans-serif">`)
	legend(&b, "tg-down", svgDown, plotL, tx.down+" "+FormatBytes(s.TotalDown, opts.Lang))
	legend(&b, "tg-up", svgUp, plotL+220, tx.up+" "+FormatBytes(s.TotalUp, opts.Lang))
	b.WriteString(`</g></svg>`)
	// Every piece of text above went through esc; the rest is fixed markup.
	return template.HTML(b.String())
}

// values returns what to plot per point: bytes, or average bit/s.
func values(s Series, rate bool) (down, up []float64) {
	down = make([]float64, len(s.Points))
	up = make([]float64, len(s.Points))
	for i, p := range s.Points {
		down[i], up[i] = float64(p.Down), float64(p.Up)
		if !rate {
			continue
		}
		end := s.End
		if i+1 < len(s.Points) {
			end = s.Points[i+1].Start
		}
		if sec := end.Sub(p.Start).Seconds(); sec > 0 {
			down[i] *= 8 / sec
			up[i] *= 8 / sec
		}
	}
	return down, up
}

// niceScale returns a grid step of 1, 2, 2.5 or 5 × 10^k and the axis top
// (four steps) covering max; zero max gives zero step.
func niceScale(max float64) (step, top float64) {
	if max <= 0 {
		return 0, 0
	}
	raw := max / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if step < 1 {
		step = 1 // no fractions of a byte on the axis
	}
	return step, step * 4
}

func axisValue(v float64, opts SVGOptions) string {
	if opts.Rate {
		return FormatBits(v, opts.Lang)
	}
	return FormatBytes(uint64(math.Round(v)), opts.Lang)
}

func yOf(v, top float64) float64 {
	if top <= 0 {
		return plotB
	}
	return plotB - v/top*(plotB-plotT)
}

// xEdge is the left edge of point i of n; xMid its centre.
func xEdge(i, n int) float64 { return plotL + float64(i)*(plotR-plotL)/float64(max(n, 1)) }
func xMid(i, n int) float64  { return xEdge(i, n) + (plotR-plotL)/float64(max(n, 1))/2 }

// writeSeries draws one direction as an area plus an outline.
func writeSeries(b *strings.Builder, class, colour string, vals []float64, top float64) {
	if len(vals) == 0 {
		return
	}
	var line []byte
	for i, v := range vals {
		if i == 0 {
			line = append(line, 'M')
		} else {
			line = append(line, 'L')
		}
		line = strconv.AppendFloat(line, xMid(i, len(vals)), 'f', 1, 64)
		line = append(line, ' ')
		line = strconv.AppendFloat(line, yOf(v, top), 'f', 1, 64)
	}
	b.WriteString(`<g class="` + class + `" fill="` + colour + `" stroke="` + colour + `">`)
	b.WriteString(`<path class="tg-area" stroke="none" fill-opacity="0.3" d="M` + num(xMid(0, len(vals))) + ` ` + num(plotB) + `L`)
	b.Write(line[1:])
	b.WriteString(`L` + num(xMid(len(vals)-1, len(vals))) + ` ` + num(plotB) + `Z"/>`)
	b.WriteString(`<path class="tg-line" fill="none" stroke-width="1.5" stroke-linejoin="round" d="`)
	b.Write(line)
	b.WriteString(`"/></g>`)
}

func legend(b *strings.Builder, class, colour string, x float64, text string) {
	b.WriteString(`<rect class="` + class + `" fill="` + colour + `" x="` + num(x) + `" y="8" width="12" height="12"/>`)
	b.WriteString(`<text class="tg-axis" fill="` + svgAxisInk + `" x="` + num(x+18) + `" y="18">` + esc(text) + `</text>`)
}

// describe is the text alternative: period, totals and peaks.
func describe(s Series, tx svgText, lang string) string {
	period, ok := tx.periods[s.Period]
	if !ok {
		period = tx.title
	}
	out := fmt.Sprintf(tx.totals, period, FormatBytes(s.TotalDown, lang), FormatBytes(s.TotalUp, lang))
	if s.TotalDown == 0 && s.TotalUp == 0 {
		return out + " " + tx.none
	}
	pd, pu := s.Peak()
	if p := s.Points[pd]; p.Down > 0 {
		out += " " + fmt.Sprintf(tx.peakDown, FormatBytes(p.Down, lang), pointTime(s.Period, p.Start.In(loc(s)), lang))
	}
	if p := s.Points[pu]; p.Up > 0 {
		out += " " + fmt.Sprintf(tx.peakUp, FormatBytes(p.Up, lang), pointTime(s.Period, p.Start.In(loc(s)), lang))
	}
	return out
}

func loc(s Series) *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

func esc(s string) string { return template.HTMLEscapeString(s) }

func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func cleanID(id string) string {
	id = strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return -1
	}, id)
	if id == "" {
		return "tg"
	}
	// An XML id must start with a letter.
	if !(id[0] >= 'a' && id[0] <= 'z' || id[0] >= 'A' && id[0] <= 'Z') {
		return "tg-" + id
	}
	return id
}
