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
	writeClip(&b, id, len(down))
	writeSeries(&b, id, "tg-down", svgDown, down, top)
	writeSeries(&b, id, "tg-up", svgUp, up, top)

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

// seriesScale is how many path units make one viewBox unit in writeSeries: its
// coordinates are whole numbers of tenths, written relative to the point before.
const seriesScale = 10

// writeSeries draws one direction as a filled area with an outline, in one path
// of relative whole-number steps: a year is 365 points a direction, and writing
// them once, as "18-103" instead of "L72.6 158.6" for the area and again for the
// outline, keeps the page a third of its old size and under the size at which
// answers are compressed. The path starts and ends on the baseline, which fills the
// area; the clip trims the two vertical edges that its outline would draw there.
func writeSeries(b *strings.Builder, id, class, colour string, vals []float64, top float64) {
	n := len(vals)
	if n == 0 {
		return
	}
	at := func(v float64) int64 { return int64(math.Round(v * seriesScale)) }
	x, y := at(xMid(0, n)), at(yOf(vals[0], top))
	base := at(plotB)
	d := make([]byte, 0, 16+8*n)
	d = append(d, 'M')
	d = strconv.AppendInt(d, x, 10)
	d = append(d, ' ')
	d = strconv.AppendInt(d, base, 10)
	d = append(d, 'V')
	d = strconv.AppendInt(d, y, 10)
	for i := 1; i < n; i++ {
		nx, ny := at(xMid(i, n)), at(yOf(vals[i], top))
		if i == 1 {
			d = append(d, 'l')
		} else {
			d = append(d, ' ')
		}
		d = strconv.AppendInt(d, nx-x, 10)
		if ny-y >= 0 {
			d = append(d, ' ')
		}
		d = strconv.AppendInt(d, ny-y, 10)
		x, y = nx, ny
	}
	d = append(d, 'V')
	d = strconv.AppendInt(d, base, 10)
	b.WriteString(`<g class="` + class + `" fill="` + colour + `" stroke="` + colour + `" clip-path="url(#` + id + `-plot)">`)
	b.WriteString(`<path transform="scale(0.1)" fill-opacity="0.3" stroke-width="15" stroke-linejoin="round" d="`)
	b.Write(d)
	b.WriteString(`"/></g>`)
}

// writeClip defines the clip of writeSeries: the plot between the centres of the
// first and last points, less half an outline's width at each side.
func writeClip(b *strings.Builder, id string, n int) {
	if n == 0 {
		return
	}
	l, r := xMid(0, n)+0.8, xMid(n-1, n)-0.8
	if r < l {
		l, r = plotL, plotR
	}
	b.WriteString(`<clipPath id="` + id + `-plot"><rect x="` + num(l) + `" y="0" width="` + num(r-l) + `" height="` + num(svgH) + `"/></clipPath>`)
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
