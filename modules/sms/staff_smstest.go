package sms

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ispportal/portal/internal/console"
	smslib "github.com/ispportal/portal/internal/sms"
	"github.com/ispportal/portal/settings"
)

// testTimeout bounds the test SMS, connection included.
const testTimeout = 30 * time.Second

// errDisabled: sms_notify is "disabled", nothing is sent.
var errDisabled = errors.New("sms: sending is disabled (sms_notify)")

// SendTest sends one SMS now, outside the queue, through the transport sms_notify
// chooses, and returns the provider's message id. A failure is the transport's own
// answer (HTTP status or SMPP command_status with the cause; credentials are never in
// it); errDisabled or a "not configured" error when nothing can be sent.
func SendTest(ctx context.Context, st *settings.Store, to, text string) (string, error) {
	kind, gw, smpp, err := transportConfig(st)
	if kind == "" {
		return "", errDisabled
	}
	if err != nil {
		return "", err
	}
	var s smslib.Sender
	if kind == "gateway" {
		if s, err = smslib.NewHTTPGateway(gw, &http.Client{Timeout: testTimeout}); err != nil {
			return "", err
		}
	} else {
		smpp.Timeout = 10 * time.Second
		s = smslib.NewSMPP(smpp)
	}
	if c, ok := s.(io.Closer); ok {
		defer c.Close()
	}
	ctx, cancel := context.WithTimeout(ctx, testTimeout)
	defer cancel()
	return s.Send(ctx, smslib.Message{To: to, Text: text})
}

// sendStaffTest handles POST /admin/tools/sms/test: a test SMS to the number given;
// the flash reports the transport's answer. Audited as smsqueue.test with the result.
func (m *Module) sendStaffTest(c *fiber.Ctx) error {
	raw := strings.TrimSpace(c.FormValue("to"))
	to, err := smslib.NormalizeNumber(raw, settings.SMSDefaultCountry.Get(m.d.Settings))
	if err != nil || len(raw) > 32 {
		return m.renderStaffQueue(c, map[string]string{"to": "sms.staff.test_bad_number"}, map[string]string{"to": raw})
	}
	lang := m.d.Web.Lang(c)
	id, err := SendTest(c.UserContext(), m.d.Settings, to, m.d.Web.Catalog.T(lang, "sms.staff.test_text"))
	result := "ok " + to + " id " + id
	if err != nil {
		result = "failed " + to + ": " + clip(err.Error())
	}
	if aerr := console.AuditNow(c.UserContext(), m.d.DB, m.d.Web, c, m.d.Now(), "smsqueue.test", 0, result); aerr != nil {
		return aerr
	}
	switch {
	case errors.Is(err, errDisabled):
		m.d.Web.AddFlash(c, "error", "sms.staff.test_disabled")
	case errors.Is(err, errGatewayNotConfigured), errors.Is(err, errSMPPNotConfigured):
		m.d.Web.AddFlash(c, "error", "sms.staff.test_not_configured", clip(err.Error()))
	case err != nil:
		m.d.Web.AddFlash(c, "error", "sms.staff.test_failed", clip(err.Error()))
	case id == "":
		m.d.Web.AddFlash(c, "ok", "sms.staff.test_ok_no_id", to)
	default:
		m.d.Web.AddFlash(c, "ok", "sms.staff.test_ok", id)
	}
	return m.d.Web.Redirect(c, console.Path(pathStaffQueue))
}
