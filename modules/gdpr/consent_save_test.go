package gdpr

import (
	"context"
	"database/sql"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
)

func TestConsentGiveChangeWithdraw(t *testing.T) {
	f := newFixture(t)
	a := f.env.Browser().LoginAs(f.a)
	a.Header.Set("User-Agent", "TestBrowser/1.0")
	email, sms, phone := f.mk.purposeID("E-mail"), f.mk.purposeID("SMS"), f.mk.purposeID("Phone")

	fm := load(t, a, f.mk.ID)
	if fm != (form{version: "1", seq: "0"}) {
		t.Fatalf("fresh form %+v", fm)
	}
	r := post(a, f.mk.ID, fm, "give", email, sms)
	if r.StatusCode != 303 || r.Header.Get("Location") != "/gdpr/"+itoa(f.mk.ID) {
		t.Fatalf("give: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	a.Get("/gdpr/"+itoa(f.mk.ID)).Expect(t, 200, "your consent to “Marketing” has been recorded", "Given on", "<strong>E-mail</strong>, <strong>SMS</strong>",
		`value="`+email+`" checked`, `value="`+sms+`" checked`, `value="`+phone+`">`, "Save changes", "Withdraw consent")

	f.env.Clock.Advance(10 * time.Minute)
	post(a, f.mk.ID, load(t, a, f.mk.ID), "change", phone).Expect(t, 303)
	a.Get("/gdpr/"+itoa(f.mk.ID)).Expect(t, 200, "has been changed", "Last changed on", "<strong>Phone</strong>")

	f.env.Clock.Advance(10 * time.Minute)
	post(a, f.mk.ID, load(t, a, f.mk.ID), "withdraw").Expect(t, 303)
	a.Get("/gdpr/"+itoa(f.mk.ID)).Expect(t, 200, "has been withdrawn", "Withdrawn on", "Give consent").Lacks(t, "Withdraw consent")

	f.env.Clock.Advance(10 * time.Minute)
	post(a, f.mk.ID, load(t, a, f.mk.ID), "give", sms).Expect(t, 303)

	// The history is complete, in order, and says who, when, what, from where.
	h := history(t, f.env, f.a, f.mk.ID)
	want := []struct {
		action, purposes string
	}{{"given", "E-mail,SMS"}, {"changed", "Phone"}, {"withdrawn", ""}, {"given", "SMS"}}
	if len(h) != len(want) {
		t.Fatalf("%d history rows, want %d", len(h), len(want))
	}
	for i, e := range h {
		if e.Seq != i+1 || e.Action != want[i].action || strings.Join(e.Purposes, ",") != want[i].purposes || e.Version != 1 ||
			e.IP != "192.0.2.10" || e.UserAgent != "TestBrowser/1.0" || e.Actor != "client" ||
			!e.At.Equal(time.Date(2026, 11, 2, 10, 10*i, 0, 0, time.UTC)) {
			t.Fatalf("row %d: %+v", i, e)
		}
	}
	// The page lists the history too, and the audit log has each action.
	a.Get("/gdpr/"+itoa(f.mk.ID)).Expect(t, 200, "Consent given", "Consent changed", "Consent withdrawn")
	audit, _ := core.AuditList(context.Background(), f.env.Deps.DB.R, core.AuditFilter{Action: "gdpr.", ClientID: f.a})
	if len(audit) != 4 || audit[0].Actor != "client:7001" {
		t.Fatalf("audit %+v", audit)
	}
	// Client B's page shows none of it.
	f.env.Browser().LoginAs(f.b).Get("/gdpr/"+itoa(f.mk.ID)).Expect(t, 200, "Not given").Lacks(t, "Consent given", "Phone</strong>")
}

func TestConsentReplayAndStaleRefused(t *testing.T) {
	f := newFixture(t)
	a := f.env.Browser().LoginAs(f.a)
	email, sms := f.mk.purposeID("E-mail"), f.mk.purposeID("SMS")
	fm := load(t, a, f.mk.ID)
	post(a, f.mk.ID, fm, "give", email).Expect(t, 303)

	cases := []struct {
		name   string
		form   form
		action string
		ids    []string
		status int
		msg    string
	}{
		{"replayed give", fm, "give", []string{email}, 409, "form was sent twice"},
		{"stale change from the old form", fm, "change", []string{sms}, 409, "nothing was changed now"},
		{"withdraw from the old form", fm, "withdraw", nil, 409, "nothing was changed now"},
		{"future seq", form{"1", "7"}, "change", []string{sms}, 409, "nothing was changed now"},
		{"garbage seq", form{"1", "x"}, "change", []string{sms}, 409, "nothing was changed now"},
		{"negative version", form{"-1", "1"}, "change", []string{sms}, 409, "nothing was changed now"},
		{"older version", form{"0", "1"}, "change", []string{sms}, 409, "A newer version"},
		{"give while given", form{"1", "1"}, "give", []string{sms}, 409, "nothing was changed now"},
		{"unknown action", form{"1", "1"}, "delete", nil, 409, "nothing was changed now"},
		{"no purpose", form{"1", "1"}, "change", nil, 422, "Tick at least one purpose"},
		{"purpose of another document", form{"1", "1"}, "change", []string{"999999"}, 422, "not part of this document"},
		{"malformed purpose", form{"1", "1"}, "change", []string{"1 OR 1=1"}, 422, "not part of this document"},
		{"unchanged", form{"1", "1"}, "change", []string{email}, 422, "You did not change anything"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := post(a, f.mk.ID, c.form, c.action, c.ids...).Expect(t, c.status, c.msg)
			// The page shows the current state and a fresh form.
			if !strings.Contains(r.Body, `name="seq" value="1"`) {
				t.Fatalf("refusal page has no current form")
			}
			if h := history(t, f.env, f.a, f.mk.ID); len(h) != 1 || h[0].Action != "given" {
				t.Fatalf("history changed: %+v", h)
			}
		})
	}
	// Another client's form values mean nothing for client B: B's own state is used.
	b := f.env.Browser().LoginAs(f.b)
	post(b, f.mk.ID, form{"1", "1"}, "withdraw").Expect(t, 409)
	post(b, f.plain.ID, load(t, b, f.plain.ID), "withdraw").Expect(t, 409, "nothing was changed now")
	if len(history(t, f.env, f.b, 0)) != 0 {
		t.Fatal("client B got history")
	}
	// Czech message.
	a.Header.Set("Accept-Language", "cs")
	post(a, f.mk.ID, fm, "give", email).Expect(t, 409, "formulář odeslán dvakrát")
	// Bad ids on POST and GET.
	for _, p := range []string{"abc", "0", "99999999999999999999999", "424242", "-1"} {
		a.Get("/gdpr/"+p).Expect(t, 404)
		a.Post("/gdpr/"+p, url.Values{"action": {"give"}, "version": {"1"}, "seq": {"0"}}).Expect(t, 404)
	}
	// Without a CSRF token nothing happens.
	a.PostRaw("/gdpr/"+itoa(f.mk.ID), url.Values{"action": {"withdraw"}, "version": {"1"}, "seq": {"1"}}).Expect(t, 403)
	if len(history(t, f.env, f.a, 0)) != 1 {
		t.Fatal("history changed")
	}
}

