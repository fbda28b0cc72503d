package notify

import (
	"testing"
)

func TestAPIPreferencesAndAnnounce(t *testing.T) {
	f := newFixture(t)
	a := f.env.API()
	sid := a.Admin()
	var got PrefsOut
	a.Call(sid, "notify.preferences.get", map[string]any{"client_id": f.c1}).OK(t, &got)
	if got.Saved || got.QuietFrom != "22:00" || len(got.On) != 5 {
		t.Fatalf("defaults %+v", got)
	}
	a.Call(sid, "notify.preferences.set", map[string]any{"client_id": f.c1, "on": []string{"payment.sms"}, "quiet_from": "25:00", "quiet_to": "07:00"}).
		Refused(t, "invalid", "quiet_from")
	a.Call(sid, "notify.preferences.set", map[string]any{"client_id": f.c1, "on": []string{"payment.fax"}, "quiet_from": "22:00", "quiet_to": "07:00"}).
		Refused(t, "invalid", "on")
	a.Call(sid, "notify.preferences.set", map[string]any{"client_id": 999999, "on": []string{}, "quiet_from": "22:00", "quiet_to": "07:00"}).
		Refused(t, "not_found")
	if prefsOf(t, f, f.c1).Saved {
		t.Fatal("refused calls stored prefs")
	}
	a.Call(sid, "notify.preferences.set", map[string]any{"client_id": f.c1, "on": []string{"outage.sms", "outage.email"}, "quiet_from": "0:00", "quiet_to": "0:00"}).OK(t, &got)
	a.Call(sid, "notify.preferences.get", map[string]any{"client_id": f.c1}).OK(t, &got)
	if !got.Saved || len(got.On) != 2 || got.QuietFrom != "00:00" {
		t.Fatalf("after set %+v", got)
	}
	var res AnnounceResult
	call := map[string]any{"external_id": "OUT-1", "audience": "client", "client_id": f.c1, "title": "Outage in Brno", "text": "Fibre cut; repair under way."}
	a.Call(sid, "notify.announce", call).OK(t, &res)
	if !res.Created || res.Clients != 1 {
		t.Fatalf("announce %+v", res)
	}
	a.Call(sid, "notify.announce", call).OK(t, &res) // a retried call sends nothing more
	if res.Created {
		t.Fatalf("retry %+v", res)
	}
	a.Call(sid, "notify.announce", map[string]any{"audience": "group", "group_id": 0, "title": "x", "text": "y"}).Refused(t, "invalid", "audience")
	if msgs := f.deliverMail(t); len(msgs) != 1 || msgs[0].Subject != "Outage in Brno" {
		t.Fatalf("mails %+v", msgs)
	}
	if texts := f.deliverSMS(t); len(texts) != 1 || texts[0] != "Outage in Brno" {
		t.Fatalf("SMS %q", texts)
	}
	if n := f.env.Count(`SELECT COUNT(*) FROM audit_log WHERE action IN ('api.notify.announce', 'api.notify.preferences.set') AND ip <> ''`); n != 3 { // set, announce and its retry
		t.Fatalf("%d API audit entries", n)
	}
}
