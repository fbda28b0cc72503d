//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestPhone checks what a subscriber on a phone sees: content before a one-row menu,
// fingers-sized targets, no sideways scrolling down to 320 px, readable graph labels,
// an invoice whose QR text fits, a dark scheme that passes axe, and the installable
// app (favicon, manifest, a service worker with an offline page).
func TestPhone(t *testing.T) {
	s := start(t)
	s.asDemo()
	phone := func(w int64) { s.run(chromedp.EmulateViewport(w, 844)) }
	defer phone(1440)

	t.Run("content first, fingers-sized targets", func(t *testing.T) {
		s.t = t
		phone(390)
		s.run(chromedp.Navigate(s.base+"/info"), chromedp.WaitReady(chromedp.CSS("main")))
		if top := js[float64](s, `document.querySelector('main').getBoundingClientRect().top`); top > 170 {
			t.Errorf("content starts %.0f px down on a phone: header and menu take too much", top)
		}
		if rows := js[float64](s, `document.querySelector('.menu ul').getBoundingClientRect().height`); rows > 50 {
			t.Errorf("phone menu is %.0f px high, want one row", rows)
		}
		for _, sel := range []string{"header form button[type=submit]", ".menu a", "footer .langs button"} {
			h := js[float64](s, fmt.Sprintf(`Math.min(...[...document.querySelectorAll(%q)].map(e => e.getBoundingClientRect().height))`, sel))
			if h < 44 {
				t.Errorf("%s is %.0f px high, want 44", sel, h)
			}
		}
		for _, path := range []string{"/info", "/services", "/invoices", "/invoices/payments", "/documents", "/helpdesk", "/sms"} {
			phone(320)
			s.run(chromedp.Navigate(s.base+path), chromedp.WaitReady(chromedp.CSS("main")))
			if w := js[int64](s, `document.documentElement.scrollWidth`); w > 320 {
				t.Errorf("%s is %d px wide on a 320 px phone", path, w)
			}
		}
		phone(390)
		s.run(chromedp.Navigate(s.base+"/gdpr"), chromedp.WaitReady(chromedp.CSS("main")))
		s.submit(`main a[href*="/gdpr/"]`) // waits for the new page, not the old one's main
		if n := s.count(`main input[type=checkbox]`); n > 0 {
			size := js[float64](s, `Math.min(...[...document.querySelectorAll('main input[type=checkbox]')].map(e => e.getBoundingClientRect().height))`)
			target := js[float64](s, `Math.min(...[...document.querySelectorAll('main input[type=checkbox]')].map(e => (e.closest('label') || document.querySelector('label[for="'+e.id+'"]') || e).getBoundingClientRect().height))`)
			if size < 20 || target < 44 {
				t.Errorf("checkbox %.0f px with a %.0f px target, want 20 and 44", size, target)
			}
		}
	})

	t.Run("graph labels readable on a phone", func(t *testing.T) {
		s.t = t
		phone(390)
		s.run(chromedp.Navigate(s.base+"/services"), chromedp.WaitReady(chromedp.CSS("main")))
		s.run(chromedp.Click(chromedp.Search(`//main//a[contains(@href, "/traffic")]`)), chromedp.WaitReady(chromedp.CSS("svg.tg")))
		// The rendered size of a label: its font size times the drawing's scale.
		const smallest = `(sel => { const s = [...document.querySelectorAll(sel)].find(e => e.getBoundingClientRect().width > 0);
			if (!s) return 0; const k = s.getBoundingClientRect().width / s.viewBox.baseVal.width;
			return Math.min(...[...s.querySelectorAll('text')].map(t => parseFloat(t.closest('[font-size]').getAttribute('font-size')) * k)); })`
		if px := js[float64](s, smallest+`('svg.tg')`); px < 12 {
			t.Errorf("graph labels are %.1f px on a 390 px phone, want 12", px)
		}
		if w := js[float64](s, `document.querySelector('svg.tg-narrow use').getBBox().width`); w < 100 {
			t.Errorf("the phone drawing's series is %.0f units wide: not drawn", w)
		}
		s.check("traffic on a phone")
		phone(1440)
		if px := js[float64](s, smallest+`('svg.tg')`); px < 12 {
			t.Errorf("graph labels are %.1f px at 1440 px, want 12", px)
		}
	})

	t.Run("invoice with its QR text open fits", func(t *testing.T) {
		s.t = t
		phone(390)
		s.run(chromedp.Navigate(s.base+"/invoices?state=unpaid"), chromedp.WaitReady(chromedp.CSS("main")))
		// submit waits for the invoice's own page: the list's main is "ready" at once.
		s.submit(`main table a[href*="/invoices/"]:not([download])`)
		if s.count("details summary") == 0 {
			t.Fatal("the demo's unpaid invoice has no QR code to open")
		}
		s.run(chromedp.Click(chromedp.CSS("details summary")))
		if w := js[int64](s, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("invoice with the QR text open is %d px wide", w)
		}
	})

	t.Run("dark scheme", func(t *testing.T) {
		s.t = t
		dark := func(on bool) {
			p := emulation.SetEmulatedMediaParams{}
			if on {
				p.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}
			} else {
				p.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: ""}}
			}
			ctx, cancel := context.WithTimeout(s.browser, 10*time.Second)
			defer cancel()
			if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, p); err != nil {
				t.Fatal(err)
			}
		}
		dark(true)
		defer dark(false)
		for _, path := range []string{"/info", "/invoices"} {
			s.run(chromedp.Navigate(s.base+path), chromedp.WaitReady(chromedp.CSS("main")))
			bg := js[string](s, `getComputedStyle(document.body).backgroundColor`)
			if !strings.HasPrefix(bg, "rgb(18, 19, 21)") {
				t.Errorf("%s: body background %s in the dark scheme", path, bg)
			}
			s.check("dark " + strings.Trim(path, "/"))
		}
	})

	t.Run("installable with an offline page", func(t *testing.T) {
		s.t = t
		phone(390)
		// The portal is reached through a proxy of the test's own, which is closed
		// later to take the network away (session cookies do not depend on the port).
		target, _ := url.Parse(s.base)
		proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
		defer proxy.Close()
		s.run(chromedp.Navigate(proxy.URL+"/info"), chromedp.WaitReady(chromedp.CSS("main")))
		if st := js[float64](s, `fetch('/favicon.ico').then(r => r.status)`); st != 200 {
			t.Errorf("favicon: %v", st)
		}
		if name := js[string](s, `fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json()).then(m => m.name)`); name != "NetWave" {
			t.Errorf("manifest name %q", name)
		}
		// The worker installs (caching the offline page) and controls the next page.
		value(s, chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(() => true)`, chromedp.EvalAwaitPromise))
		s.run(chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("main")))
		value(s, chromedp.Poll[bool](`!!navigator.serviceWorker.controller`))
		proxy.CloseClientConnections()
		proxy.Close()
		s.run(chromedp.Navigate(proxy.URL+"/services"), chromedp.WaitReady(chromedp.CSS("main")))
		s.expectText("You are offline")
		s.check("offline")
	})
}
