package usage

import (
	"bufio"
	"context"
	"encoding/csv"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
)

// csvTimeout bounds one export: a million records take seconds to write, a client
// that stops reading must not hold the writer for ever. csvWriteWindow is how long
// the client may take to read each batch: the server's WriteTimeout (60 s) counts
// from the start of a response and would cut a long export off in the middle, so the
// connection's deadline moves on with every batch written.
const (
	csvTimeout     = 30 * time.Minute
	csvWriteWindow = 60 * time.Second
)

// exportCSV streams the records of the filter as CSV. The body is written after the
// handler returns, in batches of csvBatch records read by keyset (store.Each), so the
// server's memory stays flat whatever the number of rows and no database connection
// waits on a slow reader.
func (m *Module) exportCSV(c *fiber.Ctx) error {
	ctx, q, clientID := c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c)
	services := m.services(ctx, q, clientID)
	f := readForm(c, m.d.Now(), services)
	if len(f.Errors) > 0 {
		return fiber.ErrBadRequest
	}
	cols, err := m.columnsFor(c, detailColumns)
	if err != nil {
		return err
	}
	header, cells := csvColumns(cols.Col, names(services))
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="usage-`+f.From+`-`+f.To+`.csv"`)
	c.Set(fiber.HeaderCacheControl, "no-store")
	log, conn := m.d.Log, c.Context().Conn()
	extend := func() {
		if conn != nil {
			_ = conn.SetWriteDeadline(time.Now().Add(csvWriteWindow))
		}
	}
	c.Context().SetBodyStreamWriter(func(bw *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), csvTimeout)
		defer cancel()
		w := csv.NewWriter(bw)
		_ = w.Write(header)
		rows, line := 0, make([]string, len(cells))
		err := Each(ctx, q, clientID, f.Filter, csvBatch, func(r Record) error {
			for i, cell := range cells {
				line[i] = cell(r)
			}
			err := w.Write(line)
			if rows++; rows%csvBatch == 0 {
				extend()
				w.Flush()
				if err == nil {
					err = bw.Flush() // a client that went away ends the export here
				}
			}
			return err
		})
		w.Flush()
		if err == nil {
			err = w.Error()
		}
		if err != nil {
			log.Warn("usage: CSV export stopped", "rows", rows, "err", err)
		}
	})
	return nil
}

// csvColumns is the export's header and cells: the Detailed list's columns that the
// subscriber sees (those staff offer, less the ones they hid), so a file never holds
// what the page would not show. The unit goes with the quantity and the currency with
// the rate or the cost, which would not read without them.
func csvColumns(shown map[string]bool, n map[int64]string) ([]string, []func(Record) string) {
	var header []string
	var cells []func(Record) string
	add := func(name string, cell func(Record) string) {
		header, cells = append(header, name), append(cells, cell)
	}
	if shown["time"] {
		add("time", func(r Record) string { return r.At.Local().Format(time.RFC3339) })
	}
	if shown["service"] {
		add("service", func(r Record) string { return serviceName(n, r.ServiceID) })
	}
	if shown["type"] {
		add("type", func(r Record) string { return r.Type })
	}
	if shown["destination"] {
		add("destination", func(r Record) string { return r.Destination })
	}
	if shown["quantity"] {
		add("quantity", func(r Record) string { return strconv.FormatInt(r.Quantity, 10) })
		add("unit", func(r Record) string { return r.Unit })
	}
	if shown["rate"] {
		add("rate", func(r Record) string { return r.Rate })
	}
	if shown["cost"] {
		add("cost", func(r Record) string { return decimal(r.Cost) })
	}
	if shown["rate"] || shown["cost"] {
		add("currency", func(r Record) string { return r.Currency })
	}
	if shown["external_id"] {
		add("external_id", func(r Record) string { return r.ExternalID })
	}
	return header, cells
}

// decimal writes minor units as a decimal number of major units ("-1.05").
func decimal(minor int64) string {
	sign := ""
	u := uint64(minor)
	if minor < 0 {
		sign, u = "-", -u
	}
	frac := strconv.FormatUint(u%100, 10)
	if len(frac) == 1 {
		frac = "0" + frac
	}
	return sign + strconv.FormatUint(u/100, 10) + "." + frac
}
