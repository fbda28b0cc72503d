package invoices

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
)

// Limits of the CLI imports.
const (
	// MaxImportSize is the largest import file accepted; bigger exports are split.
	MaxImportSize = 64 << 20
	// MaxPDFSize is the largest supplied invoice PDF accepted.
	MaxPDFSize = 20 << 20
	// maxLine is the longest JSON line (an invoice with many items).
	maxLine = 1 << 20
	// maxReported caps the line errors printed; the rest are counted.
	maxReported = 100
)

// LineError is a problem with one line of an import file.
type LineError struct {
	Line int
	Msg  string
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// decimal is a number of a JSON import, given or not, held as an integer scaled by
// 10^scale.
type decimal struct {
	v   int64
	set bool
}

func (d *decimal) read(b []byte, scale int) error {
	v, err := decimalJSON(b, scale)
	d.v, d.set = v, err == nil
	return err
}

// amount is money in a JSON import: a number or a string with up to two decimals
// ("413.22", 413.22, "413,22"), read exactly into minor units, never through a float.
type amount struct{ decimal }

func (a *amount) UnmarshalJSON(b []byte) error { return a.read(b, 2) }

// quantity is a quantity with up to three decimals, held in thousandths.
type quantity struct{ decimal }

func (q *quantity) UnmarshalJSON(b []byte) error { return q.read(b, 3) }

func decimalJSON(b []byte, scale int) (int64, error) {
	s := strings.TrimSpace(string(b))
	if len(s) >= 2 && s[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return 0, err
		}
	}
	return parseDecimal(strings.TrimSpace(s), scale)
}

// parseDecimal reads "-1234.5" with at most scale decimals into an integer scaled by
// 10^scale. Exponents, thousands separators and extra decimals are refused rather
// than rounded, so that no amount changes silently.
func parseDecimal(s string, scale int) (int64, error) {
	orig := s
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if whole == "" || len(whole) > 13 || len(frac) > scale || !digits(whole) || (frac != "" && !digits(frac)) {
		return 0, fmt.Errorf("%q is not a number with at most %d decimals", orig, scale)
	}
	var v int64
	for _, r := range whole + frac + strings.Repeat("0", scale-len(frac)) {
		v = v*10 + int64(r-'0')
	}
	if neg {
		v = -v
	}
	return v, nil
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func parseDay(field, s string, required bool) (time.Time, error) {
	if s == "" {
		if required {
			return time.Time{}, fmt.Errorf("%s is required (YYYY-MM-DD)", field)
		}
		return time.Time{}, nil
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return t, fmt.Errorf("%s %q: not a date YYYY-MM-DD", field, s)
	}
	return t, nil
}

// openImport opens an import file after checking its size, so a huge file is refused
// with a clear message before anything is read.
func openImport(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	if st.Size() > MaxImportSize {
		return nil, fmt.Errorf("%s is %.1f MB, over the %d MB import limit: split it into smaller files",
			path, float64(st.Size())/(1<<20), MaxImportSize>>20)
	}
	return os.Open(path)
}

// eachLine calls fn with every non-blank, non-comment line of r (JSON lines), with
// its 1-based line number; a CSV file's rows come as JSON objects (import_csv.go).
func eachLine(r io.Reader, fields []string, fn func(line int, b []byte)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if isCSV(br) {
		return eachCSVRow(br, fields, fn)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 || b[0] == '#' {
			continue
		}
		fn(n, b)
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return LineError{n + 1, fmt.Sprintf("longer than %d bytes", maxLine)}
	}
	return sc.Err()
}

// decodeStrict decodes one JSON object and refuses unknown fields (a misspelt field
// would otherwise be silently dropped) and trailing data.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return errors.New("more than one JSON value on the line")
	}
	return nil
}

// lineKeys are the fields every import line has: the id that makes a repeated import
// update instead of duplicate, and the client the row belongs to.
type lineKeys struct {
	ExternalID       string `json:"external_id"`
	Client           string `json:"client"`
	ClientExternalID string `json:"client_external_id"`
}

func (k *lineKeys) keys() *lineKeys { return k }

