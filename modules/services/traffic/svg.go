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
	// Now is the moment the graph is drawn for. The last point of a series is
	// the step that contains it, still running: with no data yet it is left out of
	// the line (drawn as zero it read as an outage at "now"), and its rate is the
	// average over the part that has passed. Zero treats every point as complete.
	Now time.Time
}

// geom is a drawing's layout in viewBox units; the SVG scales to its container.
type geom struct {
	w, h           float64
	l, r, t, b     float64 // the plot area
	axis, legend   float64 // font sizes
	legendGap      float64 // where the second legend entry starts, from l
	tickEvery      int     // print every n-th time label
	class, idSuffx string
}

var (
	// wide is the desktop drawing.
	wide = geom{w: 720, h: 240, l: plotL, r: plotR, t: plotT, b: plotB, axis: 11, legend: 12, legendGap: 220,
		tickEvery: 1, class: "tg tg-wide"}
	// narrow is the phone's: a 390 px screen shows it about 340 px wide, so its
	// 13-unit labels are 12 px or more (the wide one's were 4 to 5 px there).
	narrow = geom{w: 360, h: 260, l: 76, r: 352, t: 40, b: 226, axis: 13, legend: 13, legendGap: 150,
		tickEvery: 2, class: "tg tg-narrow", idSuffx: "-n"}
)

// Drawing geometry of the wide graph in viewBox units.
const (
	svgW, svgH            = 720, 240
	plotL, plotR          = 70, 712
	plotT, plotB          = 30, 214
	svgDown, svgUp        = "#2a7ab9", "#e0822a" // defaults; CSS on tg-down/tg-up wins
	svgAxisInk, svgGridIn = "#555", "#ddd"
)

// RenderSVG draws a Series as two self-contained SVGs, a wide one and a phone's
// (the page's style sheet shows one; without it both show): download and upload as
// filled areas with outlines, a y axis in decimal units, time labels suited to the
// period, and a <title>/<desc> text alternative with totals and peaks. The phone's
// drawing reuses the wide one's series paths (<use>), so the second drawing costs
// only its axes. Colours are presentation attributes on elements with the classes
// tg-down, tg-up, tg-axis and tg-grid, so any theme CSS overrides them. There is no
// script and every text is escaped.
func RenderSVG(s Series, opts SVGOptions) template.HTML {
	tx, _ := textFor(opts.Lang)
	id := cleanID(opts.ID)
	title := opts.Title
	if title == "" {
		title = tx.title
	}
	down, up := values(s, opts.Rate, opts.Now)
	top := 0.0
	for i := range down {
		top = math.Max(top, math.Max(down[i], up[i]))
	}
	step, top := niceScale(top)
	desc := esc(describe(s, tx, opts.Lang))

	var b strings.Builder
	b.Grow(28 << 10)
	n := len(s.Points)
	for _, g := range []geom{wide, narrow} {
		gid := id + g.idSuffx
		b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="` + g.class + `" viewBox="0 0 ` + strconv.FormatFloat(g.w, 'f', -1, 64) + ` ` + strconv.FormatFloat(g.h, 'f', -1, 64) +
			`" width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="`)
		b.WriteString(gid + `-title ` + gid + `-desc"><title id="` + gid + `-title">`)
		b.WriteString(esc(title))
		b.WriteString(`</title><desc id="` + gid + `-desc">`)
		b.WriteString(desc)
		b.WriteString(`</desc>`)
		writeAxes(&b, g, s, step, top, opts)
		writeClip(&b, g, gid, n, len(down))
		if g.idSuffx == "" {
			writeSeries(&b, g, gid, "tg-down", svgDown, down, n, top)
			writeSeries(&b, g, gid, "tg-up", svgUp, up, n, top)
		} else {
			// The wide drawing's paths, moved and stretched onto this plot.
			sx, sy := (g.r-g.l)/(wide.r-wide.l), (g.b-g.t)/(wide.b-wide.t)
			tf := `translate(` + num3(g.l-wide.l*sx) + ` ` + num3(g.t-wide.t*sy) + `) scale(` + num3(sx) + ` ` + num3(sy) + `)`
			for _, d := range [][3]string{{"tg-down", svgDown, "-down"}, {"tg-up", svgUp, "-up"}} {
				if len(down) == 0 {
					break
				}
				b.WriteString(`<g class="` + d[0] + `" fill="` + d[1] + `" stroke="` + d[1] + `" clip-path="url(#` + gid + `-plot)">`)
				b.WriteString(`<use href="#` + id + d[2] + `" transform="` + tf + `"/></g>`)
			}
		}
		// Legend with totals.
		b.WriteString(`<g class="tg-legend" font-size="` + num(g.legend) + `" font-family="sans-serif">`)
		legend(&b, g, "tg-down", svgDown, g.l, tx.down+" "+FormatBytes(s.TotalDown, opts.Lang))
		legend(&b, g, "tg-up", svgUp, g.l+g.legendGap, tx.up+" "+FormatBytes(s.TotalUp, opts.Lang))
		b.WriteString(`</g></svg>`)
	}
	// Every piece of text above went through esc; the rest is fixed markup.
	return template.HTML(b.String())
}