func TestConsentNewVersionAsksToReview(t *testing.T) {
	f := newFixture(t)
	a := f.env.Browser().LoginAs(f.a)
	email := f.mk.purposeID("E-mail")
	post(a, f.mk.ID, load(t, a, f.mk.ID), "give", email).Expect(t, 303)
	old := load(t, a, f.mk.ID)

	f.env.Tx(func(tx *sql.Tx) error {
		_, err := NewVersion(context.Background(), tx, f.mk.ID, "<p>Version two: we also call.</p>", f.env.Clock.Now())
		return err
	})
	// The form from before the new version is refused, nothing written.
	post(a, f.mk.ID, old, "withdraw").Expect(t, 409, "A newer version of this document has been published")
	if len(history(t, f.env, f.a, f.mk.ID)) != 1 {
		t.Fatal("stale-version action was written")
	}
	a.Get("/gdpr/").Expect(t, 200, "New version to review")
	a.Get("/gdpr/"+itoa(f.mk.ID)).Expect(t, 200, "You agreed to version 1. Version 2 has been published", "Version two",
		"Confirm consent to the new version")
	// Confirming with the same purposes is a change to the new version.
	post(a, f.mk.ID, load(t, a, f.mk.ID), "change", email).Expect(t, 303)
	h := history(t, f.env, f.a, f.mk.ID)
	if len(h) != 2 || h[1].Action != "changed" || h[1].Version != 2 || strings.Join(h[1].Purposes, ",") != "E-mail" {
		t.Fatalf("history %+v", h)
	}
	a.Get("/gdpr/").Lacks(t, "New version to review")
	// The old text is kept.
	var txt string
	err := f.env.Deps.DB.R.QueryRow(`SELECT text FROM consent_versions WHERE document_id = ? AND version = 1`, f.mk.ID).Scan(&txt)
	if err != nil || !strings.Contains(txt, "would like to") {
		t.Fatalf("version 1 text %q, %v", txt, err)
	}
}

