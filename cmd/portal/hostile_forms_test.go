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
	"github.com/ispportal/portal/internal/mail"
	"github.com/ispportal/portal/internal/testkit"
	"golang.org/x/net/html"
)

// hostileFormValues are what the walk posts in place of the values a page filled in.
var hostileFormValues = []string{"", "a\x00b", "\xff\xfe", "<script>alert(1)</script>", "' OR 1=1 --", "-1",
	"99999999999999999999", "2026-02-30", strings.Repeat("é", 70_000)}

// TestHostileForms crawls the staff console as an administrator, the subscriber pages
// as the demo client (on the default brand and on the second brand's domain) and as
// each of its invited people, and the login, password and sign-up pages as a visitor
// (on both brands), each on demo data of its own. It follows every link of its side once per kind of address
// (numbers stand for any number), opens each address again with ids no row has, and
// submits every kind of form it finds as the page filled it, with every field set to
// each hostile value, and with each field alone set to one (see submit). No page and
// no answer may be a server error or carry database, runtime or decoder text; forms
// re-render with field errors or redirect.
func TestHostileForms(t *testing.T) {
	// Each side on demo data of its own, so that what the console's posts change
	// (settings that hide tabs, removed rows) does not decide what the subscriber's walk reaches.
	env, seed := demoEnv(t)
	// One mail in the outbox, so that its page is there to reach.
	env.Tx(func(tx *sql.Tx) error {
		_, err := mail.Enqueue(context.Background(), tx, mail.Message{To: []string{"jana@example.net"}, Subject: "Walk",
			Text: "A mail for the outbox page.", Purpose: "walk", ClientID: seed.ClientIDs[app.DemoClientNumber]})
		return err
	})
	staff := &formWalk{t: t, env: env, root: "/admin", login: func() *testkit.Browser { return env.StaffBrowser(core.RoleAdmin) }}
	staff.run()
	// Every console page a module declares is reached by following links from the
	// console's home, or the walk would say nothing of it.
	param := regexp.MustCompile(`:[a-z]+`)
	for _, p := range env.Deps.Declared.StaffPages() {
		k := kind(&url.URL{Path: strings.TrimSuffix("/admin"+param.ReplaceAllString(p.Path, "N"), "/")})
		if p.Method == http.MethodGet && !staff.reached(k) {
			t.Errorf("console page %s (%s) is not reached from the console's links", p.Path, p.Module)
		}
	}

	cenv, cseed := demoEnv(t)
	demo := cseed.ClientIDs[app.DemoClientNumber]
	if demo == 0 {
		t.Fatal("no demo client in the seed")
	}
	client := &formWalk{t: t, env: cenv, root: "/", login: func() *testkit.Browser { return cenv.Browser().LoginAs(demo) }}
	client.run()
	// A visitor: the login, password and sign-up pages, with self sign-up open.
	aenv, _ := demoEnv(t)
	aenv.Set("ci_signup_enable", "1")
	visitor := &formWalk{t: t, env: aenv, root: "/login", login: aenv.Browser}
	visitor.run()
	// The demo account's invited people, whose roles reach part of the pages and
	// refuse the rest.
	// Each walk with the pages and forms it must at least reach.
	type reach struct {
		name         string
		w            *formWalk
		pages, forms int
	}
	walks := []reach{{"staff", staff, 50, 50}, {"client", client, 20, 10}, {"visitor", visitor, 3, 3}}
	// The demo client and a visitor on the demo's second brand (its own theme, language
	// and settings).
	for _, who := range []string{"client", "visitor"} {
		benv, bseed := demoEnv(t)
		var host string
		var brand int64
		if err := benv.Deps.DB.R.QueryRow(`SELECT host, brand_id FROM brand_domains WHERE brand_id <> 1 ORDER BY host LIMIT 1`).Scan(&host, &brand); err != nil {
			t.Fatalf("demo brand domain: %v", err)
		}
		// The demo client belongs to the default brand; here it is the second brand's.
		demo := bseed.ClientIDs[app.DemoClientNumber]
		if _, err := benv.Deps.DB.W.Exec(`UPDATE clients SET brand_id = ? WHERE id = ?`, brand, demo); err != nil {
			t.Fatal(err)
		}
		root, pages, login := "/", 20, func() *testkit.Browser {
			b := benv.Browser().LoginAs(demo)
			b.Host = host
			return b
		}
		if who == "visitor" {
			benv.Set("ci_signup_enable", "1")
			root, pages, login = "/login", 3, func() *testkit.Browser { b := benv.Browser(); b.Host = host; return b }
		}
		w := &formWalk{t: t, env: benv, root: root, login: login}
		w.run()
		walks = append(walks, reach{who + " on " + host, w, pages, 3})
	}
	for _, login := range []string{"demo-ucetni", "demo-technik"} {
		penv, pseed := demoEnv(t)
		var id int64
		var role string
		if err := penv.Deps.DB.R.QueryRow(`SELECT id, role FROM people WHERE login = ?`, login).Scan(&id, &role); err != nil {
			t.Fatalf("demo person %s: %v", login, err)
		}
		owner := pseed.ClientIDs[app.DemoClientNumber]
		w := &formWalk{t: t, env: penv, root: "/", login: func() *testkit.Browser {
			return penv.Browser().LoginAsPerson(owner, id, login, role)
		}}
		w.run()
		walks = append(walks, reach{login + " (" + role + ")", w, 8, 3})
	}
	for _, c := range walks {
		w := c.w
		t.Logf("%s: %d pages, %d forms, %d posts", c.name, w.pages, w.forms, w.posts)
		if w.pages < c.pages || w.forms < c.forms {
			t.Errorf("%s: only %d pages and %d forms reached", c.name, w.pages, w.forms)
		}
	}
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

// ours reports whether a link or form address belongs to this side and is safe to
// follow: not the other side, not logging out, not a file a browser downloads.
func (w *formWalk) ours(u *url.URL) bool {
	if u.Host != "" || u.Scheme != "" || !strings.HasPrefix(u.Path, "/") || strings.Contains(u.Path, "logout") {
		return false
	}
	if w.root == "/admin" {
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
	for _, h := range hostileFormValues {
		v := cloneValues(f.fields)
		for _, name := range names {
			v.Set(name, h)
		}
		try("every field="+short(h), v)
	}
	for i, name := range names {
		h := hostileFormValues[(i+w.forms)%len(hostileFormValues)]
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
