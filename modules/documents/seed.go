package documents

import (
	"bytes"
	"context"
	"database/sql"
	"errors"

	"github.com/go-pdf/fpdf"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
)

var demoDocs = []struct {
	ext, title, kind, file string
	visible                bool
	days                   int // age in days
}{
	{"demo-1001-contract", "Contract for Internet services", KindContract, "contract-1001.pdf", true, 400},
	{"demo-1001-annex", "Annex No. 1 – speed upgrade", KindAnnex, "annex-1-1001.pdf", true, 120},
	{"demo-1001-internal", "Installation protocol (internal)", KindOther, "protocol-1001.pdf", false, 399},
}

// seed gives demo client 1001 a contract and an annex shown in the portal and one
// hidden document, each a small real PDF in the data directory.
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	cid := env.ClientIDs[app.DemoClientNumber]
	if cid == 0 {
		return nil
	}
	for _, dd := range demoDocs {
		if _, err := DocumentByExternalID(ctx, tx, dd.ext); err == nil {
			continue
		} else if !errors.Is(err, core.ErrNotFound) {
			return err
		}
		pdf, err := DemoPDF(dd.title, "Client 1001 - NetWave s.r.o.")
		if err != nil {
			return err
		}
		s, err := blob.Save(ctx, tx, env.DataDir, StoreDir, bytes.NewReader(pdf))
		if err != nil {
			return err
		}
		date := env.Now.AddDate(0, 0, -dd.days)
		if _, err := SaveDocument(ctx, tx, Document{ExternalID: dd.ext, ClientID: cid, Title: dd.title, Kind: dd.kind,
			Date: date, FileName: dd.file, StoredPath: s.Path, Size: s.Size, ContentType: s.ContentType,
			Visible: dd.visible}, env.Now); err != nil {
			return err
		}
	}
	return nil
}

// DemoPDF makes a one-page PDF with a heading and a line of text (ASCII only: the
// core fonts have no Czech letters), for demo data and tests.
func DemoPDF(title, line string) ([]byte, error) {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetTitle(title, true)
	p.AddPage()
	p.SetFont("Helvetica", "B", 16)
	tr := p.UnicodeTranslatorFromDescriptor("")
	p.Cell(0, 10, tr(title))
	p.Ln(12)
	p.SetFont("Helvetica", "", 11)
	p.MultiCell(0, 6, tr(line), "", "", false)
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
