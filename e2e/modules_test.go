//go:build e2e

package e2e

import (
	"fmt"

	"github.com/chromedp/chromedp"
	"strings"
	"testing"
	"time"
)

// moduleFlows walks each module's main flow as demo client 1001, who has the demo data
// of every module. Each subtest logs in by itself (asDemo), so one can run alone:
// go test -tags e2e -run 'TestPortal/modules/gdpr' ./e2e/
func moduleFlows(t *testing.T, s *suite) {
	t.Run("services: list, traffic and FUP", func(t *testing.T) {
		s.t = t
		s.asDemo()
		s.open("services", "/services")
		s.expectText("Via DHCP", "Internet – chata Šumava", "20 GB a month")
		if got := s.fetch(s.attr("main a[download]", "href")); got != "200 application/pdf" {
			t.Fatalf("service sheet download: %s", got)
		}
		// The cottage service has a FUP tariff and went over this month's limit.
		traffic := js[string](s, `[...document.querySelectorAll("main section")]
			.filter(x => x.textContent.includes("chata")).map(x => x.querySelector("a.btn").getAttribute("href"))[0] || ""`)
		if traffic == "" {
			t.Fatal("no traffic link for the cottage service")
		}
		s.open("traffic with FUP", traffic)
		s.expectCount(`section[aria-labelledby="g-year"] svg[role="img"]`, 1)
		s.expectCount(`main svg[role="img"]`, 4)
		s.expectText("Fair usage (FUP)", "Limit reached")
		s.expectCount("#fup-meter", 1)
		s.open("traffic, one period", traffic+"/year")
		s.expectCount(`main svg[role="img"]`, 1)
	})

	t.Run("invoices: list, unpaid detail with QR, PDF, payments", func(t *testing.T) {
		s.t = t
		s.asDemo()
		s.open("invoices", "/invoices")
		s.expectCount("main table tbody tr", 10)
		s.open("unpaid invoices", "/invoices?state=unpaid")
		detail := s.attr(`main table tbody td a:not([download])`, "href")
		if detail == "" {
			t.Fatal("no unpaid invoice in the demo data")
		}
		s.open("unpaid invoice", detail)
		s.expectText("How to pay", "2400123456/2010")
		qr := `main img[src$="/qr.png"]`
		s.expectCount(qr, 1)
		s.imageLoaded(qr)
		if got := s.fetch(s.attr(qr, "src")); got != "200 image/png" {
			t.Fatalf("QR image: %s", got)
		}
		if got := s.fetch(s.attr(`main a[href$="/pdf"]`, "href")); got != "200 application/pdf" {
			t.Fatalf("invoice PDF: %s", got)
		}
		s.open("payments", "/invoices/payments")
		s.expectCount("main table tbody tr", 5)
		s.expectText("Balance")
	})

	t.Run("documents and files: list and download", func(t *testing.T) {
		s.t = t
		s.asDemo()
		s.open("documents", "/documents")
		s.expectText("Contract for Internet services", "Annex No. 1")
		if strings.Contains(s.text(), "Installation protocol") {
			t.Fatal("a hidden document is listed")
		}
		if got := s.fetch(s.attr(`main a[href$="/download"]`, "href")); got != "200 application/pdf" {
			t.Fatalf("document download: %s", got)
		}
		s.open("files", "/files")
		s.expectText("Price list")
		if got := s.fetch(s.attr(`main a[href$="/download"]`, "href")); got != "200 text/plain" {
			t.Fatalf("file download: %s", got)
		}
	})

	t.Run("gdpr: give and withdraw a consent", func(t *testing.T) {
		s.t = t
		s.asDemo()
		s.open("consents", "/gdpr")
		// Marketing was given then withdrawn in the demo data: give it again.
		doc := js[string](s, `[...document.querySelectorAll("main td a")]
			.filter(a => a.textContent.includes("Marketing"))[0]?.getAttribute("href") || ""`)
		if doc == "" {
			t.Fatal("no marketing consent listed")
		}
		s.open("consent", doc)
		s.expectText("Withdrawn")
		before := s.count("main table tbody tr")
		s.run(clickLabel("E-mail"), clickLabel("Phone"))
		s.submit(`main button[value="give"]`)
		s.check("consent given")
		s.expectCount("#state-h ~ p .badge.ok", 1)
		s.expectText("Given", "E-mail", "Phone")
		s.submit(`main button[value="withdraw"]`)
		s.check("consent withdrawn")
		s.expectCount("#state-h ~ p .badge.err", 1)
		if n := s.count("main table tbody tr"); n != before+2 {
			t.Fatalf("history has %d rows, want %d (given and withdrawn added)", n, before+2)
		}
		// The demo history of this consent is given + withdrawn; ours adds the same pair.
		hist := js[string](s, `document.querySelector("section[aria-labelledby=hist-h] tbody").textContent`)
		if g, w := strings.Count(hist, "Consent given"), strings.Count(hist, "Consent withdrawn"); g != 2 || w != 2 {
			t.Fatalf("history has %d given and %d withdrawn, want 2 and 2:\n%s", g, w, hist)
		}
		s.open("consents after", "/gdpr")
		s.expectText("Withdrawn")
	})

	t.Run("sms: send, bad number, directory", func(t *testing.T) {
		s.t = t
		s.asDemo()
		s.open("sms", "/sms")
		text := fmt.Sprintf("e2e hello %d", time.Now().UnixNano()%100000)
		s.fill("#sms-number", "+420777123456", "#sms-text", text)
		s.submit(`main button[value="send"]`)
		s.check("sms sent")
		s.expectText("Your message was queued for sending")
		row := js[string](s, fmt.Sprintf(`[...document.querySelectorAll("main table tbody tr")]
			.filter(r => r.textContent.includes(%q)).map(r => r.textContent)[0] || ""`, text))
		if row == "" || !strings.Contains(row, "+420777123456") {
			t.Fatalf("sent message not in the history: %q", row)
		}
		if !strings.Contains(row, "Waiting to be sent") || strings.Contains(row, "127.0.0.1") {
			t.Fatalf("message row not queued, or it shows the gateway's error: %q", row)
		}
		s.fill("#sms-number", "12ab", "#sms-text", "bad number")
		s.submit(`main button[value="send"]`)
		s.check("sms bad number")
		s.expectCount(`#sms-number[aria-invalid="true"]`, 1)
		s.expectCount("#sms-number-error", 1)

		s.open("sms directory", "/sms/contacts")
		s.submit(`main a[href$="/sms/contacts/new"]`)
		s.check("sms new contact")
		s.fill("#contact-name", "E2E Neighbour", "#contact-number", "+420603555777")
		s.submit("main form button[type=submit]")
		s.check("sms directory after add")
		s.expectText("E2E Neighbour", "+420603555777")
	})

	t.Run("helpdesk: new ticket and a reply", func(t *testing.T) {
		s.t = t
		s.asDemo()
		s.open("helpdesk", "/helpdesk")
		s.expectText("Internet drops every evening")
		s.submit(`main a[href$="/helpdesk/new"]`)
		s.check("new ticket")
		s.fill("#ticket-subject", "E2E: TV freezes", "#ticket-text", "The picture freezes every few minutes.")
		s.submit("main form button[type=submit]")
		s.check("ticket created")
		s.open("helpdesk after", "/helpdesk")
		link := js[string](s, `[...document.querySelectorAll("main td a")]
			.filter(a => a.textContent.includes("E2E: TV freezes"))[0]?.getAttribute("href") || ""`)
		if link == "" {
			t.Fatal("the new ticket is not listed")
		}
		s.open("ticket", link)
		s.expectText("The picture freezes every few minutes.")
		s.fill("#reply-text", "It also happens on channel 2.")
		s.submit("main form button[type=submit]")
		s.check("ticket replied")
		s.expectText("It also happens on channel 2.")
	})

	t.Run("requests and data change", func(t *testing.T) {
		s.t = t
		s.asDemo()
		s.open("requests", "/requests")
		s.submit(`main a[href$="/requests/new"]`)
		s.check("new request")
		opt := js[string](s, `document.querySelector("#f-category option[value]:not([value=''])").value`)
		s.choose("#f-category", opt)
		s.fill("#f-subject", "E2E: move my service", "#f-text", "I am moving to Brno next month.")
		s.submit("main form button[type=submit]")
		s.check("request sent")
		s.open("requests after", "/requests")
		row := js[string](s, `[...document.querySelectorAll("main table tbody tr")]
			.filter(r => r.textContent.includes("E2E: move my service")).map(r => r.textContent)[0] || ""`)
		if !strings.Contains(row, "New") {
			t.Fatalf("new request row: %q", row)
		}

		s.open("information", "/info")
		s.submit(`main a[href$="/info/edit"]`)
		s.check("data change")
		s.fill("#f-phone", "+420 222 987 654")
		s.submit("main form button[type=submit]")
		if p := s.path(); !strings.HasPrefix(p, "/info") || strings.HasPrefix(p, "/info/edit") {
			t.Fatalf("after saving the data at %s:\n%s", p, tail(s.text(), 800))
		}
		s.check("data saved")
		s.expectText("+420 222 987 654")
		s.open("data change", "/info/edit")
		s.fill("#f-email", "not-an-email")
		s.submit("main form button[type=submit]")
		s.check("data change, bad e-mail")
		s.expectCount(`#f-email[aria-invalid="true"]`, 1)
		s.expectCount("#e-email.field-error", 1)
	})

	t.Run("staff console switches the invoices tab", func(t *testing.T) {
		s.t = t
		// Whatever fails below, later subtests need the tab back.
		t.Cleanup(func() { s.cli("settings", "reset", "ci_display_invoices_tab") })
		s.open("staff login", "/admin/login")
		s.fill("#f-login", "admin", "#f-password", "admin1234")
		s.submit("main form button[type=submit]")
		if p := s.path(); strings.HasPrefix(p, "/admin/login") {
			t.Fatalf("staff login failed:\n%s", tail(s.text(), 800))
		}
		s.check("staff home")
		setInvoices := func(on bool) {
			s.open("staff settings", "/admin/settings?q=ci_display_invoices_tab")
			box := "#f-ci_display_invoices_tab"
			s.expectCount(box, 1)
			if js[bool](s, `document.querySelector("`+box+`").checked`) != on {
				s.run(clickCSS(box))
			}
			s.submit("main form[method=post] button[type=submit]")
			if got := js[bool](s, `document.querySelector("`+box+`")?.checked ?? null`); got != on {
				t.Fatalf("setting not saved (checked=%v, want %v) at %s:\n%s", got, on, s.path(), tail(s.text(), 800))
			}
		}
		setInvoices(false)
		s.check("staff settings saved")
		s.asDemo()
		s.open("information without invoices", "/info")
		if n := s.count(`nav.menu a[href="/invoices"]`); n != 0 {
			t.Fatal("the Invoicing tab is still in the menu")
		}
		if got := s.fetch("/invoices"); !strings.HasPrefix(got, "404") {
			t.Fatalf("/invoices with the tab off: %s", got)
		}
		setInvoices(true)
		s.asDemo()
		s.expectCount(`nav.menu a[href="/invoices"]`, 1)
		if got := s.fetch("/invoices"); !strings.HasPrefix(got, "200") {
			t.Fatalf("/invoices with the tab on: %s", got)
		}
	})

	// The console pages the feature modules declare (and the console's own), in both
	// languages: each is checked with axe and for width at 390 and 1440 px.
	t.Run("staff console pages in English and Czech", func(t *testing.T) {
		s.t = t
		// The staff session of the subtest above may still be there.
		s.run(chromedp.Navigate(s.base+"/admin"), chromedp.WaitReady(chromedp.CSS("body")))
		if strings.HasPrefix(s.path(), "/admin/login") {
			s.fill("#f-login", "admin", "#f-password", "admin1234")
			s.submit("main form button[type=submit]")
			if p := s.path(); strings.HasPrefix(p, "/admin/login") {
				t.Fatalf("staff login failed:\n%s", tail(s.text(), 800))
			}
		}
		pages := []struct{ name, path, want string }{
			{"clients", "/admin/clients?q=1001", "1001"},
			{"client card", "/admin/clients/1", "1001"},
			{"messages", "/admin/messages", ""},
			{"tickets", "/admin/tickets", ""},
			{"files", "/admin/files", ""},
			{"buttons", "/admin/buttons", ""},
			{"consents", "/admin/consents", ""},
			{"contact texts", "/admin/contact", ""},
			{"sms queue", "/admin/tools/sms", ""},
			{"mail templates", "/admin/templates", ""},
			{"tools", "/admin/tools", ""},
		}
		for _, lang := range []string{"en", "cs"} {
			s.open("staff home "+lang, "/admin")
			s.submit(`footer button[name=lang][value=` + lang + `]`)
			for _, p := range pages {
				s.open("staff "+p.name+" "+lang, p.path)
				if got := s.fetch(p.path); !strings.HasPrefix(got, "200") {
					t.Fatalf("%s: %.200s", p.path, got)
				}
				if p.want != "" {
					s.expectText(p.want)
				}
			}
		}
		s.open("staff home back to en", "/admin")
		s.submit(`footer button[name=lang][value=en]`)
	})

	// Later subtests log in as someone else.
	s.t = t
	s.run(chromedp.Navigate(s.base+"/info"), chromedp.WaitReady(chromedp.CSS("body")))
	s.logout()
}
