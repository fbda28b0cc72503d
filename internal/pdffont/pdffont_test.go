package pdffont

import (
	"bytes"
	"testing"
)

func TestASCII(t *testing.T) {
	if got := ASCII("Příliš žluťoučký kůň – 1\u00a0234,50\u00a0Kč €"); got != "Prilis zlutoucky kun - 1 234,50 Kc ?" {
		t.Fatalf("got %q", got)
	}
}

func TestDocumentWithCzechText(t *testing.T) {
	d := New("P", "mm", "A4")
	d.AddPage()
	d.SetFont(d.Family, "B", 14)
	d.CellFormat(0, 10, "Faktura – daňový doklad č. 2026001", "", 1, "L", false, 0, "")
	d.SetFont(d.Family, "", 10)
	d.MultiCell(0, 5, "Odběratel: Jana Nováková, Vinohradská 12, Praha 2", "", "L", false)
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) || buf.Len() < 500 {
		t.Fatalf("not a PDF (%d bytes)", buf.Len())
	}
	t.Logf("unicode font: %v, %d bytes", load() != nil, buf.Len())
}
