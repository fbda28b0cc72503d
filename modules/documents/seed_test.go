package documents

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
	docs, _ := ListDocuments(context.Background(), env.Deps.DB.R, se.ClientIDs["1001"], false)
	if len(docs) != 3 {
		t.Fatalf("%d demo documents", len(docs))
	}
	b := env.Browser().LoginAs(se.ClientIDs["1001"])
	b.Get("/documents/").Expect(t, 200, "Contract for Internet services", "Annex No. 1").Lacks(t, "Installation protocol")
	for _, d := range docs {
		want := 404
		if d.Visible {
			want = 200
		}
		b.Get("/documents/"+itoa(d.ID)+"/download").Expect(t, want)
	}
}
