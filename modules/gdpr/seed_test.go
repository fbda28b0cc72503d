package gdpr

import (
	"context"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
)

func TestDemoSeedIdempotent(t *testing.T) {
	env := testkit.New(t, New)
	var se app.SeedEnv
	for i := 0; i < 2; i++ {
		var err error
		if se, err = app.SeedDemo(context.Background(), env.Env); err != nil {
			t.Fatal(err)
		}
	}
	h := history(t, env, se.ClientIDs["1001"], 0)
	if len(h) != 3 || h[0].Action != "given" || h[2].Action != "withdrawn" || h[0].DocumentID != h[2].DocumentID {
		t.Fatalf("demo history %+v", h)
	}
	b := env.Browser().LoginAs(se.ClientIDs["1001"])
	b.Get("/gdpr/").Expect(t, 200, "Marketing communications", "Withdrawn on", "Processing of usage data", "Given on",
		"New version to review")
	b.Get("/gdpr/export").Expect(t, 200, "Expired", "Restrict the processing of my data", "Done")
	if n := env.Count(`SELECT count(*) FROM gdpr_requests`); n != 2 {
		t.Fatalf("%d demo requests after two seeds, want 2", n)
	}
}
