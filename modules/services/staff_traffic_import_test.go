package services_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/services"
)

// TestStaffTrafficImportUpload: staff upload the traffic CSV the CLI imports and get
// the same report: rows read, stored, duplicates, and each skipped line with its
// reason; a broken header stores nothing; hostile names and wrong files are refused
// safely; every upload is audited.
func TestStaffTrafficImportUpload(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, services.New, admin.New)
	cid := env.AddClient("5101", 0)
	env.Tx(func(tx *sql.Tx) error {
		ctx, now := context.Background(), env.Clock.Now()
		tar, err := services.SaveTariff(ctx, tx, services.Tariff{Name: "Optika 300", Kind: services.KindInternet, Price: 59900}, now)
		if err != nil {
			return err
		}
		_, err = services.SaveService(ctx, tx, services.Service{ClientID: cid, TariffID: tar, Name: "Internet", ExternalID: "ext-net"}, now)
		return err
	})
	now := env.Clock.Now()
	ts := func(d time.Duration) string { return now.Add(d).UTC().Format(time.RFC3339) }
	csv := strings.Join([]string{
		"service,timestamp,bytes_down,bytes_up",
		"ext-net," + ts(-20*time.Minute) + ",1000000,100000",
		"ext-net,yesterday,5,5",
		"nosuch," + ts(-10*time.Minute) + ",1,1",
		"ext-net," + ts(-5*time.Minute) + ",2000000,200000",
		"",
	}, "\n")
	boss := env.StaffBrowserAs("boss", core.RoleAdmin)
	page := "/admin/traffic/import"
	boss.Get(page).Expect(t, 200, "Import traffic counters", `enctype="multipart/form-data"`)
	boss.Upload(page, nil, "file", "counters.csv", []byte(csv)).
		Expect(t, 422, "<dt>Rows read</dt><dd>4</dd>", "<dt>Stored</dt><dd>2</dd>", "<dt>Skipped</dt><dd>2</dd>",
			`<td class="num">3</td>`, `<td class="num">4</td>`, "nosuch").Lacks(t, "Nothing was imported")
	boss.Upload(page, nil, "file", "counters.csv", []byte(csv)).Expect(t, 422, "<dt>Duplicates ignored</dt><dd>2</dd>")

	// A broken header: nothing stored, the CLI's reason shown; hostile names escaped.
	boss.Upload(page, nil, "file", "a<img src=x onerror=alert(1)>\u202evsc.csv", []byte("who,when\nx,y\n")).
		Expect(t, 422, "CSV header must name service,timestamp,bytes_down,bytes_up", "Nothing was imported", "&lt;img src=x").
		Lacks(t, "<img src=x", "\u202e")
	boss.Upload(page, nil, "file", "photo.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00")).Expect(t, 422, "CSV header must name")
	boss.Upload(page, nil, "file", "", nil).Expect(t, 422, "This field is required.")
	boss.Header.Set("Accept-Language", "cs")
	boss.Upload(page, nil, "file", "prazdny.csv", nil).Expect(t, 422, "Soubor je prázdný.")
	boss.Upload(page, nil, "file", "counters.csv", []byte(csv)).Expect(t, 422, "Import čítačů provozu", "Načtené řádky", "Přeskočeno")
	if n := env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'traffic.import' AND actor = 'staff:boss' AND ip <> ''`); n != 5 {
		t.Fatalf("traffic imports audited %d times, want 5", n)
	}
	ro := env.StaffBrowser(core.RoleReadOnly)
	ro.Get(page).Expect(t, 403)
	ro.Upload(page, nil, "file", "counters.csv", []byte(csv)).Expect(t, 403)
}
