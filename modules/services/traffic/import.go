package traffic

import (
	"cmp"
	"context"
	"io"
	"slices"
)

// MaxImportErrors caps the line errors an ImportResult keeps; the rest are
// only counted, so a file of garbage cannot exhaust memory.
const MaxImportErrors = 1000

// ImportResult summarises ImportCSV.
type ImportResult struct {
	// Rows is the number of data rows read (header excluded).
	Rows       int
	Accepted   int
	Duplicates int
	// Errors lists skipped rows, both unparsable ones and samples Ingest
	// rejected, by line; at most MaxImportErrors of them.
	Errors []LineError
	// ErrorCount counts all skipped rows, including those not listed.
	ErrorCount int
}

// ImportCSV reads counter samples from CSV with the header
// "service,timestamp,bytes_down,bytes_up": service is a reference that
// resolve maps to a service ID (for example a login or service number),
// timestamp is RFC 3339 or Unix seconds, and the byte columns are the
// cumulative counters.
//
// Malformed rows (wrong column count, bad or negative number, bad time,
// unknown service, broken quoting) are skipped and reported as LineErrors
// while the good rows are kept, so one bad line does not block a large
// import. The error is non-nil only when reading cannot go on: an I/O
// error, a bad header or a line longer than MaxCSVLine.
//
// The samples are ingested in batches of batchSize (default 10,000), each in
// its own transaction, so a file of any size needs only one batch in memory.
// If it fails half-way, the batches before stay stored; importing the same
// file again is safe because duplicates are ignored.
func ImportCSV(ctx context.Context, store *Store, r io.Reader, resolve func(ref string) (int64, bool), batchSize int) (ImportResult, error) {
	var res ImportResult
	if batchSize <= 0 {
		batchSize = 10_000
	}
	sc, err := newCSVScanner(r, resolve)
	if err != nil {
		return res, err
	}
	batch := make([]Sample, 0, batchSize)
	lines := make([]int, 0, batchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		ir, err := store.Ingest(ctx, batch)
		if err != nil {
			return err
		}
		res.Accepted += ir.Accepted
		res.Duplicates += ir.Duplicates
		for _, rej := range ir.Rejected {
			res.addError(LineError{lines[rej.Index], rej.Reason})
		}
		batch, lines = batch[:0], lines[:0]
		return nil
	}
	for {
		smp, line, lerr, err := sc.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if ferr := flush(); ferr != nil {
				return res, ferr
			}
			return res, err
		}
		res.Rows++
		if lerr != nil {
			res.addError(*lerr)
			continue
		}
		batch = append(batch, smp)
		lines = append(lines, line)
		if len(batch) == batchSize {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	err = flush()
	// Ingest rejections arrive per batch, after that batch's parse errors.
	slices.SortStableFunc(res.Errors, func(a, b LineError) int { return cmp.Compare(a.Line, b.Line) })
	return res, err
}

func (r *ImportResult) addError(e LineError) {
	r.ErrorCount++
	if len(r.Errors) < MaxImportErrors {
		r.Errors = append(r.Errors, e)
	}
}
