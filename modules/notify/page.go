package notify

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/core"
)

// topicRow is one topic of the form with its three checkboxes.
type topicRow struct {
	Topic string
	On    map[string]bool
}

// Sent is one notification as the page and the card list it.
type Sent struct {
	ID        int64
	Topic     string
	Channel   string
	Status    string
	Title     string
	LastError string
	DueAt     time.Time
	CreatedAt time.Time
}

// pageData is the view model of the subscriber page and of the card section.
type pageData struct {
	ClientID  int64
	Rows      []topicRow
	Channels  []string
	QuietFrom string
	QuietTo   string
	Recent    []Sent
	// Push: the VAPID public key for the browser, and how many devices are subscribed.
	PushKey     string
	PushDevices int
	// CanSMS is false when no mobile number or SMS transport is there; the page says so.
	HasMobile bool
	HasEmail  bool
	// Can: the staff member may edit (card); always true on the subscriber page.
	Can bool
}

// recent lists a client's latest notifications.
func recent(ctx context.Context, q core.Querier, clientID int64, limit int) ([]Sent, error) {
	return core.List(ctx, q, func(r core.Row) (Sent, error) {
		var s Sent
		var due, created string
		err := r.Scan(&s.ID, &s.Topic, &s.Channel, &s.Status, &s.Title, &s.LastError, &due, &created)
		s.DueAt, s.CreatedAt = core.ParseTime(due), core.ParseTime(created)
		return s, err
	}, sqlRecent, clientID, limit)
}

// sqlRecent pages by the index on (client_id, created_at, id) (migration 0003), so
// neither database sorts a client's notifications to find the newest.
const sqlRecent = `SELECT id, topic, channel, status, title, last_error, due_at, created_at FROM notify_sent
		WHERE client_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`

// load builds the view model; p overrides the stored choices (a refused form).
func (m *Module) load(ctx context.Context, cl core.Client, p *Prefs) (pageData, error) {
	if p == nil {
		stored, err := LoadPrefs(ctx, m.d.DB.R, cl.ID)
		if err != nil {
			return pageData{}, err
		}
		p = &stored
	}
	d := pageData{ClientID: cl.ID, Channels: Channels, QuietFrom: p.QuietFrom, QuietTo: p.QuietTo, Can: true,
		HasMobile: strings.TrimSpace(cl.Mobile) != "", HasEmail: strings.TrimSpace(cl.Email) != ""}
	for _, t := range Topics {
		row := topicRow{Topic: t, On: map[string]bool{}}
		for _, ch := range Channels {
			row.On[ch] = p.Wants(t, ch)
		}
		d.Rows = append(d.Rows, row)
	}
	var err error
	if d.Recent, err = recent(ctx, m.d.DB.R, cl.ID, recentOnPage); err != nil {
		return d, err
	}
	subs, err := subscriptions(ctx, m.d.DB.R, cl.ID)
	d.PushDevices = len(subs)
	return d, err
}

// formPrefs reads the form: checkboxes named "on" with values "topic.channel", and
// the quiet hours. An unknown pair is kept as given so that Check refuses it.
func formPrefs(c *fiber.Ctx) Prefs {
	p := Prefs{On: map[string]map[string]bool{}, QuietFrom: strings.TrimSpace(c.FormValue("quiet_from")),
		QuietTo: strings.TrimSpace(c.FormValue("quiet_to"))}
	for _, v := range c.Context().PostArgs().PeekMulti("on") {
		t, ch, _ := strings.Cut(string(v), ".")
		p.Set(t, ch, true)
	}
	return p
}

// fieldErrors maps SavePrefs' refusal to the form's field error; ok is false for
// any other error.
func fieldErrors(err error) (map[string]string, bool) {
	var fe *core.FieldError
	if !errors.As(err, &fe) {
		return nil, false
	}
	key := "notify.err_quiet"
	if errors.Is(fe.Err, ErrTopic) {
		key = "notify.err_topic"
	}
	return map[string]string{fe.Field: key}, true
}

// showPage shows the subscriber's choices, push and the recent notifications.
func (m *Module) showPage(c *fiber.Ctx) error {
	return m.renderPage(c, nil, 0, nil)
}

