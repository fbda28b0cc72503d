package vouchers

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
)

func (m *Module) showRedeem(c *fiber.Ctx) error {
	return m.d.Web.Show(c, tplRedeem, "vouchers.title", nil)
}

// redeem handles the code the subscriber typed: success adds the value to the
// balance and says how much; anything else re-renders the form with one message.
func (m *Module) redeem(c *fiber.Ctx) error {
	cl := m.d.Web.Client(c)
	if cl == nil {
		return fiber.ErrUnauthorized
	}
	code, _ := web.FormLine(c.FormValue("code"))
	if len(code) > 64 {
		code = code[:64]
	}
	b, err := m.Redeem(c.UserContext(), cl.ID, code, "client:"+cl.Number, m.d.Web.ClientIP(c))
	key := ""
	switch {
	case errors.Is(err, ErrInvalid):
		key = "vouchers.err.invalid"
	case errors.Is(err, ErrLocked):
		key = "vouchers.err.locked"
	case err != nil:
		return err
	}
	if key != "" {
		return m.d.Web.FormError(c, tplRedeem, "vouchers.title", nil, map[string]string{"code": key}, map[string]string{"code": code})
	}
	m.d.Web.AddFlash(c, "ok", "vouchers.redeemed", web.FormatMoney(m.d.Web.Lang(c), b.Value, b.Currency))
	return m.d.Web.Redirect(c, prefix)
}
