//go:build !race

// Sequential like the hostile-input walks: make test runs it without the race
// detector, on SQLite and PostgreSQL (see hostile_api_test.go).

package main

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/db"
	"github.com/ispportal/portal/internal/testkit"
)

// TestOtherClientSeesNothing holds every subscriber page to the rule that a client's
// data reaches only that client's sessions, without a test per page. On the demo data
// it learns each client's private text from the database itself (every text value of
// every row with the client's client_id, and of the client's own row, that no other
// client's rows hold), crawls the subscriber pages as the demo client (1001, who has
// data in every module) and as another (1002), following every link once, and then
// opens every address 1001 reached that names an id, as 1002. No page either of them
// sees may carry the other's private text; an address of 1001's that 1002's own
// crawl did not reach answers 1002 with no page (404, 403 or a redirect), or with a
// page that carries none of 1001's text and is not 1001's file.
func TestOtherClientSeesNothing(t *testing.T) {
	t.Parallel()
	env, seed := demoEnv(t)
	a, b := seed.ClientIDs[app.DemoClientNumber], seed.ClientIDs["1002"]
	if a == 0 || b == 0 {
		t.Fatal("demo clients 1001 and 1002 missing")
	}
	aText, bText := privateText(t, env, a), privateText(t, env, b)
	if len(aText) < 30 || len(bText) < 3 {
		t.Fatalf("only %d private texts of 1001 and %d of 1002 found", len(aText), len(bText))
	}
	aPages := crawlAll(t, env.Browser().LoginAs(a))
	bBrowser := env.Browser().LoginAs(b)
	bPages := crawlAll(t, bBrowser)

	shown := map[string]bool{}
	for u, p := range aPages {
		for _, s := range aText {
			if p.html && strings.Contains(p.body, html.EscapeString(s)) {
				shown[s] = true
			}
		}
		if s := carries(p, bText); s != "" {
			t.Errorf("1001's page %s carries 1002's %q", u, s)
		}
	}
	// The check can see a leak: 1001's own pages show much of 1001's text.
	if len(shown) < 20 {
		t.Fatalf("1001's own pages show only %d of 1001's %d private texts: the walk sees too little", len(shown), len(aText))
	}
	for u, p := range bPages {
		if s := carries(p, aText); s != "" {
			t.Errorf("1002's page %s carries 1001's %q", u, s)
		}
	}
	tried := 0
	for u, p := range aPages {
		if _, own := bPages[u]; own || !digits.MatchString(u) || p.status != http.StatusOK {
			continue
		}
		tried++
		r := bBrowser.Get(u)
		q := page{status: r.StatusCode, body: r.Body, html: strings.HasPrefix(r.Header.Get("Content-Type"), "text/html")}
		switch {
		case q.status == http.StatusOK && !q.html && q.body == p.body:
			t.Errorf("1002 gets 1001's file %s", u)
		case q.status == http.StatusOK:
			if s := carries(q, aText); s != "" {
				t.Errorf("1002 opening 1001's %s sees 1001's %q", u, s)
			}
		case q.status >= 500:
			t.Errorf("1002 opening 1001's %s: %d", u, q.status)
		}
	}
	if tried < 15 {
		t.Fatalf("only %d of 1001's addresses with ids tried as 1002", tried)
	}
	t.Logf("1001: %d pages, %d private texts (%d shown to 1001); 1002: %d pages, %d private texts; %d of 1001's addresses opened as 1002",
		len(aPages), len(aText), len(shown), len(bPages), len(bText), tried)
}

// page is what a crawl keeps of an answer.
type page struct {
	status int
	body   string
	html   bool
}

// carries returns the first of texts the page shows (escaped as a page writes it, or
// as it is in a file), or "".
func carries(p page, texts []string) string {
	for _, s := range texts {
		if strings.Contains(p.body, html.EscapeString(s)) || (!p.html && strings.Contains(p.body, s)) {
			return s
		}
	}
	return ""
}

// crawlAll follows every subscriber link from the home page once (every address, not
// one of each kind), GET only, and keeps each answer.
func crawlAll(t *testing.T, b *testkit.Browser) map[string]page {
	t.Helper()
	pages := map[string]page{}
	queue := []string{"/"}
	for len(queue) > 0 && len(pages) < 600 {
		u := queue[0]
		queue = queue[1:]
		if _, ok := pages[u]; ok {
			continue
		}
		r := b.Get(u)
		p := page{status: r.StatusCode, body: r.Body, html: strings.HasPrefix(r.Header.Get("Content-Type"), "text/html")}
		pages[u] = p
		base, _ := url.Parse(u)
		var links []string
		if loc := r.Header.Get("Location"); r.StatusCode >= 300 && r.StatusCode < 400 && loc != "" {
			links = []string{loc}
		} else if p.html && p.status == http.StatusOK {
			links, _ = parsePage(p.body, base)
		}
		for _, l := range links {
			lu, err := base.Parse(l)
			if err != nil || !onSide("/", lu) {
				continue
			}
			lu.Fragment = ""
			if _, ok := pages[lu.String()]; !ok {
				queue = append(queue, lu.String())
			}
		}
	}
	if len(pages) >= 600 {
		t.Fatalf("the crawl found more than 600 addresses")
	}
	return pages
}

// notPrivate are texts that name nobody: dates, times, amounts, ids and codes.
var notPrivate = regexp.MustCompile(`^[-0-9 :.,+TZ/]*$`)

// privateText is the client's text no other client's rows hold: every text column of
// the client's row in clients and of the client's rows in every table with a
// client_id, where the value has a space or an @ (names, addresses, subjects, e-mail
// addresses; not states and codes, which many rows share) and is not a date or an
// amount.
func privateText(t *testing.T, env *testkit.Env, clientID int64) []string {
	t.Helper()
	ctx := t.Context()
	q := env.Deps.DB.R
	tables := []string{}
	list := `SELECT m.name FROM sqlite_master m WHERE m.type = 'table'
		AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = 'client_id') ORDER BY 1`
	if env.Deps.DB.Dialect == db.Postgres {
		list = `SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema()
			AND column_name = 'client_id' ORDER BY 1`
	}
	rows, err := q.QueryContext(ctx, list)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	mine, others := map[string]bool{}, map[string]bool{}
	collect := func(query string, args []any, into map[string]bool) {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				var s string
				switch x := v.(type) {
				case string:
					s = x
				case []byte:
					s = string(x)
				default:
					continue
				}
				s = strings.TrimSpace(s)
				if len(s) >= 8 && strings.ContainsAny(s, " @") && !notPrivate.MatchString(s) && !strings.ContainsAny(s, "\n<>&\"'") {
					into[s] = true
				}
			}
		}
	}
	collect(`SELECT * FROM clients WHERE id = ?`, []any{clientID}, mine)
	collect(`SELECT * FROM clients WHERE id <> ?`, []any{clientID}, others)
	for _, tb := range tables {
		collect(fmt.Sprintf(`SELECT * FROM %s WHERE client_id = ?`, tb), []any{clientID}, mine)
		collect(fmt.Sprintf(`SELECT * FROM %s WHERE client_id IS NULL OR client_id <> ?`, tb), []any{clientID}, others)
	}
	var out []string
	for s := range mine {
		if !others[s] {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