func TestConsentRetiredDocument(t *testing.T) {
	f := newFixture(t)
	a := f.env.Browser().LoginAs(f.a)
	post(a, f.plain.ID, load(t, a, f.plain.ID), "give").Expect(t, 303)
	fm := load(t, a, f.plain.ID)
	f.env.Tx(func(tx *sql.Tx) error {
		return SetActive(context.Background(), tx, f.plain.ID, false, f.env.Clock.Now())
	})
	// B never acted on it: it is gone for B.
	b := f.env.Browser().LoginAs(f.b)
	b.Get("/gdpr/"+itoa(f.plain.ID)).Expect(t, 404)
	b.Get("/gdpr/").Lacks(t, "Data processing")
	// A can still see and withdraw it, but not give it again.
	a.Get("/gdpr/"+itoa(f.plain.ID)).Expect(t, 200, "no longer offered", "Withdraw consent")
	post(a, f.plain.ID, fm, "withdraw").Expect(t, 303)
	a.Get("/gdpr/"+itoa(f.plain.ID)).Expect(t, 200, "Withdrawn on").Lacks(t, "Give consent", `name="seq"`)
	post(a, f.plain.ID, form{"1", "2"}, "give").Expect(t, 409, "no longer offered")
	if h := history(t, f.env, f.a, f.plain.ID); len(h) != 2 {
		t.Fatalf("history %+v", h)
	}
}

func TestConsentSanitisedTextAndCzech(t *testing.T) {
	f := newFixture(t)
	a := f.env.Browser().LoginAs(f.a)
	a.Get("/gdpr/"+itoa(f.mk.ID)).Expect(t, 200, "<strong>write</strong>", "Not given", "Give consent").Lacks(t, "<script>alert(1)")
	a.Header.Set("Accept-Language", "cs")
	a.Get("/gdpr/"+itoa(f.mk.ID)).Expect(t, 200, "Neudělen", "Udělit souhlas", "Znění dokumentu (verze 1)")
	post(a, f.mk.ID, load(t, a, f.mk.ID), "give", f.mk.purposeID("SMS")).Expect(t, 303)
	a.Get("/gdpr/"+itoa(f.mk.ID)).Expect(t, 200, "byl zaznamenán", "Udělen", "Odvolat souhlas", "Souhlas udělen")
	post(a, f.mk.ID, load(t, a, f.mk.ID), "change").Expect(t, 422, "Zaškrtněte alespoň jeden účel", `aria-invalid="true"`)
}

