package app

import (
	"bytes"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/klauspost/compress/gzip"
)

// compressMin is the smallest answer worth compressing. Compression saves bandwidth,
// and time only where it saves a round trip: a new connection sends 10 segments of
// about 1,460 bytes before it waits for an acknowledgement (RFC 6928), so an answer
// that fits there with its headers and TLS framing arrives in the first round trip
// compressed or not. Below this size compressing cost the server time and saved the
// subscriber none: on the information page (3.7 KB, 1.4 KB gzipped) gzip took 17 %
// of the request's CPU under load, and skipping it gave 15 % more requests/s.
const compressMin = 12 << 10

// assetCompressMin is the same threshold for theme files, which are compressed once
// and kept: any saving beyond one packet is worth that one-off cost.
const assetCompressMin = 1400

// gzipWriters keeps compressors between answers. A channel rather than a sync.Pool: a
// pool is emptied by every garbage collection, which under load runs every few
// milliseconds, and a new compressor allocates several hundred kilobytes.
var gzipWriters = make(chan *gzip.Writer, 64)

var gzipBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getGzip() *gzip.Writer {
	select {
	case w := <-gzipWriters:
		return w
	default:
		w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
		return w
	}
}

func putGzip(w *gzip.Writer) {
	select {
	case gzipWriters <- w:
	default: // enough kept; let this one go
	}
}

// compressAnswers gzips text answers (pages, CSS, JSON, SVG, CSV) for clients that
// accept it, in the request's own goroutine with pooled writers. Fiber's compress
// middleware does the same through fasthttp, which hands each body to a helper
// goroutine and builds a writer per level; on a 4 KB page that cost 50 µs of CPU,
// three times the compression itself. Answers already encoded (cached assets) and
// streamed files are left alone. An error is rendered by the error handler first, so
// error pages are compressed like any other.
func compressAnswers(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			return herr
		}
	}
	resp := c.Response()
	if resp.IsBodyStream() || len(resp.Header.Peek(fiber.HeaderContentEncoding)) > 0 ||
		!compressible(string(resp.Header.ContentType())) {
		return nil
	}
	body := resp.Body()
	if len(body) < compressMin {
		return nil
	}
	resp.Header.Add(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	if !c.Context().Request.Header.HasAcceptEncoding("gzip") {
		return nil
	}
	buf := gzipBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	zw := getGzip()
	zw.Reset(buf)
	_, err := zw.Write(body)
	if err == nil {
		err = zw.Close()
	}
	putGzip(zw)
	if err == nil {
		resp.SetBody(buf.Bytes()) // copies: the buffer goes back to the pool
		resp.Header.Set(fiber.HeaderContentEncoding, "gzip")
	}
	gzipBuffers.Put(buf)
	return nil
}

func compressible(contentType string) bool {
	ct, _, _ := strings.Cut(contentType, ";")
	ct = strings.TrimSpace(ct)
	switch {
	case strings.HasPrefix(ct, "text/"):
		return true
	case ct == "application/json", ct == "application/javascript", ct == "application/xml", ct == "image/svg+xml":
		return true
	}
	return false
}
