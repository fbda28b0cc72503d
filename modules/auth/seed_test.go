package auth

import (
	"context"
	"net/http"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
)

func TestDemoSeed(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, New)
	for i := 0; i < 2; i++ { // idempotent
		if _, err := app.SeedDemo(context.Background(), env.Env); err != nil {
			t.Fatal(err)
		}
	}
	b := env.Browser()
	login(b, app.DemoClientUsername, app.DemoClientPassword).Expect(t, http.StatusSeeOther)
	// The demo sets the system sender, so the forgotten-password link shows.
	env.Browser().Get("/login").Expect(t, 200, "Did you forget your password?")
}