// writeAxes draws the grid, the value labels and the time labels.
func writeAxes(b *strings.Builder, g geom, s Series, step, top float64, opts SVGOptions) {
	font := num(g.axis)
	b.WriteString(`<g class="tg-axis" fill="` + svgAxisInk + `" font-size="` + font + `" font-family="sans-serif">`)
	if step > 0 {
		for v := 0.0; v <= top+step/2; v += step {
			y := g.yOf(v, top)
			b.WriteString(`<line class="tg-grid" stroke="` + svgGridIn + `" x1="` + num(g.l) + `" x2="` + num(g.r) + `" y1="` + num(y) + `" y2="` + num(y) + `"/>`)
			b.WriteString(`<text x="` + num(g.l-6) + `" y="` + num(y+g.axis/3) + `" text-anchor="end">` + esc(axisValue(v, opts)) + `</text>`)
		}
	} else {
		b.WriteString(`<text x="` + num(g.l-6) + `" y="` + num(g.b+g.axis/3) + `" text-anchor="end">` + esc(axisValue(0, opts)) + `</text>`)
	}
	n := len(s.Points)
	k := 0
	for i, p := range s.Points {
		label := tickLabel(s.Period, p.Start.In(loc(s)), opts.Lang)
		if label == "" {
			continue
		}
		if k++; (k-1)%g.tickEvery != 0 {
			continue
		}
		x := g.xEdge(i, n)
		b.WriteString(`<line class="tg-grid" stroke="` + svgGridIn + `" x1="` + num(x) + `" x2="` + num(x) + `" y1="` + num(g.t) + `" y2="` + num(g.b) + `"/>`)
		b.WriteString(`<text x="` + num(x) + `" y="` + num(g.b+g.axis+5) + `" text-anchor="middle">` + esc(label) + `</text>`)
	}
	b.WriteString(`<line stroke="` + svgAxisInk + `" x1="` + num(g.l) + `" x2="` + num(g.r) + `" y1="` + num(g.b) + `" y2="` + num(g.b) + `"/>`)
	b.WriteString(`</g>`)
}

