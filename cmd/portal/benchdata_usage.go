package main

import (
	"database/sql"
	"fmt"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/modules/rates"
	"github.com/ispportal/portal/modules/services"
	"github.com/ispportal/portal/settings"
)

// The usage and rates part of the bench data set (issue 20): the first bench client
// holds a million usage records (the Detailed page's figure), every other client a
// few; a general price list and one for the VoIP tariff; a VoIP service with an
// external id for bench/push to push a million more records to, with the API account
// that pushes them; and the dashboard switched on.
const (
	benchHeavyUsage   = 1_000_000 // records of the first bench client (at most benchHeavyPer a client of the set)
	benchHeavyPer     = 100       // so the test's 100-client set has 10,000
	benchUsagePer     = 20        // records of every other client
	benchUsageDays    = 365
	benchRates        = 2000 // destinations of each price list
	benchPushService  = "bench-push-voip"
	benchPushClient   = 2 // index of the client holding benchPushService
	benchAPILogin     = "bench-api"
	benchAPIUserRoles = core.RoleAPI
)

var benchDestinations = []struct{ prefix, name string }{{"420", "Czech Republic"}, {"421", "Slovakia"}, {"49", "Germany"},
	{"43", "Austria"}, {"48", "Poland"}, {"44", "United Kingdom"}, {"33", "France"}, {"39", "Italy"}, {"34", "Spain"}, {"1", "USA"}}

// usagePhase writes the usage records with the bulk writer, the first service of
// each client carrying them.
func (g *benchGen) usagePhase(tx *sql.Tx) error {
	ctx := g.ctx
	first := map[int64]int64{}
	rows, err := tx.QueryContext(ctx, `SELECT client_id, MIN(id) FROM services GROUP BY client_id`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c, s int64
		if err := rows.Scan(&c, &s); err != nil {
			rows.Close()
			return err
		}
		first[c] = s
	}
	rows.Close()
	b, err := newBulk(ctx, tx, "usage_records", "external_id", "client_id", "service_id", "at", "type", "destination",
		"quantity", "unit", "rate", "cost", "currency")
	if err != nil {
		return err
	}
	start := g.now.AddDate(0, 0, -benchUsageDays).Unix()
	span := g.now.Unix() - start
	for i, c := range g.clients {
		n := benchUsagePer
		if i == 0 {
			n = min(benchHeavyUsage, benchHeavyPer*g.size)
		}
		for k := 0; k < n; k++ {
			d := benchDestinations[g.rnd.Intn(len(benchDestinations))]
			secs := int64(5 + g.rnd.Intn(900))
			per := int64(39 + g.rnd.Intn(300)) // haléř a minute
			at := start + int64(k)*span/int64(n) + g.rnd.Int63n(60)
			if err := b.add(fmt.Sprintf("bench-u-%d-%d", c.id, k), c.id, first[c.id], at, "call",
				fmt.Sprintf("+%s %09d %s", d.prefix, g.rnd.Intn(1_000_000_000), d.name), secs, "s",
				fmt.Sprintf("%d.%02d", per/100, per%100), (secs*per+59)/60, "CZK"); err != nil {
				return err
			}
		}
	}
	return b.close()
}

// ratesPhase writes a general price list and one for the VoIP tariff, the API
// account and the VoIP service bench/push pushes to, and turns the dashboard on.
func (g *benchGen) ratesPhase(tx *sql.Tx) error {
	ctx := g.ctx
	for _, l := range []rates.List{
		{ExternalID: "bench-pl-general", Name: "International calls", Currency: "CZK"},
		{ExternalID: "bench-pl-voip", Name: "VoIP calls", TariffExternalID: "bench-t8", Currency: "CZK"},
	} {
		id, _, err := rates.SaveList(ctx, tx, l, g.now)
		if err != nil {
			return err
		}
		w, err := rates.NewRateWriter(ctx, tx)
		if err != nil {
			return err
		}
		for k := 0; k < benchRates; k++ {
			d := benchDestinations[k%len(benchDestinations)]
			if err := w.Put(ctx, id, rates.Rate{Prefix: fmt.Sprintf("%s%d", d.prefix, 100+k), Destination: fmt.Sprintf("%s zone %d", d.name, k),
				Price: int64(100_000 + g.rnd.Intn(5_000_000)), FirstIncrement: 60, NextIncrement: 1,
				EffectiveFrom: g.now.AddDate(0, -1, 0).Format("2006-01-02")}); err != nil {
				w.Close()
				return err
			}
		}
		w.Close()
	}
	voip := g.tariffs[len(g.tariffs)-1]
	if _, err := services.SaveService(ctx, tx, services.Service{ExternalID: benchPushService, ClientID: g.clients[benchPushClient].id,
		TariffID: voip.ID, Kind: voip.Kind, Name: "VoIP (API push)"}, g.now); err != nil {
		return err
	}
	h, err := password.Hash(benchPassword)
	if err != nil {
		return err
	}
	if _, err := core.SaveStaff(ctx, tx, core.Staff{Login: benchAPILogin, Name: "Bench API", Role: benchAPIUserRoles, PasswordHash: h, Active: true},
		core.Now(g.now)); err != nil {
		return err
	}
	return g.d.Settings.SetTx(ctx, tx, settings.DisplayDashboard.Key, 0, "1", "bench-data")
}
