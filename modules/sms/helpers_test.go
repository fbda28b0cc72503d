package sms

import (
	"context"
	"testing"

	"github.com/ispportal/portal/internal/sms/gatewaytest"
	"github.com/ispportal/portal/internal/testkit"
)

// fixture is a booted portal with the SMS module switched on and two clients.
type fixture struct {
	env    *testkit.Env
	mod    *Module
	c1, c2 int64
	b1, b2 *testkit.Browser
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	env := testkit.New(t, New)
	f := &fixture{env: env, c1: env.AddClient("5001", 0), c2: env.AddClient("5002", 0)}
	for _, m := range env.Modules {
		if sm, ok := m.(*Module); ok {
			f.mod = sm
		}
	}
	// The tab needs a configured transport: a recording test gateway by default.
	env.Set("sms_notify", "gateway")
	env.Set("sms_gateway_url", gatewaytest.Start(t).URL+"/send")
	env.Set("ci_sms_enable", "1")
	f.b1 = env.Browser().LoginAs(f.c1)
	f.b2 = env.Browser().LoginAs(f.c2)
	return f
}

// runOnce runs one worker round and fails the test on error.
func (f *fixture) runOnce(t *testing.T) (sent, failed int) {
	t.Helper()
	sent, failed, err := f.mod.Worker().RunOnce(context.Background())
	if err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
	return sent, failed
}

// messages returns client 1's queue rows, newest first.
func (f *fixture) messages(t *testing.T, client int64) []Message {
	t.Helper()
	list, err := ListMessages(context.Background(), f.env.Deps.DB.R, client, 100)
	if err != nil {
		t.Fatal(err)
	}
	return list
}
