//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestConsoleB walks the staff tasks of support requests, the helpdesk, mail and SMS
// health and the imports by clicking from the console home, in English and in Czech,
// each page checked with axe at 390 and 1440 px; the client then sees the staff's
// reply on the request page.
func TestConsoleB(t *testing.T) {
	s := start(t)
	// A staff member with both e-mail flags gets (and is assigned) new requests.
	s.cli("settings", "set", "ci_auth_requests_enable", "1")
	s.cliIn("a long staff password\n", "staff", "add", "jana", "--role", "support", "--name", "Jana Dvořáková",
		"--email", "jana@isp.example", "--send-requests", "--send-tasks")
	// click follows a link or presses a button and checks the page it leads to.
	click := func(name, sel string) {
		t.Helper()
		s.expectCount(sel, 1)
		s.submit(sel)
		s.check(name)
	}
	lacks := func(words ...string) {
		t.Helper()
		txt := s.text()
		for _, w := range words {
			if strings.Contains(txt, w) {
				t.Fatalf("page %s shows %q:\n%s", s.path(), w, tail(txt, 1500))
			}
		}
	}
	upload := func(sel, name, content string) {
		t.Helper()
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		s.run(chromedp.SetUploadFiles(chromedp.CSS(sel), []string{p}))
	}

	t.Run("a client sends a request", func(t *testing.T) {
		s.t = t
		s.asDemo()
		s.open("client requests", "/requests")
		click("client new request", `main a[href="/requests/new"]`)
		s.choose("#f-category", "technical")
		s.fill("#f-subject", "Router reboots every night", "#f-text", "Since Monday the router restarts at 2:00.")
		click("client request sent", "main form button[type=submit]")
		s.logout()
	})

	staffLogin := func() {
		s.run(chromedp.Navigate(s.base+"/admin"), chromedp.WaitReady(chromedp.CSS("body")))
		if strings.HasPrefix(s.path(), "/admin/login") {
			s.fill("#f-login", "admin", "#f-password", "admin1234")
			s.submit("main form button[type=submit]")
		}
		if p := s.path(); strings.HasPrefix(p, "/admin/login") {
			t.Fatalf("staff login failed:\n%s", tail(s.text(), 800))
		}
	}

	t.Run("English: every action by clicking", func(t *testing.T) {
		s.t = t
		staffLogin()
		s.check("console home")
		s.expectText("Overview")

		// Support requests: the list, the new request assigned to Jana, a change.
		click("staff requests", `nav.menu a[href="/admin/requests"]`)
		s.expectText("Router reboots every night", "Jana Dvořáková")
		click("staff request", `main table tbody tr:first-child a[href^="/admin/requests/"]`)
		s.expectText("History", "assigned to", "Jana Dvořáková")
		s.choose("#f-state", "in_progress")
		s.fill("#f-reply", "A technician will replace the router on Friday.")
		click("staff request saved", `main form[action^="/admin/requests/"] button[type=submit]`)
		s.expectText("The request was saved.", "A technician will replace the router on Friday.")
		click("staff requests back", `main a[href="/admin/requests"]`)
		click("staff requests mine", `main a[href="/admin/requests?mine=1"]`)

		// Helpdesk: log a call, an internal note, change state and department.
		click("staff helpdesk", `nav.menu a[href="/admin/tickets"]`)
		click("staff ticket", `main table tbody tr:first-child a[href^="/admin/tickets/"]`)
		s.choose("#f-log-type", "phone")
		s.choose("#f-log-direction", "in")
		s.fill("#f-log-body", "Client called about the outage; PIN checked.")
		click("staff ticket call logged", `main form[action$="/log"] button[type=submit]`)
		s.expectText("Logged.")
		s.choose("#f-log-type", "note")
		s.fill("#f-log-body", "Internal: offer a discount next month.")
		click("staff ticket note logged", `main form[action$="/log"] button[type=submit]`)
		s.choose("#f-state", "waiting")
		click("staff ticket changed", `main form[action$="/edit"] button[type=submit]`)
		s.expectText("The ticket was changed.")

		// Mail: the outbox, a test e-mail through the real SMTP server, a mail, resend.
		click("staff tools", `nav.menu a[href="/admin/tools"]`)
		click("staff outbox", `main a[href="/admin/tools/outbox"]`)
		s.fill("#f-to", "noc@isp.example")
		click("staff test e-mail", `main form[action="/admin/tools/outbox/test"] button[type=submit]`)
		s.expectText("accepted the test e-mail")
		click("staff mail", `main table tbody tr:first-child a[href^="/admin/tools/outbox/"]`)
		s.expectText("Text")
		if s.count(`main form[action$="/resend"] button`) > 0 {
			click("staff mail resent", `main form[action$="/resend"] button`)
			s.expectText("A copy of the mail was queued.")
		}

		// SMS: the queue and a test SMS with the transport's answer.
		click("staff tools again", `nav.menu a[href="/admin/tools"]`)
		click("staff sms queue", `main a[href="/admin/tools/sms"]`)
		s.fill("#f-to", "+420777123456")
		click("staff test sms", `main form[action="/admin/tools/sms/test"] button[type=submit]`)
		s.expectCount("main .flash", 1)

		// Settings: a section by its anchor, saved on its own; the value in force.
		click("staff settings", `nav.menu a[href="/admin/settings"]`)
		s.run(clickCSS(`main nav a[href="#sec-general"]`))
		s.expectText("In force", "set for all clients")
		s.fill("#f-system_mail_name", "NetWave support")
		click("staff settings general saved", `#sec-general button[type=submit]`)
		if v := s.attr("#f-system_mail_name", "value"); v != "NetWave support" {
			t.Fatalf("system_mail_name after the section's save: %q", v)
		}

		// Imports: a payments file with bad lines, then a good one; a traffic CSV.
		click("staff invoice import", `nav.menu a[href="/admin/invoices/import"]`)
		s.run(clickCSS("#f-kind-payments"))
		upload("#f-file", "payments<bad>.jsonl", `{"external_id":"e2e-pay-1","client":"1001","date":"2026-11-20","amount":"100.00","currency":"CZK"}
{"external_id":"e2e-pay-2","client":"9999","date":"2026-11-20","amount":"1","currency":"CZK"}
not json
`)
		click("staff invoice import refused", "main form button[type=submit]")
		s.expectText("Nothing was imported", `client "9999" not found`)
		s.run(clickCSS("#f-kind-payments"))
		upload("#f-file", "payments.jsonl", `{"external_id":"e2e-pay-1","client":"1001","date":"2026-11-20","amount":"100.00","currency":"CZK"}`+"\n")
		click("staff invoice import done", "main form button[type=submit]")
		s.expectText("Result of the import", "payments.jsonl")
		click("staff traffic import", `nav.menu a[href="/admin/traffic/import"]`)
		upload("#f-file", "counters.csv", "service,timestamp,bytes_down,bytes_up\n1,2026-12-01T10:00:00Z,1000,100\nnosuch,yesterday,1,1\n")
		click("staff traffic import report", "main form button[type=submit]")
		s.expectText("Rows read", "Skipped")
	})

	t.Run("Czech: the same pages by clicking, no English left", func(t *testing.T) {
		s.t = t
		staffLogin()
		s.submit(`footer button[name=lang][value=cs]`)
		s.check("console home cs")
		english := []string{"Support requests", "Assigned to", "History", "Log a call", "Send a test", "Import traffic",
			"Import invoices", "Upload and import", "Change the request", "nobody",
			"In force", "System e-mail address", "Sender address of every e-mail", "Save General"}
		steps := []struct{ name, sel string }{
			{"staff requests cs", `nav.menu a[href="/admin/requests"]`},
			{"staff request cs", `main table tbody tr:first-child a[href^="/admin/requests/"]`},
			{"staff helpdesk cs", `nav.menu a[href="/admin/tickets"]`},
			{"staff ticket cs", `main table tbody tr:first-child a[href^="/admin/tickets/"]`},
			{"staff tools cs", `nav.menu a[href="/admin/tools"]`},
			{"staff outbox cs", `main a[href="/admin/tools/outbox"]`},
			{"staff tools cs again", `nav.menu a[href="/admin/tools"]`},
			{"staff sms queue cs", `main a[href="/admin/tools/sms"]`},
			{"staff settings cs", `nav.menu a[href="/admin/settings"]`},
			{"staff invoice import cs", `nav.menu a[href="/admin/invoices/import"]`},
			{"staff traffic import cs", `nav.menu a[href="/admin/traffic/import"]`},
		}
		for _, st := range steps {
			click(st.name, st.sel)
			lacks(english...)
		}
		s.expectText("Import čítačů provozu")
		// An action in Czech: a refused traffic file.
		upload("#f-file", "spatny.csv", "who,when\nx,y\n")
		click("staff traffic import refused cs", "main form button[type=submit]")
		s.expectText("Nic nebylo naimportováno")
		s.submit(`footer button[name=lang][value=en]`)
	})

	t.Run("the client sees the reply", func(t *testing.T) {
		s.t = t
		s.asDemo()
		s.open("client requests after", "/requests")
		click("client request with reply", `main table tbody tr:first-child a[href^="/requests/"]`)
		s.expectText("A technician will replace the router on Friday.")
		if txt := s.text(); !strings.Contains(txt, "In progress") && !strings.Contains(txt, "Řeší se") {
			t.Fatalf("the request's state is not shown:\n%s", tail(txt, 800))
		}
		lacks("Jana Dvořáková", "assigned", "přiřazen")
	})
}
