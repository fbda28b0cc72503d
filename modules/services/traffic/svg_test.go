package traffic

import (
	"context"
	"encoding/xml"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestRenderSVG(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	mustIngest(t, s, Sample{1, at(0), 0, 0}, Sample{1, at(1), 1_500_000_000, 200_000_000})
	ser, err := s.Series(context.Background(), 1, Day, at(10))
	if err != nil {
		t.Fatal(err)
	}
	out := string(RenderSVG(ser, SVGOptions{Lang: "cs", Title: `Služba <b>"1"</b> & <script>alert(1)</script>`, ID: `g1" onload="x`}))
	for _, want := range []string{
		`role="img"`, `viewBox="0 0 720 240"`, `width="100%"`,
		`<title id="g1onloadx-title">Služba &lt;b&gt;&#34;1&#34;&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;</title>`,
		`aria-labelledby="g1onloadx-title g1onloadx-desc"`,
		`class="tg-down"`, `class="tg-up"`, `class="tg-axis"`,
		"1,5 GB", "200 MB", "<desc", "Nejvíce staženo 1,5 GB (15. 1. 2024 00:00)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "onload=", "javascript:", "<b>"} {
		if strings.Contains(out, bad) {
			t.Errorf("SVG contains %q", bad)
		}
	}
	assertWellFormed(t, out)
}

func TestRenderSVGEveryPeriodAndEmpty(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	now := time.Date(2024, 4, 15, 13, 7, 0, 0, prague)
	for _, p := range []Period{Day, Week, Month, Year} {
		ser, err := s.Series(context.Background(), 9, p, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, opts := range []SVGOptions{{}, {Lang: "cs", Rate: true}} {
			out := string(RenderSVG(ser, opts))
			assertWellFormed(t, out)
			if !strings.Contains(out, "No traffic recorded") && !strings.Contains(out, "Žádný provoz") {
				t.Errorf("%v: empty series lacks a text alternative", p)
			}
			if strings.Count(out, "<text") < 3 {
				t.Errorf("%v: too few labels", p)
			}
		}
	}
	// Even a zero-value Series renders.
	assertWellFormed(t, string(RenderSVG(Series{}, SVGOptions{})))
}

func TestNiceScale(t *testing.T) {
	for _, tc := range []struct{ max, step float64 }{{0, 0}, {3, 1}, {7, 2}, {1000, 250}, {1_900_000, 500_000}} {
		if step, top := niceScale(tc.max); step != tc.step || top < tc.max {
			t.Errorf("niceScale(%v) = %v, %v", tc.max, step, top)
		}
	}
}

// assertWellFormed parses the SVG as XML, which catches broken escaping.
func assertWellFormed(t *testing.T, s string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := dec.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("SVG not well-formed: %v", err)
			}
			return
		}
	}
}

// TestRenderSVGPathPoints decodes the compact series path back into viewBox
// points and checks them against the series: every point where it belongs, the
// area closed on the baseline, and the clip that hides its side edges defined.
func TestRenderSVGPathPoints(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	mustIngest(t, s, Sample{1, at(0), 0, 0}, Sample{1, at(1), 1_500_000_000, 200_000_000},
		Sample{1, at(30), 1_600_000_000, 900_000_000})
	ser, err := s.Series(context.Background(), 1, Day, at(40))
	if err != nil {
		t.Fatal(err)
	}
	out := string(RenderSVG(ser, SVGOptions{ID: "g"}))
	if n := strings.Count(out, "<path"); n != 2 {
		t.Fatalf("want one path per direction, got %d", n)
	}
	if !strings.Contains(out, `<clipPath id="g-plot">`) || strings.Count(out, `clip-path="url(#g-plot)"`) != 2 {
		t.Error("series are not clipped to the plot")
	}
	down, up := values(ser, false, time.Time{})
	_, top := niceScale(max(slices.Max(down), slices.Max(up)))
	for i, vals := range [][]float64{down, up} {
		d := pathData(t, out, i)
		pts := decodePath(t, d)
		if len(pts) != len(vals)+2 {
			t.Fatalf("series %d: %d points in the path, want %d", i, len(pts), len(vals)+2)
		}
		first, last := pts[0], pts[len(pts)-1]
		if first[1] != plotB || last[1] != plotB || first[0] != pts[1][0] || last[0] != pts[len(pts)-2][0] {
			t.Errorf("series %d: area does not start and end on the baseline: %v … %v", i, first, last)
		}
		for k, v := range vals {
			p := pts[k+1]
			if math.Abs(p[0]-wide.xMid(k, len(vals))) > 0.051 || math.Abs(p[1]-wide.yOf(v, top)) > 0.051 {
				t.Fatalf("series %d point %d at %v, want (%.2f, %.2f)", i, k, p, wide.xMid(k, len(vals)), wide.yOf(v, top))
			}
		}
	}
}

