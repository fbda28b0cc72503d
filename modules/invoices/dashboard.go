package invoices

import (
	"errors"
	"html/template"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

// dashboardData is the dashboard's money card: the balance (ci_display_balance),
// the invoice to pay next (the overdue one due first, else the next one due), and
// the "Pay now" and "Refill balance" links when a payments module is mounted.
type dashboardData struct {
	ShowBalance bool
	Balance     []balanceView
	Next        *dashboardInvoice
	// PayHref pays Next; RefillHref tops up the balance: both empty without the
	// payments module.
	PayHref, RefillHref string
}

type dashboardInvoice struct {
	Href, Number, DueText, AmountText string
	Overdue                           bool
}

// dashboardCard declares the card; it follows the Invoicing tab's setting.
func (m *Module) dashboardCard() app.DashboardCard {
	return app.DashboardCard{Name: "invoices", Order: 10,
		Gate:   func(c *fiber.Ctx) bool { return settings.DisplayInvoicesTab.Get(m.d.Web.SettingsOf(c)) },
		Render: m.renderDashboardCard}
}

func (m *Module) renderDashboardCard(c *fiber.Ctx) (template.HTML, error) {
	var data dashboardData
	var err error
	if data.ShowBalance, data.Balance, err = m.balance(c); err != nil {
		return "", err
	}
	today := m.today()
	next, err := NextUnpaid(c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c))
	if errors.Is(err, core.ErrNotFound) {
		next, err = Invoice{}, nil
	}
	if err != nil {
		return "", err
	}
	lang, pay, payments := m.d.Web.Lang(c), "", false
	if m.d.Declared != nil {
		pay, payments = m.d.Declared.Prefix("payments")
		// Mounted is not enough: its page answers 404 while ci_payments_enable is off.
		payments = payments && settings.PaymentsEnable.Get(m.d.Settings)
	}
	if next.ID != 0 {
		id := strconv.FormatInt(next.ID, 10)
		data.Next = &dashboardInvoice{Href: m.d.Web.BasePath + prefix + "/" + id, Number: next.Number,
			DueText: web.FormatDate(lang, next.Due), AmountText: web.FormatMoney(lang, next.AmountVAT, next.Currency),
			Overdue: next.StateOn(today) == StateOverdue}
		if payments {
			data.PayHref = m.d.Web.BasePath + pay + "/invoice/" + id
		}
	}
	if payments {
		data.RefillHref = m.d.Web.BasePath + pay + "/refill"
	}
	return m.d.Web.Partial(c, "invoices/dashboard", data, nil)
}
