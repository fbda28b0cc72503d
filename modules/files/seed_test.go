package files

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
	files, _ := ListFiles(context.Background(), env.Deps.DB.R)
	if len(files) != 2 {
		t.Fatalf("%d demo files", len(files))
	}
	// 1001 is in the first group, 1002 in the second (Business).
	env.Browser().LoginAs(se.ClientIDs["1001"]).Get("/files/").Expect(t, 200, "Price list").Lacks(t, "Business service level terms")
	env.Browser().LoginAs(se.ClientIDs["1002"]).Get("/files/").Expect(t, 200, "Price list", "Business service level terms")
}