// pathData returns the d attribute of the i-th path.
func pathData(t *testing.T, svg string, i int) string {
	t.Helper()
	rest := svg
	for ; i >= 0; i-- {
		k := strings.Index(rest, "<path")
		if k < 0 {
			t.Fatal("path missing")
		}
		rest = rest[k+5:]
	}
	k := strings.Index(rest, ` d="`)
	rest = rest[k+4:]
	return rest[:strings.IndexByte(rest, '"')]
}

// decodePath reads the "M x y V y l dx dy … V y" form writeSeries writes, in
// tenths, into absolute viewBox points.
func decodePath(t *testing.T, d string) [][2]float64 {
	t.Helper()
	var pts [][2]float64
	var nums []float64
	var cmd byte
	flush := func() {
		switch cmd {
		case 'M':
			pts = append(pts, [2]float64{nums[0], nums[1]})
		case 'V':
			pts = append(pts, [2]float64{pts[len(pts)-1][0], nums[0]})
		case 'l':
			for j := 0; j+1 < len(nums); j += 2 {
				p := pts[len(pts)-1]
				pts = append(pts, [2]float64{p[0] + nums[j], p[1] + nums[j+1]})
			}
		}
		nums = nums[:0]
	}
	for i := 0; i < len(d); {
		switch c := d[i]; {
		case c == 'M' || c == 'V' || c == 'l':
			if cmd != 0 {
				flush()
			}
			cmd = c
			i++
		case c == ' ':
			i++
		default:
			j := i + 1
			for j < len(d) && d[j] >= '0' && d[j] <= '9' {
				j++
			}
			v, err := strconv.ParseFloat(d[i:j], 64)
			if err != nil {
				t.Fatalf("path %q: %v", d, err)
			}
			nums = append(nums, v)
			i = j
		}
	}
	flush()
	for k := range pts {
		pts[k][0] /= seriesScale
		pts[k][1] /= seriesScale
	}
	return pts
}

// The step that contains "now" is still running: without data it is not drawn as a
// drop to zero, and with data its rate is the average over the time that has passed.
func TestRenderSVGRunningPoint(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	mustIngest(t, s, Sample{1, at(0), 0, 0}, Sample{1, at(1), 1_500_000_000, 200_000_000})
	now := at(40).Add(2 * time.Minute) // 2 minutes into a 5-minute step with no data yet
	ser, err := s.Series(context.Background(), 1, Day, now)
	if err != nil {
		t.Fatal(err)
	}
	out := string(RenderSVG(ser, SVGOptions{ID: "g", Rate: true, Now: now}))
	if pts := decodePath(t, pathData(t, out, 0)); len(pts) != len(ser.Points)-1+2 {
		t.Errorf("running empty step drawn: %d path points for %d steps", len(pts), len(ser.Points))
	}
	if got := decodePath(t, pathData(t, string(RenderSVG(ser, SVGOptions{ID: "g", Rate: true})), 0)); len(got) != len(ser.Points)+2 {
		t.Errorf("without Now every step is drawn: %d points", len(got))
	}

	// 60 MB in the running step's first 2 minutes: 4 Mbit/s, not 1.6 (60 MB over 5 min).
	last := ser.Points[len(ser.Points)-1]
	ser.Points[len(ser.Points)-1].Down = 60_000_000
	down, _ := values(ser, true, last.Start.Add(2*time.Minute))
	if got := down[len(down)-1]; math.Abs(got-4_000_000) > 1 {
		t.Errorf("running step's rate = %.0f bit/s, want 4000000", got)
	}
}

// The phone's drawing has labels of at least 13 viewBox units on a 360-unit width
// (12 px and more on a phone), reuses the wide drawing's paths, and has ids of its own.
func TestRenderSVGPhoneDrawing(t *testing.T) {
	s, _ := newTestStore(t, Config{})
	mustIngest(t, s, Sample{1, at(0), 0, 0}, Sample{1, at(1), 1_500_000_000, 200_000_000})
	ser, err := s.Series(context.Background(), 1, Week, at(40))
	if err != nil {
		t.Fatal(err)
	}
	out := string(RenderSVG(ser, SVGOptions{ID: "g", Lang: "cs"}))
	i := strings.Index(out, `class="tg tg-narrow"`)
	if i < 0 {
		t.Fatal("no phone drawing")
	}
	phone := out[i:]
	for _, want := range []string{`viewBox="0 0 360 260"`, `font-size="13.0"`, `<use href="#g-down"`, `<use href="#g-up"`,
		`<title id="g-n-title">`, `<clipPath id="g-n-plot">`} {
		if !strings.Contains(phone, want) {
			t.Errorf("phone drawing lacks %s", want)
		}
	}
	if strings.Contains(phone, "<path") {
		t.Error("phone drawing repeats the series paths")
	}
	if !strings.Contains(out[:i], `<path id="g-down"`) || !strings.Contains(out[:i], `<path id="g-up"`) {
		t.Error("wide drawing's paths have no ids to reuse")
	}
	// Fewer time labels than the wide one, so they do not overlap.
	if w, p := strings.Count(out[:i], "<text"), strings.Count(phone, "<text"); p >= w {
		t.Errorf("phone drawing has %d labels, wide %d", p, w)
	}
	assertWellFormed(t, out)
}
