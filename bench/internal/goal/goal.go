// Package goal holds what bench/load and bench/push share of issue 25's targets:
// a target with its figure, and how the run prints them.
package goal

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
)

// Target is one target with its figure, as written to the JSON report.
type Target struct {
	Name   string  `json:"name"`
	Figure float64 `json:"figure"`
	Limit  float64 `json:"limit"`
	Unit   string  `json:"unit"`
	Met    bool    `json:"met"`
}

// Num prints a figure with three significant digits, whole numbers from 1,000 up.
func Num(v float64) string {
	if v >= 1000 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// Word is "met" or "missed".
func Word(ok bool) string {
	if ok {
		return "met"
	}
	return "missed"
}

// Print writes the targets, one a line, each figure beside its limit and verdict.
func Print(w io.Writer, title string, targets []Target) {
	fmt.Fprintln(w, title)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, t := range targets {
		fmt.Fprintf(tw, "  %s\t%s %s\t(limit %s)\t%s\n", t.Name, Num(t.Figure), t.Unit, Num(t.Limit), Word(t.Met))
	}
	tw.Flush()
}
