// Package notify tells subscribers of what concerns them (a new invoice, a payment
// received, an overdue invoice, a ticket reply, FUP 80 % and 100 %, planned
// maintenance or an outage) on the channels each chose per topic: e-mail, SMS, web
// push. Other modules report events through app.Hooks.Notify inside their own
// transaction; notify sends each event once per channel (notify_sent's unique key),
// through the mail and SMS outboxes, holding SMS and push during the subscriber's
// quiet hours.
package notify

import (
	"embed"
	"net/http"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/outbox"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// Paths and templates.
const (
	pathPage     = "/notifications"
	tplPage      = "notify/page"
	tplCard      = "notify/staff_card"
	tplOutage    = "notify/staff_outage"
	titlePage    = "notify.title"
	recentOnPage = 20
)

// files are the module's migrations, templates and locales (see app.Info.Embed).
//
//go:embed migrations templates locales
var files embed.FS

// Module is the notifications feature.
type Module struct {
	d          app.Deps
	keyMu      sync.Mutex
	loop       *outbox.Loop
	httpClient *http.Client
	// lastScan is when the worker last looked for overdue invoices (its goroutine only).
	lastScan time.Time
	// claimant names this instance's claims of due notifications (outbox.NewClaimant).
	claimant string
}

// New returns the module and sets Hooks.Notify.
func New(d app.Deps) app.Module {
	m := &Module{d: d, httpClient: &http.Client{Timeout: 30 * time.Second}, claimant: outbox.NewClaimant()}
	m.loop = outbox.New("notify.Worker", d.Log, m.round)
	if d.Hooks != nil {
		d.Hooks.Notify = m.Emit
	}
	return m
}

// SetHTTPClient replaces the client that talks to push services (tests).
func (m *Module) SetHTTPClient(c *http.Client) { m.httpClient = c }

// Info declares the module.
func (m *Module) Info() app.Info {
	return app.Info{
		Name:         "notify",
		Prefix:       pathPage,
		Area:         app.Client,
		Gate:         func(*fiber.Ctx) bool { return settings.NotificationsEnable.Get(m.d.Settings) },
		Menu:         []web.MenuItem{{Key: "notify.menu", Path: pathPage, Order: 85}},
		Seed:         m.seed,
		Commands:     m.commands(),
		Worker:       m.run,
		MailDefaults: mailDefaults,
		StaffPages:   m.staffPages(),
		Methods:      m.methods(),
		Card:         []app.CardSection{m.staffCard()},
		Export:       exportClient,
	}.Embed(files)
}

// Mount registers the subscriber routes under /notifications.
func (m *Module) Mount(r fiber.Router) {
	r.Get("/", m.showPage)
	r.Post("/", m.savePage)
	r.Get("/push.js", m.serveScript)
	r.Post("/push", m.subscribe)
	r.Post("/push/off", m.unsubscribe)
}

// mailDefaults are the built-in texts; the subject is also the SMS text and the push
// title, the body's first line the push text.
func mailDefaults(t *mail.Templates) {
	en := map[string][2]string{
		TopicInvoiceNew:  {"New invoice $NUMBER$: $AMOUNT$, due $DUE$", "Invoice $NUMBER$ for $AMOUNT$ is due on $DUE$.\n\n$LINK$\n$PAY_LINE$"},
		TopicPayment:     {"Payment received: $AMOUNT$", "Thank you: we received your payment of $AMOUNT$ on $DATE$.\n\n$LINK$\n"},
		TopicOverdue:     {"Invoice $NUMBER$ is overdue: $AMOUNT$", "Invoice $NUMBER$ was due on $DUE$ and $AMOUNT$ is still unpaid. If you have paid already, thank you and please ignore this message.\n\n$LINK$\n$PAY_LINE$"},
		TopicTicketReply: {"New reply to your ticket #$TICKET$", "We replied to your ticket #$TICKET$ \"$SUBJECT$\".\n\n$LINK$\n"},
		TopicFUP80:       {"You have used 80 % of your data: $SERVICE$", "Your service $SERVICE$ has used 80 % of its $LIMIT$ for this period (until $UNTIL$).\n\n$LINK$\n"},
		TopicFUP100:      {"Your data limit is reached: $SERVICE$", "Your service $SERVICE$ has used its $LIMIT$ for this period; the reduced speed applies until $UNTIL$.\n\n$LINK$\n"},
		TopicOutage:      {"$TITLE$", "$TEXT$\n\n$LINK$\n"},
	}
	cs := map[string][2]string{
		TopicInvoiceNew:  {"Nová faktura $NUMBER$: $AMOUNT$, splatná $DUE$", "Faktura $NUMBER$ na $AMOUNT$ je splatná $DUE$.\n\n$LINK$\n$PAY_LINE$"},
		TopicPayment:     {"Platba přijata: $AMOUNT$", "Děkujeme, vaši platbu $AMOUNT$ ze dne $DATE$ jsme přijali.\n\n$LINK$\n"},
		TopicOverdue:     {"Faktura $NUMBER$ je po splatnosti: $AMOUNT$", "Faktura $NUMBER$ byla splatná $DUE$ a $AMOUNT$ zůstává neuhrazeno. Pokud jste již zaplatili, děkujeme a tuto zprávu prosím přehlédněte.\n\n$LINK$\n$PAY_LINE$"},
		TopicTicketReply: {"Nová odpověď na váš tiket #$TICKET$", "Odpověděli jsme na váš tiket #$TICKET$ „$SUBJECT$“.\n\n$LINK$\n"},
		TopicFUP80:       {"Vyčerpali jste 80 % dat: $SERVICE$", "Služba $SERVICE$ vyčerpala 80 % z $LIMIT$ pro toto období (do $UNTIL$).\n\n$LINK$\n"},
		TopicFUP100:      {"Datový limit je vyčerpán: $SERVICE$", "Služba $SERVICE$ vyčerpala $LIMIT$ pro toto období; snížená rychlost platí do $UNTIL$.\n\n$LINK$\n"},
		TopicOutage:      {"$TITLE$", "$TEXT$\n\n$LINK$\n"},
	}
	for _, topic := range Topics {
		t.RegisterDefault(purpose(topic), "en", en[topic][0], en[topic][1])
		t.RegisterDefault(purpose(topic), "cs", cs[topic][0], cs[topic][1])
		t.RegisterVars(purpose(topic), "CLIENT_NAME", "LINK")
	}
}
