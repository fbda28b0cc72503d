package traffic

import (
	"context"
	"encoding/xml"
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
