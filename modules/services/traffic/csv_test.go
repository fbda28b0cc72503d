package traffic

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// ParseCSV parses CSV as ImportCSV does, keeping every sample and line error
// in memory instead of storing them: the parser's tests read the result.
func ParseCSV(r io.Reader, resolve func(ref string) (int64, bool)) ([]Sample, []LineError, error) {
	sc, err := newCSVScanner(r, resolve)
	if err != nil {
		return nil, nil, err
	}
	var samples []Sample
	var lineErrs []LineError
	for {
		smp, _, lerr, err := sc.next()
		switch {
		case err == io.EOF:
			return samples, lineErrs, nil
		case err != nil:
			return samples, lineErrs, err
		case lerr != nil:
			lineErrs = append(lineErrs, *lerr)
		default:
			samples = append(samples, smp)
		}
	}
}

// resolveRefs knows the services "a" (1) and "b" (2).
func resolveRefs(ref string) (int64, bool) {
	id, ok := map[string]int64{"a": 1, "b": 2}[ref]
	return id, ok
}

func TestParseCSVGoodAndBadRows(t *testing.T) {
	in := "\ufeffService, Timestamp ,bytes_down,bytes_up\n" + // BOM, case and spaces tolerated
		"a,2024-01-15T00:00:00+01:00,100,10\n" + // 2
		"a,1705273500,200,20\n" + // 3: Unix seconds
		"a,1705273800,300\n" + // 4: too few columns
		"a,1705274100,x3,30\n" + // 5: bad number
		"a,1705274400,-1,30\n" + // 6: negative
		"a,yesterday,1,1\n" + // 7: bad time
		"zz,1705274700,1,1\n" + // 8: unknown service
		"\n" + // 9: blank line, skipped silently
		"b,1705275000,5,\"5\"\n" + // 10: quoted number is fine
		"b,1705275300,5,\"5\n" // 11: unterminated quote runs to EOF
	samples, lerrs, err := ParseCSV(strings.NewReader(in), resolveRefs)
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) != 3 || samples[1].At.Unix() != 1705273500 || samples[2].ServiceID != 2 || samples[0].Down != 100 {
		t.Fatalf("samples = %+v", samples)
	}
	wantLines := []int{4, 5, 6, 7, 8, 11}
	if len(lerrs) != len(wantLines) {
		t.Fatalf("line errors = %+v", lerrs)
	}
	for i, l := range wantLines {
		if lerrs[i].Line != l {
			t.Errorf("error %d on line %d, want %d (%s)", i, lerrs[i].Line, l, lerrs[i].Reason)
		}
	}
	for _, frag := range []string{"columns", "bad number", "negative", "bad timestamp", "unknown service"} {
		if !strings.Contains(lerrsText(lerrs), frag) {
			t.Errorf("no error mentions %q", frag)
		}
	}
}

func lerrsText(l []LineError) string {
	var b strings.Builder
	for _, e := range l {
		fmt.Fprintf(&b, "line %d: %s\n", e.Line, e.Reason)
	}
	return b.String()
}

func TestParseCSVHeader(t *testing.T) {
	for _, in := range []string{"", "service,timestamp,bytes_down\n", "a,1705273500,1,1\n"} {
		if _, _, err := ParseCSV(strings.NewReader(in), resolveRefs); !errors.Is(err, ErrCSVHeader) {
			t.Errorf("%q: err = %v", in, err)
		}
	}
	// Reordered and extra columns are fine.
	s, lerrs, err := ParseCSV(strings.NewReader("bytes_up,note,bytes_down,timestamp,service\n7,x,9,1705273500,a\n"), resolveRefs)
	if err != nil || len(lerrs) != 0 || len(s) != 1 || s[0].Up != 7 || s[0].Down != 9 {
		t.Fatalf("%+v %+v %v", s, lerrs, err)
	}
}

func TestParseCSVHostile(t *testing.T) {
	long := strings.Repeat("A", 10_000)
	in := CSVHeader + "\n" +
		long + ",1705273500,1,1\n" + // 2: 10 kB field
		"a\xff\xfe,1705273500,1,1\n" + // 3: not UTF-8
		"=cmd|' /C calc'!A0,1705273500,1,1\n" + // 4: formula injection
		"a,1705273500,1,1\x00\n" + // 5: NUL in a number
		"a,1705273500,1,1\n" // 6: fine
	calls := 0
	resolve := func(ref string) (int64, bool) { calls++; return resolveRefs(ref) }
	samples, lerrs, err := ParseCSV(strings.NewReader(in), resolve)
	if err != nil {
		t.Fatal(err)
	}
	if len(samples) != 1 || len(lerrs) != 4 {
		t.Fatalf("samples %d, errors %+v", len(samples), lerrs)
	}
	for _, e := range lerrs {
		if len(e.Reason) > 120 || !utf8.ValidString(e.Reason) || strings.ContainsAny(e.Reason, "\x00\n") {
			t.Errorf("line %d: unsafe reason %q", e.Line, e.Reason)
		}
		if strings.HasPrefix(e.Reason, "=") {
			t.Errorf("line %d: reason starts a formula", e.Line)
		}
	}
	if !strings.Contains(lerrs[2].Reason, `"=cmd|`) {
		t.Errorf("formula cell should be quoted: %q", lerrs[2].Reason)
	}
	if calls != 4 { // "a" is resolved once and cached
		t.Errorf("resolve called %d times", calls)
	}

	huge := CSVHeader + "\na," + strings.Repeat("9", MaxCSVLine+10) + ",1,1\n"
	if _, _, err := ParseCSV(strings.NewReader(huge), resolveRefs); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("overlong line: err = %v", err)
	}
}

func TestImportCSVBatchesAndIsIdempotent(t *testing.T) {
	s, d := newTestStore(t, Config{})
	var b strings.Builder
	b.WriteString(CSVHeader + "\n")
	samples := yearOfSamples(1, t0, 50)
	for i, smp := range samples {
		if i == 10 {
			b.WriteString("a,bad,1,1\n") // line 12
		}
		b.WriteString("a," + smp.At.Format("2006-01-02T15:04:05Z07:00") + "," + u(smp.Down) + "," + u(smp.Up) + "\n")
	}
	b.WriteString("a,2024-01-16T00:00:00Z,999999999999999,1\n") // absurd jump, line 53
	ctx := context.Background()
	res, err := ImportCSV(ctx, s, strings.NewReader(b.String()), resolveRefs, 7)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 52 || res.Accepted != 50 || res.ErrorCount != 2 ||
		res.Errors[0].Line != 12 || res.Errors[1].Line != 53 || res.Errors[1].Reason != ReasonAbsurd {
		t.Fatalf("result = %+v", res)
	}
	before := fineRows(t, d, 1)
	res, err = ImportCSV(ctx, s, strings.NewReader(b.String()), resolveRefs, 0)
	if err != nil || res.Accepted != 0 || res.Duplicates != 50 {
		t.Fatalf("re-import = %+v, %v", res, err)
	}
	if !equalRows(fineRows(t, d, 1), before) {
		t.Error("re-import changed buckets")
	}
}

func u(v uint64) string { return strconv.FormatUint(v, 10) }
