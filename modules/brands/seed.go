package brands

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net"
	"net/url"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/settings"
)

// DemoHost is the demo's second brand's host name: *.localhost resolves to the
// loopback address in browsers and curl, so http://brand2.localhost:9080/ works with
// no hosts entry (or: curl -H 'Host: brand2.localhost' http://127.0.0.1:9080/login).
const DemoHost = "brand2.localhost"

// DemoClients are the demo clients of the second brand.
var DemoClients = []string{"2001", "2002", "2003"}

// seed adds the second brand "FiberNet" on DemoHost: green theme, its own generated
// logo, footer, Czech by default, the SMS section hidden, and three clients.
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM brand_domains WHERE host = ?`, DemoHost).Scan(&n); err != nil || n > 0 {
		return err
	}
	who := Who{Actor: "demo"}
	in := Input{Name: "FiberNet", Domains: []string{DemoHost}, Hidden: m.hiddenIfPresent("sms"),
		CSS: ".top { border-bottom: 4px solid #0a7d3b; }\n.brand-foot { font-weight: 600; }\n",
		Settings: map[string]string{
			settings.SkinTheme.Key:       "green",
			settings.FooterText.Key:      "© FiberNet s.r.o. – fibre for the whole valley",
			settings.DefaultLanguage.Key: "cs",
			settings.SystemMailName.Key:  "FiberNet",
			settings.PortalURL.Key:       demoURL(settings.PortalURL.Get(m.d.Settings)),
		}}
	id, err := Save(ctx, tx, m.d, m.sectionNames(), in, who)
	if err != nil {
		return err
	}
	if err := SetLogo(ctx, tx, m.d, id, KindLogo, bytes.NewReader(demoLogo(color.RGBA{0x0a, 0x7d, 0x3b, 0xff}, 160)), who); err != nil {
		return err
	}
	if err := SetLogo(ctx, tx, m.d, id, KindLoginLogo, bytes.NewReader(demoLogo(color.RGBA{0x0a, 0x7d, 0x3b, 0xff}, 320)), who); err != nil {
		return err
	}
	names := []string{"Tereza Zelená", "Lukáš Vláknový", "Horní Údolí, z. s."}
	for i, number := range DemoClients {
		cid, err := demoClient(ctx, tx, env, number, names[i])
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE clients SET brand_id = ? WHERE id = ?`, id, cid); err != nil {
			return err
		}
	}
	return nil
}

func (m *Module) hiddenIfPresent(name string) []string {
	for _, s := range m.sectionNames() {
		if s == name {
			return []string{name}
		}
	}
	return nil
}

func demoClient(ctx context.Context, tx *sql.Tx, env app.SeedEnv, number, name string) (int64, error) {
	if c, err := core.ClientByNumber(ctx, tx, number); err == nil {
		return c.ID, nil
	} else if !errors.Is(err, core.ErrNotFound) {
		return 0, err
	}
	c := core.Client{ExternalID: "demo-" + number, Number: number, Name: name, Active: true, Country: "CZ", InvCountry: "CZ",
		Email: fmt.Sprintf("client%s@fibernet.example", number), Street: "Údolní 7", City: "Horní Údolí", Postcode: "512 01", Language: "cs"}
	if len(env.GroupIDs) > 0 {
		c.InvoiceGroupID = env.GroupIDs[0]
	}
	c.InvStreet, c.InvCity, c.InvPostcode = c.Street, c.City, c.Postcode
	return core.SaveClient(ctx, tx, c, core.Now(env.Now))
}

// demoURL is the demo's portal address with DemoHost for its host (same scheme and
// port), for the brand's links in mails; "" when the demo has none.
func demoURL(global string) string {
	u, err := url.Parse(global)
	if err != nil || u.Host == "" {
		return ""
	}
	if p := u.Port(); p != "" {
		u.Host = net.JoinHostPort(DemoHost, p)
	} else {
		u.Host = DemoHost
	}
	return u.String()
}

// demoLogo draws a small logo: a coloured bar with three white "fibres".
func demoLogo(c color.RGBA, w int) []byte {
	h := w / 4
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			px := c
			for k := 1; k <= 3; k++ {
				if d := y - k*h/4 - (x*(k-2))/w*h/8; d >= -1 && d <= 1 {
					px = color.RGBA{0xff, 0xff, 0xff, 0xff}
				}
			}
			img.Set(x, y, px)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img) // encoding an in-memory RGBA cannot fail
	return b.Bytes()
}