// TestConsentParallelSameForm: many tabs post the same form at once; exactly one wins.
func TestConsentParallelSameForm(t *testing.T) {
	f := newFixture(t)
	const n = 12
	fm := form{version: "1", seq: "0"}
	codes := make([]int, n)
	var wg sync.WaitGroup
	browsers := make([]*testkit.Browser, n)
	for i := range browsers {
		browsers[i] = f.env.Browser().LoginAs(f.a)
		browsers[i].Get("/gdpr/") // holds a CSRF token before the race starts
	}
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			codes[i] = post(browsers[i], f.mk.ID, fm, "give", f.mk.purposeID("SMS")).StatusCode
		}(i)
	}
	wg.Wait()
	won := 0
	for _, c := range codes {
		switch c {
		case 303:
			won++
		case 409:
		default:
			t.Fatalf("status %d", c)
		}
	}
	if h := history(t, f.env, f.a, f.mk.ID); won != 1 || len(h) != 1 || h[0].Seq != 1 {
		t.Fatalf("%d won, history %+v", won, h)
	}
}

// TestConsentParallelChanges: several clients' tabs keep changing consents at the same
// time, retrying when refused as stale; every accepted action is in the history, with
// seq 1..n, in the order they were accepted, each one valid after the one before.
func TestConsentParallelChanges(t *testing.T) {
	f := newFixture(t)
	const workers, each = 6, 4
	var mu sync.Mutex
	accepted := 0
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		b := f.env.Browser().LoginAs(f.a)
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			done := 0
			for tries := 0; done < each && tries < 200; tries++ {
				r := b.Get("/gdpr/" + itoa(f.mk.ID))
				s, v := seqRE.FindStringSubmatch(r.Body), versionRE.FindStringSubmatch(r.Body)
				if s == nil || v == nil {
					t.Errorf("no form")
					return
				}
				fm := form{version: v[1], seq: s[1]}
				var resp int
				switch {
				case strings.Contains(r.Body, `value="withdraw"`) && (w+tries)%3 == 0:
					resp = post(b, f.mk.ID, fm, "withdraw").StatusCode
				case strings.Contains(r.Body, `value="withdraw"`):
					// Alternate the purposes so that each change changes something.
					p := f.mk.Purposes[(w+tries)%3].Name
					if strings.Contains(r.Body, `value="`+f.mk.purposeID(p)+`" checked`) {
						p = f.mk.Purposes[(w+tries+1)%3].Name
					}
					resp = post(b, f.mk.ID, fm, "change", f.mk.purposeID(p)).StatusCode
				default:
					resp = post(b, f.mk.ID, fm, "give", f.mk.purposeID("E-mail")).StatusCode
				}
				switch resp {
				case 303:
					done++
					mu.Lock()
					accepted++
					mu.Unlock()
				case 409, 422:
				default:
					t.Errorf("status %d", resp)
					return
				}
			}
		}(w)
	}
	wg.Wait()
	h := history(t, f.env, f.a, f.mk.ID)
	if len(h) != accepted || accepted != workers*each {
		t.Fatalf("%d history rows, %d accepted, want %d", len(h), accepted, workers*each)
	}
	state := StatusNone
	for i, e := range h {
		if e.Seq != i+1 || (i > 0 && e.ID <= h[i-1].ID) {
			t.Fatalf("row %d out of order: %+v", i, e)
		}
		ok := (e.Action == ActionGiven && state != StatusGiven) ||
			(e.Action != ActionGiven && state == StatusGiven)
		if !ok {
			t.Fatalf("row %d: %s after state %s", i, e.Action, state)
		}
		state = statusOf(e.Action)
	}
	t.Logf("%d actions accepted from %d parallel tabs", len(h), workers)
}
