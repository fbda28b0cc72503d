package invoices

import (
	"container/list"
	"crypto/sha256"
	"fmt"
	"sync"
	"time"

	"github.com/ispportal/portal/internal/core"
)

// pdfCacheSize bounds the generated PDFs kept in memory (each is some tens of kB).
const pdfCacheSize = 64

// pdfCache keeps recently generated invoice PDFs. Building one costs tens of
// milliseconds of CPU (most of it parsing the font), and clients download the same
// invoice repeatedly; the key hashes everything the PDF shows, so an invoice changed
// by a re-import, a moved client or a new supplier address is generated afresh.
type pdfCache struct {
	mu    sync.Mutex
	order *list.List // front = most recent; values are [32]byte keys
	byKey map[[32]byte]*list.Element
	data  map[[32]byte][]byte
}

var generated = &pdfCache{order: list.New(), byKey: map[[32]byte]*list.Element{}, data: map[[32]byte][]byte{}}

func pdfKey(inv Invoice, cl core.Client, g core.InvoiceGroup, lang string, today time.Time) [32]byte {
	return sha256.Sum256([]byte(fmt.Sprintf("%s|%s|%+v|%+v|%+v", lang, today.Format(time.DateOnly), inv, cl, g)))
}

func (c *pdfCache) get(k [32]byte) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return c.data[k], true
}

func (c *pdfCache) put(k [32]byte, pdf []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[k]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.byKey[k] = c.order.PushFront(k)
	c.data[k] = pdf
	for c.order.Len() > pdfCacheSize {
		last := c.order.Back()
		old := last.Value.([32]byte)
		c.order.Remove(last)
		delete(c.byKey, old)
		delete(c.data, old)
	}
}