// eachRecord decodes every line of r into a fresh L, makes the checks all imports
// share (strict JSON, a unique external_id, a known client) and hands the line and
// its client to fn. A failed check or an error of fn is that line's LineError.
func eachRecord[L any, P interface {
	*L
	keys() *lineKeys
}](ctx context.Context, q core.Querier, r io.Reader, fn func(n int, l P, cl core.Client) error) ([]LineError, error) {
	var errs []LineError
	seen := map[string]int{} // external_id -> line, which starts at 1
	err := eachLine(r, jsonFields(reflect.TypeFor[L]()), func(n int, b []byte) {
		l := P(new(L))
		k := l.keys()
		err := decodeStrict(b, l)
		switch {
		case err != nil:
		case strings.TrimSpace(k.ExternalID) == "":
			err = errors.New("external_id is required (it makes a repeated import update instead of duplicate)")
		case seen[k.ExternalID] > 0:
			err = fmt.Errorf("external_id %q already used on line %d", k.ExternalID, seen[k.ExternalID])
		default:
			seen[k.ExternalID] = n
			var cl core.Client
			if cl, err = clientRef(ctx, q, strings.TrimSpace(k.Client), strings.TrimSpace(k.ClientExternalID)); err == nil {
				err = fn(n, l, cl)
			}
		}
		if err != nil {
			errs = append(errs, LineError{n, err.Error()})
		}
	})
	// A line that ends the reading (too long, a broken CSV row) is reported after the
	// rows refused before it, not instead of them.
	var le LineError
	if errors.As(err, &le) {
		return append(errs, le), nil
	}
	return errs, err
}

// countNew counts a row about to be saved as new, or as updated when table already
// holds its external id.
func countNew(ctx context.Context, tx *sql.Tx, table, externalID string, res *ImportResult) error {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM `+table+` WHERE external_id = ?`, externalID).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		res.New++
	case err != nil:
		return err
	default:
		res.Updated++
	}
	return nil
}

// importFile parses an import command's flags, which may follow the FILE, and returns
// its one FILE; usage is the command's Usage.
func importFile(fs *flag.FlagSet, args []string, usage string) (string, error) {
	pos, err := app.Positional(fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		return "", errors.New("usage: portal " + fs.Name() + " " + usage)
	}
	return pos[0], nil
}

// runImport opens file (after its size check) and imports it with imp; line errors are
// printed and fail the command, nothing being stored.
func runImport(cio app.IO, file string, imp func(r io.Reader) (ImportResult, []LineError, error)) (ImportResult, error) {
	f, err := openImport(file)
	if err != nil {
		return ImportResult{}, err
	}
	defer f.Close()
	res, lerrs, err := imp(f)
	if len(lerrs) > 0 {
		return res, reportErrors(cio.Err, file, lerrs)
	}
	if err != nil {
		return res, fmt.Errorf("%s: %w", file, err)
	}
	return res, nil
}

// clientRef resolves a client by number or external id.
func clientRef(ctx context.Context, q core.Querier, number, externalID string) (core.Client, error) {
	switch {
	case number != "":
		c, err := core.ClientByNumber(ctx, q, number)
		if errors.Is(err, core.ErrNotFound) {
			return c, fmt.Errorf("client %q not found", number)
		}
		return c, err
	case externalID != "":
		var id int64
		err := q.QueryRowContext(ctx, `SELECT id FROM clients WHERE external_id = ?`, externalID).Scan(&id)
		if err != nil {
			return core.Client{}, fmt.Errorf("client with external id %q not found", externalID)
		}
		return core.ClientByID(ctx, q, id)
	}
	return core.Client{}, errors.New(`"client" (number) or "client_external_id" is required`)
}

// reportErrors prints line errors (at most maxReported) and returns the error that
// makes the command fail.
func reportErrors(w io.Writer, file string, errs []LineError) error {
	for i, e := range errs {
		if i == maxReported {
			fmt.Fprintf(w, "... and %d more\n", len(errs)-maxReported)
			break
		}
		fmt.Fprintf(w, "%s: %v\n", file, e)
	}
	return fmt.Errorf("%s: %d malformed row(s); nothing was imported", file, len(errs))
}
