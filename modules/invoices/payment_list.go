package invoices

import (
	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
	"github.com/ispportal/portal/settings"
)

type paymentsData struct {
	Rows        []Payment
	Pager       web.Pager
	Balance     []balanceView
	ShowBalance bool
	HideCash    bool
}

// showPaymentList lists the client's payments; with ci_display_cash_payments off the
// cash ones are left out of the list (but still count in the balance, see Balance).
func (m *Module) showPaymentList(c *fiber.Ctx) error {
	ctx, q, clientID := c.UserContext(), m.d.DB.R, m.d.Web.ClientID(c)
	f := PaymentFilter{HideCash: !settings.DisplayCashPayments.Get(m.d.Settings)}
	total, err := CountPayments(ctx, q, clientID, f)
	if err != nil {
		return err
	}
	data := paymentsData{Pager: web.NewPager(c, total, perPage), HideCash: f.HideCash}
	f.Limit, f.Offset = perPage, data.Pager.Offset()
	if data.Rows, err = ListPayments(ctx, q, clientID, f); err != nil {
		return err
	}
	if data.ShowBalance, data.Balance, err = m.balance(c); err != nil {
		return err
	}
	return m.d.Web.Show(c, tplPayments, "invoices.payments_title", data)
}
