package info_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/info"
)

// manyMessages stores n messages, newest last: every tenth global, the rest private to
// client a. Titles are "m<i>" with i from 1.
func manyMessages(t *testing.T, env *testkit.Env, a int64, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		m := info.Message{Kind: info.KindPrivate, ClientID: a, Title: fmt.Sprintf("m%d", i), Body: "<p>x</p>"}
		if i%10 == 0 {
			m = info.Message{Kind: info.KindGlobal, Title: fmt.Sprintf("m%d", i), Body: "<p>x</p>"}
		}
		w := &world{env: env, ctx: t.Context()}
		w.message(t, m)
	}
}

// The console's list pages private messages, which pile up a few per client, instead
// of putting every message of every client on one page (14 MB and a second at 10,000
// clients of the bench data set), and filters by kind.
func TestStaffMessageListPages(t *testing.T) {
	env := testkit.New(t, info.New, admin.New)
	a := env.AddClient("2001", 0)
	manyMessages(t, env, a, 120)
	b := env.StaffBrowser(core.RoleSupport)

	first := b.Get("/admin/messages").Expect(t, 200, "<h3>m120</h3>", "<h3>m71</h3>", `href="/admin/messages?page=2"`)
	if strings.Contains(first.Body, "<h3>m70</h3>") {
		t.Error("the first page shows a 51st message")
	}
	last := b.Get("/admin/messages?page=3").Expect(t, 200, "<h3>m20</h3>", "<h3>m1</h3>", `href="/admin/messages?page=2"`)
	if strings.Contains(last.Body, "<h3>m21</h3>") {
		t.Error("the last page shows a message of the page before")
	}

	global := b.Get("/admin/messages?kind=global").Expect(t, 200, "<h3>m120</h3>", "<h3>m10</h3>", `<option value="global" selected>`)
	if n := strings.Count(global.Body, "<h3>"); n != 12 {
		t.Errorf("the global filter shows %d messages, want 12", n)
	}
	// A kind nobody can choose, or a page past the end, shows a page of the whole list.
	b.Get("/admin/messages?kind=bogus").Expect(t, 200, "<h3>m120</h3>")
	b.Get("/admin/messages?page=99").Expect(t, 200, "<h3>m1</h3>")
	b.Get("/admin/messages?page=-1").Expect(t, 200, "<h3>m120</h3>")
	b.Header.Set("Accept-Language", "cs")
	b.Get("/admin/messages").Expect(t, 200, "Zveřejněné zprávy", "kohokoli")
}

// messages.list reads 200 at a time unless told otherwise, newest first, and on from
// before_id; bad parameters are named by their path.
func TestMessagesListAPIPages(t *testing.T) {
	e := testkit.New(t, info.New, admin.New, api.New).API()
	sid := e.Admin()
	manyMessages(t, e.Env, e.AddClient("2001", 0), 230)

	var page info.MessageList
	e.Call(sid, "messages.list", map[string]any{}).OK(t, &page)
	if len(page.Messages) != 200 || page.Messages[0].Title != "m230" || page.Messages[199].Title != "m31" {
		t.Fatalf("first page: %d messages, %q .. %q", len(page.Messages), page.Messages[0].Title, page.Messages[len(page.Messages)-1].Title)
	}
	var rest info.MessageList
	e.Call(sid, "messages.list", map[string]any{"before_id": page.Messages[199].ID}).OK(t, &rest)
	if len(rest.Messages) != 30 || rest.Messages[0].Title != "m30" || rest.Messages[29].Title != "m1" {
		t.Fatalf("second page: %d messages", len(rest.Messages))
	}
	var global info.MessageList
	e.Call(sid, "messages.list", map[string]any{"kind": "global", "limit": 5}).OK(t, &global)
	if len(global.Messages) != 5 || global.Messages[0].Title != "m230" || global.Messages[4].Title != "m190" {
		t.Fatalf("global page: %+v", global.Messages)
	}
	e.Call(sid, "messages.list", map[string]any{"kind": "secret"}).Fails(t, -32602, "kind")
	e.Call(sid, "messages.list", map[string]any{"limit": 1001}).Fails(t, -32602, "limit")
	e.Call(sid, "messages.list", map[string]any{"before_id": -1}).Fails(t, -32602, "before_id")
}

// `portal message list` lists every message unless --limit, of one kind with --kind,
// and refuses a kind or limit it cannot use.
func TestMessageListCommand(t *testing.T) {
	env := testkit.New(t, info.New)
	manyMessages(t, env, env.AddClient("2001", 0), 30)
	out, err := run(t, env, "message list", "")
	if err != nil || strings.Count(out, "\n") != 31 {
		t.Fatalf("every message: %v\n%s", err, out)
	}
	out, err = run(t, env, "message list", "", "--kind", "global", "--limit", "2")
	if err != nil || strings.Count(out, "\n") != 3 || !strings.Contains(out, "\tm30\n") || !strings.Contains(out, "\tm20\n") {
		t.Fatalf("two global messages: %v\n%s", err, out)
	}
	if _, err := run(t, env, "message list", "", "--kind", "secret"); err == nil || !strings.Contains(err.Error(), "--kind") {
		t.Errorf("a bad kind: %v", err)
	}
	if _, err := run(t, env, "message list", "", "--limit", "-1"); err == nil || !strings.Contains(err.Error(), "--limit") {
		t.Errorf("a negative limit: %v", err)
	}
}

// The console's page, of every kind or one, comes from an index in its order on both
// databases: on PostgreSQL the generic plan a prepared statement settles on.
func TestStaffMessageListPlanDoesNotSort(t *testing.T) {
	env := testkit.New(t, info.New)
	for _, f := range []info.MessageFilter{{Limit: 50, Offset: 50}, {Kind: info.KindGroup, Limit: 50}, {BeforeID: 1000, Limit: 200}} {
		query, args := info.ListMessagesQuery(f)
		dbtest.NoSort(t, env.Deps.DB, query, args...)
	}
}
