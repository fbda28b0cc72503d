package contact

import (
	"context"
	"database/sql"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/settings"
)

// demoBusinessText is the contact text of the second demo invoice group; the default
// text is one of the foundation's demo settings.
const demoBusinessText = `<h2>NetWave Business support</h2><p>Your account manager: Ing. Petra Malá, ` +
	`<a href="tel:+420533111222">+420 533 111 222</a>, non-stop line for outages ` +
	`<a href="tel:+420533111999">+420 533 111 999</a>.</p><p>E-mail: ` +
	`<a href="mailto:business@netwave.example">business@netwave.example</a></p>`

// seed gives the second demo group its own contact text, unless staff set one.
func (m *Module) seed(ctx context.Context, tx *sql.Tx, env app.SeedEnv) error {
	if len(env.GroupIDs) < 2 {
		return nil
	}
	if _, stored := m.d.Settings.Value(settings.ContactText.Def, env.GroupIDs[1]); stored {
		return nil
	}
	return m.d.Settings.SetTx(ctx, tx, settings.ContactText.Key, env.GroupIDs[1], demoBusinessText, "demo")
}
