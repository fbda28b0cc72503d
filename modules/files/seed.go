package files

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/blob"
	"github.com/ispportal/portal/internal/core"
)

var demoPriceList = `NetWave price list (demo)

Home 100      100/20 Mbit/s    450 CZK per month
Home 300      300/50 Mbit/s    590 CZK per month
Home 1000     1000/200 Mbit/s  790 CZK per month
Public IPv4 address             100 CZK per month
`

var demoBusinessTerms = `NetWave Business - service level terms (demo)

Availability 99.8 % per month, fault response within 4 hours, 24/7 support line.
`

// seed publishes a price list for every client and business terms only for the
// second demo invoice group (Business).
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	demo := []File{
		{ExternalID: "demo-price-list", Title: "Price list", Description: "Current prices of our Internet services.",
			FileName: "price-list.txt"},
	}
	if len(env.GroupIDs) > 1 {
		demo = append(demo, File{ExternalID: "demo-business-sla", Title: "Business service level terms",
			Description: "For business clients only.", FileName: "business-sla.txt", Groups: []int64{env.GroupIDs[1]}})
	}
	texts := map[string]string{"demo-price-list": demoPriceList, "demo-business-sla": demoBusinessTerms}
	for _, f := range demo {
		if _, err := FileByExternalID(ctx, tx, f.ExternalID); err == nil {
			continue
		} else if !errors.Is(err, core.ErrNotFound) {
			return err
		}
		s, err := blob.Save(ctx, tx, env.DataDir, StoreDir, strings.NewReader(texts[f.ExternalID]))
		if err != nil {
			return err
		}
		f.StoredPath, f.Size, f.ContentType = s.Path, s.Size, s.ContentType
		if _, err := SaveFile(ctx, tx, f, env.Now); err != nil {
			return err
		}
	}
	return nil
}
