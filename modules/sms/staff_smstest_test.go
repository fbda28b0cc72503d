package sms_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	smslib "github.com/ispportal/portal/internal/sms"
	"github.com/ispportal/portal/internal/sms/kanneltest"
	"github.com/ispportal/portal/internal/sms/smpptest"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/sms"
)

// TestSMSTestButton: "send a test SMS" reports the transport's real answer: switched
// off, not configured, the SMSC's refusal and its message id (a real SMPP server), and
// Kannel's answer over the HTTP gateway; bad numbers are refused; each try is audited.
func TestSMSTestButton(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, sms.New, admin.New)
	boss := env.StaffBrowserAs("boss", core.RoleAdmin)
	queue := "/admin/tools/sms"
	try := func(to string) *testkit.Response { return boss.Post(queue+"/test", url.Values{"to": {to}}) }

	boss.Get(queue).Expect(t, 200, "Send a test SMS", `action="/admin/tools/sms/test"`)
	env.Set("sms_notify", "disabled")
	try("+420777123456").Expect(t, 303)
	boss.Get(queue).Expect(t, 200, "Sending SMS is switched off")
	env.Set("sms_notify", "smpp")
	try("+420777123456").Expect(t, 303)
	boss.Get(queue).Expect(t, 200, "SMS cannot be sent: SMPP connection not configured")
	for _, bad := range []string{"", "call me", "+42", "<script>alert(1)</script>", strings.Repeat("1", 40)} {
		try(bad).Expect(t, 422, "Enter a phone number")
	}

	// A real SMPP server: refused once, then accepted with its message id.
	smsc := smpptest.Start(t)
	cfg := smsc.Config()
	env.Set("smpp_host", cfg.Host)
	env.Set("smpp_port", fmt.Sprint(cfg.Port))
	env.Set("smpp_system_id", cfg.SystemID)
	env.Set("smpp_password", cfg.Password)
	smsc.FailNext(1, smslib.StatusSystemError)
	try("+420 777 123 456").Expect(t, 303)
	boss.Get(queue).Expect(t, 200, "The test SMS was not sent. The transport answered:", "ESME_RSYSERR").Lacks(t, cfg.Password)
	boss.Header.Set("Accept-Language", "cs")
	try("777123456").Expect(t, 303)
	boss.Get(queue).Expect(t, 200, "SMS byla přijata; identifikátor zprávy u poskytovatele je", "Odeslat zkušební SMS")
	msgs := smsc.Messages()
	if len(msgs) != 1 || msgs[0].To != "+420777123456" || msgs[0].Text != "Zkušební SMS z klientského portálu." {
		t.Fatalf("SMSC got %+v", msgs)
	}

	// Kannel over the HTTP gateway.
	k := kanneltest.Start(t)
	env.Set("sms_notify", "gateway")
	env.Set("sms_gateway_url", k.Template())
	env.Set("sms_gateway_method", "GET")
	env.Set("sms_gateway_user", k.User)
	env.Set("sms_gateway_password", k.Password)
	boss.Header.Set("Accept-Language", "en")
	try("+420777654321").Expect(t, 303) // Kannel wants a sender: its own words come back
	boss.Get(queue).Expect(t, 200, "provider answered 400 Bad Request", "Sender missing").Lacks(t, k.Password)
	env.Set("sms_sender", "NetWave")
	try("+420777654321").Expect(t, 303)
	boss.Get(queue).Expect(t, 200, "was accepted").Lacks(t, k.Password)
	if parts := k.WaitForParts(t, 1, 20*time.Second); parts[0].To != "+420777654321" {
		t.Fatalf("Kannel got %+v", parts)
	}
	if n := env.AuditCount("smsqueue.test", "staff:boss"); n != 6 {
		t.Fatalf("smsqueue.test audited %d times, want 6", n)
	}
	env.StaffBrowser(core.RoleReadOnly).Post(queue+"/test", url.Values{"to": {"+420777123456"}}).Expect(t, 403)
	env.StaffBrowser(core.RoleSupport).Get(queue).Expect(t, 403)
}
