//go:build !race

package main

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/db/dbtest"
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/testkit"
	"golang.org/x/net/html"
)

// hostileFormValues are what the walk posts in place of the values a page filled in;
// on PostgreSQL only those the engines treat differently (see pgStrings).
var hostileFormValues = []string{"", "a\x00b", "\xff\xfe", "<script>alert(1)</script>", "' OR 1=1 --", "-1",
	"99999999999999999999", "2026-02-30", strings.Repeat("é", 70_000)}

func formValues() []string {
	if dbtest.Postgres() {
		return []string{"a\x00b", "\xff\xfe", "-1", "99999999999999999999", strings.Repeat("é", 70_000)}
	}
	return hostileFormValues
}

// TestHostileForms crawls the staff console as an administrator, the subscriber pages
// as the demo client (on the default brand and on the second brand's domain) and as
// each of its invited people, and the login, password and sign-up pages as a visitor
// (on both brands), each on demo data of its own and in parallel (on PostgreSQL the
// walks wait for the server more than they compute). Each follows every link of its
// side once per kind of address (numbers stand for any number), opens each address
// again with ids no row has, and submits every kind of form it finds as the page
// filled it, with every field set to each hostile value, and with each field alone set
// to one (see submit). No page and no answer may be a server error or carry database,
// runtime or decoder text; forms re-render with field errors or redirect.
func TestHostileForms(t *testing.T) {
	t.Parallel()
	walks := []struct {
		name         string
		pages, forms int // what the walk must at least reach
		start        func(t *testing.T) *formWalk
	}{
		{"staff", 50, 50, staffWalk},
		{"client", 20, 10, func(t *testing.T) *formWalk {
			env, seed := demoEnv(t)
			demo := seed.ClientIDs[app.DemoClientNumber]
			return &formWalk{t: t, env: env, root: "/", login: func() *testkit.Browser { return env.Browser().LoginAs(demo) }}
		}},
		// A visitor: the login, password and sign-up pages, with self sign-up open.
		{"visitor", 3, 3, func(t *testing.T) *formWalk {
			env, _ := demoEnv(t)
			env.Set("ci_signup_enable", "1")
			return &formWalk{t: t, env: env, root: "/login", login: env.Browser}
		}},
		// The demo client and a visitor on the demo's second brand (its own theme,
		// language and settings).
		{"client on the second brand", 20, 3, func(t *testing.T) *formWalk { return brandWalk(t, false) }},
		{"visitor on the second brand", 3, 3, func(t *testing.T) *formWalk { return brandWalk(t, true) }},
		// The demo account's invited people, whose roles reach part of the pages and
		// refuse the rest.
		{"person demo-ucetni", 8, 3, func(t *testing.T) *formWalk { return personWalk(t, "demo-ucetni") }},
		{"person demo-technik", 8, 3, func(t *testing.T) *formWalk { return personWalk(t, "demo-technik") }},
	}
	for _, c := range walks {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := c.start(t)
			w.run()
			t.Logf("%d pages, %d forms, %d posts", w.pages, w.forms, w.posts)
			if w.pages < c.pages || w.forms < c.forms {
				t.Errorf("only %d pages and %d forms reached", w.pages, w.forms)
			}
			if w.after != nil {
				w.after()
			}
		})
	}
}

// staffWalk is the console's walk as an administrator. Afterwards every console page
// a module declares must have been reached by following links from the console's
// home, or the walk would say nothing of it.
func staffWalk(t *testing.T) *formWalk {
	env, seed := demoEnv(t)
	// One mail in the outbox, so that its page is there to reach.
	env.Tx(func(tx *sql.Tx) error {
		_, err := mail.Enqueue(context.Background(), tx, mail.Message{To: []string{"jana@example.net"}, Subject: "Walk",
			Text: "A mail for the outbox page.", Purpose: "walk", ClientID: seed.ClientIDs[app.DemoClientNumber]})
		return err
	})
	w := &formWalk{t: t, env: env, root: "/admin", login: func() *testkit.Browser { return env.StaffBrowser(core.RoleAdmin) }}
	param := regexp.MustCompile(`:[a-z]+`)
	w.after = func() {
		for _, p := range env.Deps.Declared.StaffPages() {
			k := kind(&url.URL{Path: strings.TrimSuffix("/admin"+param.ReplaceAllString(p.Path, "N"), "/")})
			if p.Method == http.MethodGet && !w.reached(k) {
				t.Errorf("console page %s (%s) is not reached from the console's links", p.Path, p.Module)
			}
		}
	}
	return w
}

