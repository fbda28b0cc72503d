package invoices

import (
	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"
)

// qrSize is the PNG's width in pixels: large enough for phone cameras at arm's length.
const qrSize = 320

// QRPNG renders a payment payload as a PNG QR code with medium error correction (the
// level the EPC guideline requires; QR Platba recommends it too).
func QRPNG(payload string) ([]byte, error) {
	return qrcode.Encode(payload, qrcode.Medium, qrSize)
}

// serveInvoiceQR answers the QR code of an unpaid invoice; paid invoices and those for
// which no payload can be made have none (404).
func (m *Module) serveInvoiceQR(c *fiber.Ctx) error {
	inv, err := m.loadInvoice(c)
	if err != nil {
		return err
	}
	if inv.StateOn(m.today()) == StatePaid {
		return fiber.ErrNotFound
	}
	g, err := m.supplier(c)
	if err != nil {
		return err
	}
	payload, ok := PaymentPayload(inv, g)
	if !ok {
		return fiber.ErrNotFound
	}
	png, err := QRPNG(payload)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(png)
}
