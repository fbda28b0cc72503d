package invoices

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
)

// A billing system's export is often a spreadsheet, so the invoice and payment
// imports also read CSV: a header row naming the JSON lines' fields (external_id,
// client, number, issued, due, amount, amount_vat, ...; a payment's date, amount,
// method, ...), then one record per row, separated by commas or, as Czech spreadsheets
// write them, semicolons. Each row becomes the JSON object of those fields, so both
// formats go through the same checks and give the same line errors; an empty cell is
// a field left out. An invoice row carries amount and amount_vat (a CSV row has no
// room for the items).

// isCSV reports whether the file's first line that is not blank or a # comment is
// not a JSON object.
func isCSV(br *bufio.Reader) bool {
	for n := 4096; ; n *= 2 {
		b, err := br.Peek(n)
		for _, line := range bytes.Split(b, []byte("\n")) {
			line = bytes.TrimSpace(bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")))
			if len(line) == 0 || line[0] == '#' {
				continue
			}
			return line[0] != '{'
		}
		if err != nil || n >= maxLine {
			return false // nothing but blank lines and comments: an empty file
		}
	}
}

// eachCSVRow hands fn each data row of a CSV file as a JSON object, with the line the
// row starts on (the header is line 1, as the JSON lines' count would have it).
func eachCSVRow(br *bufio.Reader, fields []string, fn func(line int, b []byte)) error {
	head, _ := br.Peek(3)
	if bytes.Equal(head, []byte("\xef\xbb\xbf")) {
		br.Discard(3) // a spreadsheet's byte order mark
	}
	first, _ := br.Peek(4096) // the header row, to tell the separator
	r := csv.NewReader(br)
	r.Comment = '#'
	if line, _, _ := bytes.Cut(first, []byte("\n")); bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		r.Comma = ';'
	}
	header, err := r.Read()
	if err != nil {
		return csvError(err)
	}
	seen := map[string]bool{}
	for i, h := range header {
		header[i] = strings.ToLower(strings.TrimSpace(h))
		switch {
		case header[i] == "":
			return LineError{1, fmt.Sprintf("column %d of the header row has no name", i+1)}
		case seen[header[i]]:
			return LineError{1, fmt.Sprintf("column %q appears twice in the header row", header[i])}
		case !slices.Contains(fields, header[i]):
			return LineError{1, fmt.Sprintf("unknown column %q: the header row names fields of %s", header[i], strings.Join(fields, ", "))}
		}
		seen[header[i]] = true
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return csvError(err)
		}
		line, _ := r.FieldPos(0)
		obj := map[string]string{}
		for i, v := range rec {
			if v = strings.TrimSpace(v); v != "" {
				obj[header[i]] = v
			}
		}
		b, err := json.Marshal(obj)
		if err != nil {
			return err
		}
		fn(line, b)
	}
}

// jsonFields lists the JSON names of a line type's fields that a CSV cell can hold (a
// list, such as an invoice's items, cannot), embedded structs' fields included.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" && f.Type.Kind() != reflect.Slice {
			out = append(out, name)
		}
	}
	return out
}

// csvError is a CSV reader's error as the line error it is.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		msg := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			msg = "the row has another number of cells than the header row"
		}
		return LineError{pe.StartLine, "CSV: " + msg}
	}
	if errors.Is(err, io.EOF) {
		return LineError{1, "CSV: the header row is missing"}
	}
	return err
}