// brandWalk is the demo client's walk (made a client of the second brand), or a
// visitor's, on the second demo brand's domain.
func brandWalk(t *testing.T, visitor bool) *formWalk {
	env, seed := demoEnv(t)
	var host string
	var brand int64
	if err := env.Deps.DB.R.QueryRow(`SELECT host, brand_id FROM brand_domains WHERE brand_id <> 1 ORDER BY host LIMIT 1`).Scan(&host, &brand); err != nil {
		t.Fatalf("demo brand domain: %v", err)
	}
	if visitor {
		env.Set("ci_signup_enable", "1")
		return &formWalk{t: t, env: env, root: "/login", login: func() *testkit.Browser { b := env.Browser(); b.Host = host; return b }}
	}
	demo := seed.ClientIDs[app.DemoClientNumber]
	if _, err := env.Deps.DB.W.Exec(`UPDATE clients SET brand_id = ? WHERE id = ?`, brand, demo); err != nil {
		t.Fatal(err)
	}
	return &formWalk{t: t, env: env, root: "/", login: func() *testkit.Browser {
		b := env.Browser().LoginAs(demo)
		b.Host = host
		return b
	}}
}

// personWalk is the walk of one of the demo account's invited people.
func personWalk(t *testing.T, login string) *formWalk {
	env, seed := demoEnv(t)
	var id int64
	var role string
	if err := env.Deps.DB.R.QueryRow(`SELECT id, role FROM people WHERE login = ?`, login).Scan(&id, &role); err != nil {
		t.Fatalf("demo person %s: %v", login, err)
	}
	owner := seed.ClientIDs[app.DemoClientNumber]
	return &formWalk{t: t, env: env, root: "/", login: func() *testkit.Browser {
		return env.Browser().LoginAsPerson(owner, id, login, role)
	}}
}

// demoEnv is the portal of every module with the demo data.
func demoEnv(t *testing.T) (*testkit.Env, app.SeedEnv) {
	env := testkit.New(t, modules...)
	seed, err := app.SeedDemo(context.Background(), env.Env)
	if err != nil {
		t.Fatal(err)
	}
	return env, seed
}

type formWalk struct {
	t                   *testing.T
	env                 *testkit.Env
	root                string
	login               func() *testkit.Browser
	b                   *testkit.Browser
	pages, forms, posts int
	seen                map[string]bool
	after               func() // checks once the walk is done
}

// form is a form as the page renders it: where it posts and its fields' values.
type form struct {
	action string
	fields url.Values
}

var digits = regexp.MustCompile(`[0-9]+`)

// kind is an address with its numbers and query values left out: one visit each.
func kind(u *url.URL) string {
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return digits.ReplaceAllString(u.Path, "N") + "?" + strings.Join(keys, "&")
}

// ours reports whether a link or form address belongs to this walk's side.
func (w *formWalk) ours(u *url.URL) bool { return onSide(w.root, u) }

// onSide reports whether an address belongs to the side whose home is root (the
// console's /admin, or the subscriber's pages) and is safe to follow: not the other
// side, not another site, not logging out, not the API.
func onSide(root string, u *url.URL) bool {
	if u.Host != "" || u.Scheme != "" || !strings.HasPrefix(u.Path, "/") || strings.Contains(u.Path, "logout") {
		return false
	}
	if root == "/admin" {
		return strings.HasPrefix(u.Path, "/admin/") || u.Path == "/admin"
	}
	return !strings.HasPrefix(u.Path, "/admin") && !strings.HasPrefix(u.Path, "/jsonrpc") && !strings.HasPrefix(u.Path, "/api")
}

func (w *formWalk) run() {
	w.b = w.login()
	seen := map[string]bool{}
	formSeen := map[string]bool{}
	queue := []string{w.root}
	var forms []form
	for len(queue) > 0 && w.pages < 500 {
		path := queue[0]
		queue = queue[1:]
		u, _ := url.Parse(path)
		if seen[kind(u)] {
			continue
		}
		seen[kind(u)] = true
		r := w.b.Get(path)
		w.pages++
		w.check("GET "+path, r)
		// The same address with ids no row has: the largest int64 (PostgreSQL refuses
		// it where a query types the id as int4), one past it, and a negative one.
		if digits.MatchString(u.Path) {
			for _, id := range []string{"9223372036854775807", "9223372036854775808", "-1"} {
				odd := *u
				odd.Path = digits.ReplaceAllString(u.Path, id)
				w.check("GET "+odd.String(), w.b.Get(odd.String()))
			}
		}
		if loc := r.Header.Get("Location"); r.StatusCode >= 300 && r.StatusCode < 400 && loc != "" {
			if lu, err := u.Parse(loc); err == nil && w.ours(lu) {
				queue = append(queue, lu.String())
			}
			continue
		}
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || r.StatusCode != http.StatusOK {
			continue
		}
		links, fs := parsePage(r.Body, u)
		for _, l := range links {
			if lu, err := url.Parse(l); err == nil && w.ours(lu) && !seen[kind(lu)] {
				queue = append(queue, l)
			}
		}
		for _, f := range fs {
			fu, err := url.Parse(f.action)
			if err != nil || !w.ours(fu) {
				continue
			}
			names := make([]string, 0, len(f.fields))
			for n := range f.fields {
				names = append(names, n)
			}
			sort.Strings(names)
			k := kind(fu) + " " + strings.Join(names, ",")
			if !formSeen[k] {
				formSeen[k] = true
				forms = append(forms, f)
			}
		}
	}
	for _, f := range forms {
		w.submit(f)
	}
	w.seen = seen
}