func (m *Module) renderPage(c *fiber.Ctx, p *Prefs, status int, errs map[string]string) error {
	cl := m.d.Web.Client(c)
	if cl == nil {
		return fiber.ErrNotFound
	}
	data, err := m.load(c.UserContext(), *cl, p)
	if err != nil {
		return err
	}
	if _, data.PushKey, err = m.VAPIDKeys(c.UserContext()); err != nil {
		return err
	}
	page := m.d.Web.NewPage(c, titlePage, data)
	page.Status, page.Errors = status, errs
	return m.d.Web.Render(c, tplPage, page)
}

// savePage stores the subscriber's choices; a refused form re-renders with the field
// error (422) and changes nothing.
func (m *Module) savePage(c *fiber.Ctx) error {
	cl := m.d.Web.Client(c)
	if cl == nil {
		return fiber.ErrNotFound
	}
	p := formPrefs(c)
	err := SavePrefs(c.UserContext(), m.d.DB, cl.ID, p, "client:"+cl.Number, m.d.Web.ClientIP(c), m.d.Now())
	if errs, ok := fieldErrors(err); ok {
		return m.renderPage(c, &p, fiber.StatusUnprocessableEntity, errs)
	}
	if err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "notify.saved")
	return m.d.Web.Redirect(c, pathPage)
}

// subscribe stores the browser's push subscription (a form post by push.js, with
// the page's CSRF field). It answers 204, or 422 for a subscription it refuses.
func (m *Module) subscribe(c *fiber.Ctx) error {
	cl := m.d.Web.Client(c)
	if cl == nil {
		return fiber.ErrNotFound
	}
	err := m.Subscribe(c.UserContext(), Subscription{ClientID: cl.ID, Endpoint: strings.TrimSpace(c.FormValue("endpoint")),
		P256dh: c.FormValue("p256dh"), Auth: c.FormValue("auth")}, "client:"+cl.Number, m.d.Web.ClientIP(c))
	if errors.As(err, new(*core.FieldError)) {
		return c.SendStatus(fiber.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// unsubscribe removes every device of the client (a plain form: works without
// JavaScript).
func (m *Module) unsubscribe(c *fiber.Ctx) error {
	cl := m.d.Web.Client(c)
	if cl == nil {
		return fiber.ErrNotFound
	}
	if err := m.Unsubscribe(c.UserContext(), cl.ID, "client:"+cl.Number, m.d.Web.ClientIP(c)); err != nil {
		return err
	}
	m.d.Web.AddFlash(c, "ok", "notify.push_removed")
	return m.d.Web.Redirect(c, pathPage)
}

// pushScript subscribes this browser: the button carries the VAPID key and the
// address to post to; the subscription goes as a form post with the page's CSRF
// field, and the page reloads to show the device.
const pushScript = `'use strict';
(function () {
  var b = document.getElementById('push-on');
  if (!b || !('serviceWorker' in navigator) || !('PushManager' in window)) return;
  b.hidden = false;
  function key(s) {
    var p = '='.repeat((4 - s.length % 4) % 4), r = atob((s + p).replace(/-/g, '+').replace(/_/g, '/'));
    var a = new Uint8Array(r.length);
    for (var i = 0; i < r.length; i++) a[i] = r.charCodeAt(i);
    return a;
  }
  b.addEventListener('click', function () {
    var msg = document.getElementById('push-msg');
    Notification.requestPermission().then(function (perm) {
      if (perm !== 'granted') throw new Error('denied');
      return navigator.serviceWorker.ready;
    }).then(function (reg) {
      return reg.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key(b.dataset.key)});
    }).then(function (sub) {
      var j = sub.toJSON(), f = new URLSearchParams();
      f.set('csrf', b.form.elements.csrf.value);
      f.set('endpoint', j.endpoint);
      f.set('p256dh', j.keys.p256dh);
      f.set('auth', j.keys.auth);
      return fetch(b.dataset.action, {method: 'POST', body: f, credentials: 'same-origin'});
    }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      location.reload();
    }).catch(function () {
      if (msg) msg.hidden = false;
    });
  });
})();
`

// serveScript answers GET /notifications/push.js.
func (m *Module) serveScript(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
	return c.SendString(pushScript)
}
