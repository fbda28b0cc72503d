package notify

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/mail/mailtest"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/services"
	"github.com/ispportal/portal/modules/services/traffic"
)

// The services module's FUP scan reports 80 % and then 100 % of a tariff's limit,
// each once per period, however often it runs.
func TestFUPThresholds(t *testing.T) {
	env := testkit.New(t, services.New, New)
	env.Set("ci_display_notifications", "1")
	env.Set("system_mail", "portal@isp.example")
	var svcMod *services.Module
	for _, m := range env.Modules {
		if s, ok := m.(*services.Module); ok {
			svcMod = s
		}
	}
	client := env.AddClient("7101", 0)
	ctx, now := context.Background(), env.Clock.Now()
	var svc int64
	env.Tx(func(tx *sql.Tx) error {
		tariff, err := services.SaveTariff(ctx, tx, services.Tariff{Name: "Fair 1 GB", Kind: services.KindInternet, Price: 19900,
			DownKbit: 50_000, UpKbit: 10_000, FUPLimit: 1_000_000_000, FUPPeriod: services.FUPMonth, FUPDownKbit: 1_000, FUPUpKbit: 512}, now)
		if err != nil {
			return err
		}
		svc, err = services.SaveService(ctx, tx, services.Service{ClientID: client, TariffID: tariff, Name: "Internet chata"}, now)
		return err
	})
	p := Defaults()
	p.Set(TopicFUP80, ChannelEmail, true)
	if err := SavePrefs(ctx, env.Deps.DB, client, p, "test", "", now); err != nil {
		t.Fatal(err)
	}
	// counters of 12 hours up to now: n slots of perSlot bytes down (and a tenth up)
	ingest := func(base uint64, perSlot uint64) uint64 {
		var samples []traffic.Sample
		start := env.Clock.Now().Add(-12 * time.Hour)
		for i := 0; i <= 144; i++ {
			samples = append(samples, traffic.Sample{ServiceID: svc, At: start.Add(time.Duration(i) * 5 * time.Minute),
				Down: base + uint64(i)*perSlot, Up: (base + uint64(i)*perSlot) / 10})
		}
		if _, err := services.TrafficStore(env.Deps).Ingest(ctx, samples); err != nil {
			t.Fatal(err)
		}
		return base + 144*perSlot
	}
	count := func(topic string) int {
		return env.Count(`SELECT COUNT(*) FROM notify_sent WHERE topic = ? AND client_id = ?`, topic, client)
	}
	last := ingest(0, 4_000_000) // 634 MB: under 80 %
	if _, err := svcMod.ScanFUP(ctx); err != nil {
		t.Fatal(err)
	}
	if count(TopicFUP80)+count(TopicFUP100) != 0 {
		t.Fatal("notified under 80 %")
	}
	env.Clock.Advance(6 * time.Hour)
	last = ingest(last, 1_200_000) // about 0.85 GB
	for range 2 {
		if _, err := svcMod.ScanFUP(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if count(TopicFUP80) != 1 || count(TopicFUP100) != 0 {
		t.Fatalf("at 85 %%: fup80 %d, fup100 %d", count(TopicFUP80), count(TopicFUP100))
	}
	env.Clock.Advance(12 * time.Hour)
	ingest(last, 4_000_000)
	for range 2 {
		if _, err := svcMod.ScanFUP(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if count(TopicFUP80) != 1 || count(TopicFUP100) != 1 {
		t.Fatalf("over the limit: fup80 %d, fup100 %d", count(TopicFUP80), count(TopicFUP100))
	}
	srv := mailtest.Start(t)
	if _, _, err := mail.NewWorker(env.Deps.DB, srv.Config, env.Deps.Log, env.Clock.Now).RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 2 || msgs[0].Subject != "You have used 80 % of your data: Internet chata" ||
		msgs[1].Subject != "Your data limit is reached: Internet chata" {
		t.Fatalf("mails %+v", msgs)
	}
}
