package app

import (
	"encoding/json"
	"fmt"

	"github.com/gofiber/fiber/v2"
)

// The installable app: a web app manifest and icons from the theme, the favicon, and a
// service worker that shows an offline page when the network is gone. The worker never
// caches a page (pages hold a client's data): only the offline page and what it needs.

// serviceWorker is served at the site's root so that its scope is the whole portal.
// OFFLINE and ASSETS are filled per request (base path, theme).
const serviceWorker = `'use strict';
const CACHE = 'portal-offline-1';
const OFFLINE = %s;
const ASSETS = %s;
self.addEventListener('install', e => {
  e.waitUntil(caches.open(CACHE).then(c => c.addAll([OFFLINE, ...ASSETS])).then(() => self.skipWaiting()));
});
self.addEventListener('activate', e => {
  e.waitUntil(caches.keys()
    .then(keys => Promise.all(keys.filter(k => k !== CACHE).map(k => caches.delete(k))))
    .then(() => self.clients.claim()));
});
self.addEventListener('fetch', e => {
  const req = e.request;
  if (req.method !== 'GET') return;
  if (req.mode === 'navigate') {
    e.respondWith(fetch(req).catch(() => caches.match(OFFLINE)));
    return;
  }
  const path = new URL(req.url).pathname;
  if (ASSETS.includes(path)) {
    e.respondWith(fetch(req).catch(() => caches.match(path)));
  }
});
self.addEventListener('push', e => {
  let d = {};
  try { d = e.data ? e.data.json() : {}; } catch (err) { d = {body: e.data ? e.data.text() : ''}; }
  e.waitUntil(self.registration.showNotification(d.title || '', {body: d.body || '', data: {url: d.url || ''},
    icon: ASSETS.find(a => a.endsWith('.png'))}));
});
self.addEventListener('notificationclick', e => {
  e.notification.close();
  const start = new URL(OFFLINE, self.location.origin);
  start.pathname = start.pathname.replace(/offline$/, '');
  let url = start.href;
  try {
    const u = new URL(e.notification.data && e.notification.data.url || url, self.location.origin);
    if (u.origin === self.location.origin) url = u.href;
  } catch (err) {}
  e.waitUntil(self.clients.matchAll({type: 'window', includeUncontrolled: true}).then(list => {
    for (const c of list) {
      if (c.url === url && 'focus' in c) return c.focus();
    }
    return self.clients.openWindow(url);
  }));
});
`

// registerWorker is /assets/installable.js: the page names the worker's address.
const registerWorker = `'use strict';
(function () {
  var s = document.currentScript;
  if ('serviceWorker' in navigator && s && s.dataset.worker) {
    navigator.serviceWorker.register(s.dataset.worker).catch(function () {});
  }
})();
`

func (a *App) mountInstallable(f *fiber.App) {
	w := a.deps.Web
	f.Get("/favicon.ico", func(c *fiber.Ctx) error {
		return a.sendThemeFile(c, w.Theme(), "images/favicon.ico")
	})
	f.Get("/assets/installable.js", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
		c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
		return c.SendString(registerWorker)
	})
	f.Get("/sw.js", func(c *fiber.Ctx) error {
		theme := "/assets/theme/" + w.Theme()
		assets := []string{w.BasePath + theme + "/style.css", w.BasePath + theme + "/images/logo.png"}
		if theme != "/assets/theme/default" {
			// Built-in themes import the default style sheet.
			assets = append(assets, w.BasePath+"/assets/theme/default/style.css")
		}
		offline, _ := json.Marshal(w.BasePath + "/offline")
		list, _ := json.Marshal(assets)
		// The browser checks for a new worker at least daily; no-cache makes a theme
		// change reach it at the next navigation.
		c.Set(fiber.HeaderCacheControl, "no-cache")
		c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
		return c.SendString(fmt.Sprintf(serviceWorker, offline, list))
	})
	f.Get("/manifest.webmanifest", func(c *fiber.Ctx) error {
		lang := w.Lang(c)
		name := w.PortalName(lang)
		icons := "/assets/theme/" + w.Theme() + "/images/"
		m := map[string]any{
			"name": name, "short_name": name, "lang": lang,
			"start_url": w.BasePath + "/", "scope": w.BasePath + "/", "display": "standalone",
			"background_color": "#ffffff", "theme_color": "#ffffff",
			"icons": []map[string]string{
				{"src": w.BasePath + icons + "icon-192.png", "sizes": "192x192", "type": "image/png"},
				{"src": w.BasePath + icons + "icon-512.png", "sizes": "512x512", "type": "image/png"},
				{"src": w.BasePath + icons + "icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
			},
		}
		c.Set(fiber.HeaderCacheControl, "no-cache")
		c.Set(fiber.HeaderContentType, "application/manifest+json")
		return c.JSON(m, "application/manifest+json")
	})
}

// offlinePage is what the service worker shows when the network is gone.
func (a *App) offlinePage(c *fiber.Ctx) error {
	return a.deps.Web.Show(c, "errors/offline", "errors.offline", nil)
}
