package info_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/modules/info"
)

func TestMessageDetailAndUnread(t *testing.T) {
	w := newWorld(t)
	global := w.message(t, info.Message{Kind: info.KindGlobal, Title: "Global news",
		Body: `<p>Hello <b>there</b></p><script>alert(1)</script><a href="javascript:alert(2)">x</a><img src=x onerror=alert(3)>`})
	privB := w.message(t, info.Message{Kind: info.KindPrivate, ClientID: w.b, Title: "Private for B"})
	groupB := w.message(t, info.Message{Kind: info.KindGroup, GroupID: w.g2, Title: "Business news"})
	expired := w.message(t, info.Message{Kind: info.KindGlobal, Title: "Old", ValidUntil: w.now.Add(-time.Minute), ValidFrom: w.now.Add(-time.Hour)})

	a := w.env.Browser().LoginAs(w.a)
	a.Get("/info").Expect(t, 200, `class="unread"`, "1 new")
	r := a.Get(fmt.Sprintf("/info/messages/%d", global)).Expect(t, 200, "Global news", "<p>Hello <b>there</b></p>")
	r.Lacks(t, "<script>", "alert(", "javascript:", "onerror")
	a.Get("/info").Expect(t, 200, "Global news").Lacks(t, `class="unread"`)

	// Reading state is per client: B still sees it unread.
	bb := w.env.Browser().LoginAs(w.b)
	body := bb.Get("/info").Expect(t, 200, `class="unread"`).Body
	if strings.Count(body, `class="unread"`) != 3 {
		t.Fatalf("B should have 3 unread messages:\n%s", body)
	}
	bb.Header.Set("Accept-Language", "cs")
	bb.Get("/info").Expect(t, 200, "3 nové")

	// Other clients' and out-of-date messages, and malformed ids, are 404 for A.
	for _, p := range []string{fmt.Sprint(privB), fmt.Sprint(groupB), fmt.Sprint(expired), "0", "-1", "abc", "1e3", "99999999999999999999", "%201"} {
		a.Get("/info/messages/"+p).Expect(t, 404)
	}
	bb.Get(fmt.Sprintf("/info/messages/%d", privB)).Expect(t, 200, "Private for B")
}

// TestMessageIDHasOneSpelling: a message answers only at its canonical id; a leading
// zero or a plus sign is another URL and answers 404 (it used to show the message).
func TestMessageIDHasOneSpelling(t *testing.T) {
	w := newWorld(t)
	id := w.message(t, info.Message{Kind: info.KindGlobal, Title: "Global news"})
	a := w.env.Browser().LoginAs(w.a)
	a.Get(fmt.Sprintf("/info/messages/%d", id)).Expect(t, 200, "Global news")
	for _, p := range []string{"0%d", "00%d", "+%d"} {
		a.Get("/info/messages/"+fmt.Sprintf(p, id)).Expect(t, 404)
	}
}
