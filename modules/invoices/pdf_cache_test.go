package invoices

import (
	"container/list"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
)

func TestPDFCacheKeyFollowsContent(t *testing.T) {
	inv := Invoice{ID: 1, Number: "2026001", AmountVAT: 12100}
	cl := core.Client{ID: 1, Name: "Jana"}
	g := core.InvoiceGroup{ID: 1, Name: "NetWave"}
	day := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	k := pdfKey(inv, cl, g, "cs", day)
	if k != pdfKey(inv, cl, g, "cs", day.Add(time.Hour)) {
		t.Error("the same day should reuse the PDF")
	}
	changed := inv
	changed.AmountVAT = 12200
	for name, other := range map[string][32]byte{
		"amount":   pdfKey(changed, cl, g, "cs", day),
		"language": pdfKey(inv, cl, g, "en", day),
		"day":      pdfKey(inv, cl, g, "cs", day.AddDate(0, 0, 1)),
		"supplier": pdfKey(inv, cl, core.InvoiceGroup{ID: 1, Name: "Other"}, "cs", day),
	} {
		if other == k {
			t.Errorf("a changed %s reuses the old PDF", name)
		}
	}
}

func TestPDFCacheEvictsOldest(t *testing.T) {
	c := &pdfCache{order: list.New(), byKey: map[[32]byte]*list.Element{}, data: map[[32]byte][]byte{}}
	key := func(i int) [32]byte {
		return pdfKey(Invoice{ID: int64(i)}, core.Client{}, core.InvoiceGroup{}, "en", time.Time{})
	}
	for i := 0; i <= pdfCacheSize; i++ {
		c.put(key(i), []byte{byte(i)})
	}
	if _, ok := c.get(key(0)); ok {
		t.Error("the oldest PDF was kept beyond the size bound")
	}
	if b, ok := c.get(key(pdfCacheSize)); !ok || b[0] != byte(pdfCacheSize) {
		t.Error("the newest PDF is missing")
	}
	if c.order.Len() != pdfCacheSize {
		t.Errorf("cache holds %d PDFs, want %d", c.order.Len(), pdfCacheSize)
	}
}