// submit posts f as rendered; then once per hostile value with every field set to it
// (the form's whole validation at once); then each field alone set to one hostile
// value, a different one from field to field, so that a field no other refusal
// shadows still meets one. After a post that ended the walk's session (a form that
// removes its own account or session) it logs in again.
func (w *formWalk) submit(f form) {
	w.forms++
	try := func(what string, v url.Values) {
		w.posts++
		v.Del("csrf")
		r := w.b.Post(f.action, v)
		w.check("POST "+f.action+" "+what, r)
		if loc := r.Header.Get("Location"); r.StatusCode == http.StatusForbidden || r.StatusCode == http.StatusUnauthorized ||
			strings.Contains(loc, "/login") {
			w.b = w.login()
		}
	}
	names := make([]string, 0, len(f.fields))
	for name := range f.fields {
		if name != "csrf" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	try("as rendered", cloneValues(f.fields))
	values := formValues()
	for _, h := range values {
		v := cloneValues(f.fields)
		for _, name := range names {
			v.Set(name, h)
		}
		try("every field="+short(h), v)
	}
	for i, name := range names {
		h := values[(i+w.forms)%len(values)]
		v := cloneValues(f.fields)
		v.Set(name, h)
		try(name+"="+short(h), v)
	}
}

// reached reports whether an address of kind k (query left out) was visited.
func (w *formWalk) reached(k string) bool {
	k = strings.TrimSuffix(k, "?")
	for s := range w.seen {
		if strings.HasPrefix(s, k+"?") {
			return true
		}
	}
	return false
}

func (w *formWalk) check(what string, r *testkit.Response) {
	w.t.Helper()
	if r.StatusCode >= 500 {
		w.t.Errorf("%s: %d %.300s", what, r.StatusCode, r.Body)
		return
	}
	if m := leak(r.Body); m != "" {
		i := strings.Index(r.Body, m)
		w.t.Errorf("%s: %d, the page carries %q: …%.200s…", what, r.StatusCode, m, r.Body[max(0, i-100):min(len(r.Body), i+100)])
	}
}

func short(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// parsePage returns a page's links and its POST forms with the values a browser
// would send unchanged (inputs, the selected option of each select, textareas,
// checked boxes), resolved against the page's address.
func parsePage(body string, base *url.URL) (links []string, forms []form) {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return nil, nil
	}
	attr := func(n *html.Node, k string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == k {
				return a.Val, true
			}
		}
		return "", false
	}
	resolve := func(ref string) string {
		u, err := base.Parse(ref)
		if err != nil {
			return ""
		}
		u.Fragment = ""
		return u.String()
	}
	var cur *form
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "a":
				if h, ok := attr(n, "href"); ok {
					if l := resolve(h); l != "" {
						links = append(links, l)
					}
				}
			case "form":
				m, _ := attr(n, "method")
				if strings.EqualFold(m, "post") {
					a, _ := attr(n, "action")
					f := form{action: resolve(a), fields: url.Values{}}
					cur = &f
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						walk(c)
					}
					forms = append(forms, f)
					cur = nil
					return
				}
			case "input":
				if cur != nil {
					name, _ := attr(n, "name")
					typ, _ := attr(n, "type")
					val, _ := attr(n, "value")
					_, checked := attr(n, "checked")
					switch {
					case name == "" || typ == "submit" || typ == "button" || typ == "file":
					case (typ == "checkbox" || typ == "radio") && !checked:
						cur.fields[name] = append(cur.fields[name], []string{}...)
					case typ == "checkbox" && val == "":
						cur.fields.Add(name, "on")
					default:
						cur.fields.Add(name, val)
					}
				}
			case "textarea":
				if cur != nil {
					if name, _ := attr(n, "name"); name != "" {
						text := ""
						if n.FirstChild != nil {
							text = n.FirstChild.Data
						}
						cur.fields.Add(name, text)
					}
				}
			case "select":
				if cur != nil {
					if name, _ := attr(n, "name"); name != "" {
						first, chosen := "", ""
						var opts func(*html.Node)
						opts = func(o *html.Node) {
							for c := o.FirstChild; c != nil; c = c.NextSibling {
								if c.Type == html.ElementNode && c.Data == "option" {
									v, ok := attr(c, "value")
									if !ok && c.FirstChild != nil {
										v = c.FirstChild.Data
									}
									if first == "" {
										first = v
									}
									if _, sel := attr(c, "selected"); sel {
										chosen = v
									}
								} else {
									opts(c)
								}
							}
						}
						opts(n)
						if chosen == "" {
							chosen = first
						}
						cur.fields.Add(name, chosen)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return links, forms
}