// values returns what to plot per point: bytes, or average bit/s. A last point still
// running at now (see SVGOptions.Now) is left out while it has no data, and its
// rate is averaged over the time that has passed.
func values(s Series, rate bool, now time.Time) (down, up []float64) {
	pts := s.Points
	partial := len(pts) > 0 && !now.IsZero() && now.Before(s.End) && !now.Before(pts[len(pts)-1].Start)
	if last := len(pts) - 1; partial && pts[last].Down == 0 && pts[last].Up == 0 {
		pts = pts[:last]
		partial = false
	}
	down = make([]float64, len(pts))
	up = make([]float64, len(pts))
	for i, p := range pts {
		down[i], up[i] = float64(p.Down), float64(p.Up)
		if !rate {
			continue
		}
		end := s.End
		if i+1 < len(s.Points) {
			end = s.Points[i+1].Start
		}
		if partial && i == len(pts)-1 {
			end = now
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

func (g geom) yOf(v, top float64) float64 {
	if top <= 0 {
		return g.b
	}
	return g.b - v/top*(g.b-g.t)
}

// xEdge is the left edge of point i of n; xMid its centre.
func (g geom) xEdge(i, n int) float64 { return g.l + float64(i)*(g.r-g.l)/float64(max(n, 1)) }
func (g geom) xMid(i, n int) float64  { return g.xEdge(i, n) + (g.r-g.l)/float64(max(n, 1))/2 }

// seriesScale is how many path units make one viewBox unit in writeSeries: its
// coordinates are whole numbers of tenths, written relative to the point before.
const seriesScale = 10

// writeSeries draws one direction as a filled area with an outline, in one path
// of relative whole-number steps: a year is 365 points a direction, and writing
// them once, as "18-103" instead of "L72.6 158.6" for the area and again for the
// outline, keeps the page a third of its old size and under the size at which
// answers are compressed. The path starts and ends on the baseline, which fills the
// area; the clip trims the two vertical edges that its outline would draw there.
//
// vals may be shorter than the n points of the time axis (a running last point).
// The path is the phone drawing's too (see RenderSVG): its outline keeps its width
// in screen pixels however the drawing is stretched.
func writeSeries(b *strings.Builder, g geom, id, class, colour string, vals []float64, n int, top float64) {
	if len(vals) == 0 {
		return
	}
	at := func(v float64) int64 { return int64(math.Round(v * seriesScale)) }
	x, y := at(g.xMid(0, n)), at(g.yOf(vals[0], top))
	base := at(g.b)
	d := make([]byte, 0, 16+8*n)
	d = append(d, 'M')
	d = strconv.AppendInt(d, x, 10)
	d = append(d, ' ')
	d = strconv.AppendInt(d, base, 10)
	d = append(d, 'V')
	d = strconv.AppendInt(d, y, 10)
	for i := 1; i < len(vals); i++ {
		nx, ny := at(g.xMid(i, n)), at(g.yOf(vals[i], top))
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
	b.WriteString(`<path id="` + id + strings.TrimPrefix(class, "tg") + `" transform="scale(0.1)" fill-opacity="0.3" stroke-width="1.75" vector-effect="non-scaling-stroke" stroke-linejoin="round" d="`)
	b.Write(d)
	b.WriteString(`"/></g>`)
}

// writeClip defines the clip of writeSeries: the plot between the centres of the
// first and last drawn of n points, less half an outline's width at each side.
func writeClip(b *strings.Builder, g geom, id string, n, drawn int) {
	if drawn == 0 {
		return
	}
	l, r := g.xMid(0, n)+0.8, g.xMid(drawn-1, n)-0.8
	if r < l {
		l, r = g.l, g.r
	}
	b.WriteString(`<clipPath id="` + id + `-plot"><rect x="` + num(l) + `" y="0" width="` + num(r-l) + `" height="` + num(g.h) + `"/></clipPath>`)
}

func legend(b *strings.Builder, g geom, class, colour string, x float64, text string) {
	y := g.t / 2
	b.WriteString(`<rect class="` + class + `" fill="` + colour + `" x="` + num(x) + `" y="` + num(y-g.legend/2-1) + `" width="12" height="12"/>`)
	b.WriteString(`<text class="tg-axis" fill="` + svgAxisInk + `" x="` + num(x+18) + `" y="` + num(y+g.legend/3+1) + `">` + esc(text) + `</text>`)
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

// num3 keeps the precision a transform needs.
func num3(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }

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
