package traffic

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// CSVHeader is the header line ImportCSV expects (columns may come in any
// order; extra columns are ignored).
const CSVHeader = "service,timestamp,bytes_down,bytes_up"

// MaxCSVLine is the longest physical line accepted; a longer one aborts the
// parse, so a hostile file cannot make the reader buffer gigabytes.
const MaxCSVLine = 1 << 20

// ErrCSVHeader is returned (wrapped) when the header is missing or lacks
// one of the four columns.
var ErrCSVHeader = errors.New("traffic: CSV header must name service,timestamp,bytes_down,bytes_up")

// ErrCSVRead is returned (wrapped) when the file cannot be read as CSV any further (a
// line over MaxCSVLine, broken quoting): a problem of the file, not of the portal.
var ErrCSVRead = errors.New("traffic: the CSV file cannot be read")

// LineError reports a CSV row that was skipped. Line is 1-based and counts
// the header as line 1.
type LineError struct {
	Line   int
	Reason string
}

// csvScanner yields one sample or line error per data row.
type csvScanner struct {
	r       *csv.Reader
	lim     *lineLimiter
	resolve func(string) (int64, bool)
	cache   map[string]resolved // most files name few services, often unknown ones
	cols    [4]int              // indexes of service, timestamp, bytes_down, bytes_up
	nfields int
}

// resolved is a cached answer of the resolve function.
type resolved struct {
	id int64
	ok bool
}

// The resolve cache is bounded in entries and key length, so a hostile
// file naming a million long services costs calls, not memory.
const (
	maxResolveCache = 10_000
	maxCachedRef    = 256
)

func newCSVScanner(r io.Reader, resolve func(string) (int64, bool)) (*csvScanner, error) {
	if resolve == nil {
		return nil, errors.New("traffic: the CSV import needs a resolve function")
	}
	lim := &lineLimiter{r: r, max: MaxCSVLine, line: 1}
	cr := csv.NewReader(lim)
	cr.FieldsPerRecord = -1 // counted per row, to report instead of abort
	cr.ReuseRecord = true
	sc := &csvScanner{r: cr, lim: lim, resolve: resolve, cache: map[string]resolved{}}
	head, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: empty input", ErrCSVHeader)
	}
	if err != nil {
		return nil, sc.fatal(err)
	}
	sc.nfields = len(head)
	sc.cols = [4]int{-1, -1, -1, -1}
	for i, name := range head {
		name = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))
		for c, want := range []string{"service", "timestamp", "bytes_down", "bytes_up"} {
			if name == want && sc.cols[c] < 0 {
				sc.cols[c] = i
			}
		}
	}
	for _, c := range sc.cols {
		if c < 0 {
			return nil, fmt.Errorf("%w, got %s", ErrCSVHeader, quoteField(strings.Join(head, ",")))
		}
	}
	return sc, nil
}

// fatal turns a reader error into the error that ends the parse.
func (sc *csvScanner) fatal(err error) error {
	if errors.Is(err, errLineTooLong) {
		return &csvReadError{fmt.Sprintf("traffic: CSV line %d longer than %d bytes", sc.lim.line, MaxCSVLine), err}
	}
	return &csvReadError{"traffic: reading CSV: " + err.Error(), err}
}

// next returns the next row as a sample, or as a line error, or io.EOF.
func (sc *csvScanner) next() (Sample, int, *LineError, error) {
	rec, err := sc.r.Read()
	if err == io.EOF {
		return Sample{}, 0, nil, io.EOF
	}
	var perr *csv.ParseError
	if errors.As(err, &perr) && !errors.Is(err, errLineTooLong) {
		return Sample{}, perr.StartLine, &LineError{perr.StartLine, "malformed CSV: " + perr.Err.Error()}, nil
	}
	if err != nil {
		return Sample{}, 0, nil, sc.fatal(err)
	}
	line, _ := sc.r.FieldPos(0)
	if len(rec) != sc.nfields {
		return Sample{}, line, &LineError{line, fmt.Sprintf("expected %d columns, got %d", sc.nfields, len(rec))}, nil
	}
	smp, reason := sc.parseRow(rec)
	if reason != "" {
		return Sample{}, line, &LineError{line, reason}, nil
	}
	return smp, line, nil, nil
}

func (sc *csvScanner) parseRow(rec []string) (Sample, string) {
	var smp Sample
	ref := strings.TrimSpace(rec[sc.cols[0]])
	if ref == "" {
		return smp, "empty service"
	}
	r, cached := sc.cache[ref]
	if !cached {
		r.id, r.ok = sc.resolve(ref)
		if len(sc.cache) < maxResolveCache && len(ref) <= maxCachedRef {
			sc.cache[ref] = r
		}
	}
	if !r.ok {
		return smp, "unknown service " + quoteField(ref)
	}
	smp.ServiceID = r.id
	ts := strings.TrimSpace(rec[sc.cols[1]])
	t, ok := parseTime(ts)
	if !ok {
		return smp, "bad timestamp " + quoteField(ts)
	}
	if t.Unix() < minSampleTime || t.Unix() >= maxSampleTime {
		return smp, "timestamp out of range " + quoteField(ts)
	}
	smp.At = t
	var reason string
	if smp.Down, reason = parseCounter(rec[sc.cols[2]], "bytes_down"); reason != "" {
		return smp, reason
	}
	if smp.Up, reason = parseCounter(rec[sc.cols[3]], "bytes_up"); reason != "" {
		return smp, reason
	}
	return smp, ""
}

// parseTime accepts Unix seconds or RFC 3339 (with optional fraction).
func parseTime(s string) (time.Time, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), true
	}
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

func parseCounter(s, col string) (uint64, string) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-") {
		return 0, "negative " + col
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, "bad number in " + col + " " + quoteField(s)
	}
	if n > math.MaxInt64 {
		return 0, col + " too large"
	}
	return n, ""
}

// quoteField makes a cell safe to echo in a message: at most 40 bytes,
// valid UTF-8, control characters escaped, wrapped in quotes (so a cell
// like =cmd cannot start a formula if the report lands in a spreadsheet).
func quoteField(s string) string {
	const max = 40
	cut := len(s) > max
	if cut {
		s = s[:max] // a rune split here becomes U+FFFD below
	}
	s = strconv.Quote(strings.ToValidUTF8(s, "\uFFFD"))
	if cut {
		s += "…"
	}
	return s
}

var errLineTooLong = errors.New("line too long")

// lineLimiter fails once a physical line exceeds max bytes and tracks the
// current line number for that message.
type lineLimiter struct {
	r    io.Reader
	max  int
	cur  int
	line int
}

func (l *lineLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i := 0; i < n; i++ {
		if p[i] == '\n' {
			l.cur = 0
			l.line++
			continue
		}
		if l.cur++; l.cur > l.max {
			return i, errLineTooLong
		}
	}
	return n, err
}

// csvReadError is a fatal read error: ErrCSVRead with the cause's message.
type csvReadError struct {
	msg   string
	cause error
}

func (e *csvReadError) Error() string   { return e.msg }
func (e *csvReadError) Unwrap() []error { return []error{ErrCSVRead, e.cause} }
