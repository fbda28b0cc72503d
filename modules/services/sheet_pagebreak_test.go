package services

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ledongthuc/pdf"
)

// A row never splits across pages: its label and its value are printed on the same
// page, even a value that wraps over several lines near the page's end.
func TestSheetRowsStayOnOnePage(t *testing.T) {
	svc := Service{Name: "Internet", Kind: "internet", State: "active", Tariff: Tariff{Name: "Optika", Currency: "CZK"}}
	for i := range 80 {
		v := fmt.Sprintf("VAL%02d", i)
		if i%7 == 3 {
			v += strings.Repeat(" wrapped words", 30) // three or four lines
		}
		svc.Params = append(svc.Params, Param{Name: fmt.Sprintf("LBL%02d", i), Value: v})
	}
	var buf bytes.Buffer
	err := WriteSheet(&buf, SheetInput{Client: core.Client{Name: "Jana", Number: "1001"}, Services: []Service{svc},
		Lang: "cs", T: func(key string, _ ...any) string { return key }, Now: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	r, err := pdf.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if r.NumPage() < 3 {
		t.Fatalf("%d pages: the test needs rows near several page ends", r.NumPage())
	}
	pageOf := map[string]int{}
	for p := 1; p <= r.NumPage(); p++ {
		text, err := r.Page(p).GetPlainText(nil)
		if err != nil {
			t.Fatal(err)
		}
		text = squash(text)
		for i := range 80 {
			for _, k := range []string{fmt.Sprintf("LBL%02d", i), fmt.Sprintf("VAL%02d", i)} {
				if strings.Contains(text, k) {
					pageOf[k] = p
				}
			}
		}
	}
	for i := range 80 {
		l, v := pageOf[fmt.Sprintf("LBL%02d", i)], pageOf[fmt.Sprintf("VAL%02d", i)]
		if l == 0 || l != v {
			t.Errorf("row %d: label on page %d, value on page %d", i, l, v)
		}
	}
}
