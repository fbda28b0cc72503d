package admin_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
)

// clientForm is a complete, valid client form for the given number and version.
func clientForm(number, version string) url.Values {
	return url.Values{"number": {number}, "name": {"Jana Nováková"}, "email": {"jana@example.net"}, "phone": {"+420 222 333 444"},
		"street": {"Korunní 5"}, "city": {"Praha"}, "postcode": {"120 00"}, "country": {"cz"}, "inv_street": {"Vinohradská 1"},
		"inv_city": {"Praha 2"}, "inv_postcode": {"120 00"}, "inv_country": {"CZ"}, "language": {"cs"}, "invoice_group_id": {"0"},
		"active": {"0", "1"}, "is_business": {"0"}, "version": {version}}
}

func loadClient(t *testing.T, env *testkit.Env, id int64) core.Client {
	t.Helper()
	cl, err := core.ClientByID(context.Background(), env.Deps.DB.R, id)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

// formVersion opens the client's edit form and returns the version it carries.
func formVersion(t *testing.T, b *testkit.Browser, id int64) string {
	t.Helper()
	r := b.Get(fmt.Sprintf("/admin/clients/%d/edit", id)).Expect(t, 200, "Edit client")
	m := versionField.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatal("the form carries no version")
	}
	return m[1]
}

func TestClientCreateByHandAndEdit(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	g := env.AddGroup("Business")
	b := staffBrowser(t, env, core.RoleSupport)
	b.RemoteAddr = "198.51.100.7:4000"
	b.Get("/admin/clients").Expect(t, 200, `href="/admin/clients/new"`)
	b.Get("/admin/clients/new").Expect(t, 200, "New client", `name="number"`)
	f := clientForm("9100", "")
	f.Set("invoice_group_id", fmt.Sprint(g))
	r := b.Post("/admin/clients/new", f).Expect(t, 303)
	var id int64
	fmt.Sscanf(r.Header.Get("Location"), "/admin/clients/%d", &id)
	cl := loadClient(t, env, id)
	if cl.Number != "9100" || cl.ExternalID != "" || cl.InvoiceGroupID != g || cl.Country != "CZ" || cl.InvCity != "Praha 2" || !cl.Active || cl.Language != "cs" {
		t.Fatalf("created %+v", cl)
	}
	list, _ := core.AuditList(context.Background(), env.Deps.DB.R, core.AuditFilter{Action: "client.add", Limit: 5})
	if len(list) != 1 || list[0].Actor != "staff:support1" || list[0].IP != "198.51.100.7" || list[0].ClientID != id {
		t.Fatalf("audit %+v", list)
	}
	b.Get(fmt.Sprintf("/admin/clients/%d", id)).Expect(t, 200, "Vinohradská 1", "Business", "Edit client", `href="#c-documents"`, `href="#c-logins"`).Lacks(t, "/admin/audit?client=")
	staffBrowser(t, env, core.RoleAdmin).Get(fmt.Sprintf("/admin/clients/%d", id)).Expect(t, 200, "/admin/audit?client=9100")

	v := formVersion(t, b, id)
	f = clientForm("9100", v)
	f.Set("email", "nova@example.net")
	f.Set("invoice_group_id", "0")
	b.Post(fmt.Sprintf("/admin/clients/%d/edit", id), f).Expect(t, 303)
	cl = loadClient(t, env, id)
	if cl.Email != "nova@example.net" || cl.InvoiceGroupID != 0 || fmt.Sprint(cl.Version) == v {
		t.Fatalf("edited %+v", cl)
	}
	if n := env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'client.edit' AND detail LIKE '%email%' AND ip = '198.51.100.7'`); n != 1 {
		t.Fatalf("edit audited %d times", n)
	}

	// Read-only staff see the card but no form, and the form's URLs refuse them.
	ro := staffBrowser(t, env, core.RoleReadOnly)
	ro.Get(fmt.Sprintf("/admin/clients/%d", id)).Expect(t, 200).Lacks(t, "/edit\"", `action="/admin/clients/`+fmt.Sprint(id)+`/notes"`)
	ro.Get(fmt.Sprintf("/admin/clients/%d/edit", id)).Expect(t, 403)
	ro.Post(fmt.Sprintf("/admin/clients/%d/edit", id), clientForm("9100", fmt.Sprint(cl.Version))).Expect(t, 403)
	ro.Post("/admin/clients/new", clientForm("9101", "")).Expect(t, 403)
	if env.Count(`SELECT COUNT(*) FROM clients WHERE number = '9101'`) != 0 {
		t.Fatal("read-only staff created a client")
	}
}

// The second of two saves from forms opened on the same version is refused with a
// clear message, and the first save stays.
func TestClientConcurrentEditRefused(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := env.AddClient("9200", 0)
	first, second := staffBrowser(t, env, core.RoleSupport), staffBrowser(t, env, core.RoleAdmin)
	v1, v2 := formVersion(t, first, id), formVersion(t, second, id)
	if v1 != v2 {
		t.Fatal("versions differ")
	}
	f := clientForm("9200", v1)
	f.Set("email", "first@example.net")
	first.Post(fmt.Sprintf("/admin/clients/%d/edit", id), f).Expect(t, 303)

	f = clientForm("9200", v2)
	f.Set("email", "second@example.net")
	second.Post(fmt.Sprintf("/admin/clients/%d/edit", id), f).
		Expect(t, 409, "someone else changed this client", `value="second@example.net"`)
	if cl := loadClient(t, env, id); cl.Email != "first@example.net" {
		t.Fatalf("the second save overwrote the first: %q", cl.Email)
	}
	if env.AuditCount("client.edit", "staff:admin1") != 0 {
		t.Fatal("a refused save was audited")
	}
	// In Czech too.
	cz := env.StaffBrowserAs("admin2", core.RoleAdmin)
	cz.Header = map[string][]string{"Accept-Language": {"cs"}}
	cz.Post(fmt.Sprintf("/admin/clients/%d/edit", id), clientForm("9200", v1)).Expect(t, 409, "změnil někdo jiný")
	// A version that is not a number is a bad request, not a silent overwrite.
	second.Post(fmt.Sprintf("/admin/clients/%d/edit", id), clientForm("9200", "")).Expect(t, 400)
}

func TestClientFormRefusesBadInput(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := env.AddClient("9300", 0)
	other := env.AddClient("9301", 0)
	env.Tx(func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE clients SET username = 'petr' WHERE id = ?`, other)
		return err
	})
	env.Set("ci_enable_login_name_creation", "1")
	b := staffBrowser(t, env, core.RoleSupport)
	edit := fmt.Sprintf("/admin/clients/%d/edit", id)
	before := loadClient(t, env, id)
	v := fmt.Sprint(before.Version)
	cases := []struct {
		name  string
		set   map[string]string
		field string
		want  string
	}{
		{"duplicate number", map[string]string{"number": "9301"}, "number", "Another client already logs in"},
		{"number equal to a username", map[string]string{"number": "PETR"}, "number", "Another client already logs in"},
		{"duplicate username", map[string]string{"username": "Petr"}, "username", "Another client already logs in"},
		{"username equal to a number", map[string]string{"username": "9301"}, "username", "Another client already logs in"},
		{"empty name", map[string]string{"name": "  "}, "name", "This field is required"},
		{"control characters", map[string]string{"name": "Jana\u202eNováková"}, "name", "control characters"},
		{"bad e-mail", map[string]string{"email": "jana@"}, "email", "Enter an e-mail address"},
		{"country", map[string]string{"country": "CZE"}, "country", "This value is too long"},
		{"country letters", map[string]string{"inv_country": "1Z"}, "inv_country", "two-letter country code"},
		{"unknown group", map[string]string{"invoice_group_id": "999"}, "invoice_group_id", "Please check this value"},
		{"deactivated without a reason", map[string]string{"active": "0"}, "inactive_reason", "Say why"},
		{"too long", map[string]string{"street": strings.Repeat("a", 201)}, "street", "This value is too long"},
	}
	for _, tc := range cases {
		f := clientForm("9300", v)
		for k, val := range tc.set {
			f.Del(k)
			f.Set(k, val)
		}
		b.Post(edit, f).Expect(t, 422, tc.want, `id="e-`+tc.field+`"`)
		if got := loadClient(t, env, id); got != before {
			t.Fatalf("%s: the client changed: %+v", tc.name, got)
		}
	}
	// New usernames only while ci_enable_login_name_creation is on; one the client
	// has is kept whatever the setting.
	env.Set("ci_enable_login_name_creation", "0")
	f := clientForm("9300", v)
	f.Set("username", "jana")
	b.Post(edit, f).Expect(t, 422, "switched off")
	env.Set("ci_enable_login_name_creation", "1")
	b.Post(edit, f).Expect(t, 303)
	env.Set("ci_enable_login_name_creation", "0")
	f.Set("version", fmt.Sprint(loadClient(t, env, id).Version))
	f.Set("phone", "+420 111")
	b.Post(edit, f).Expect(t, 303)
	if cl := loadClient(t, env, id); cl.Username != "jana" || cl.Phone != "+420 111" {
		t.Fatalf("username not kept: %+v", cl)
	}
	// A hostile name is stored as typed and shown escaped.
	f.Set("version", fmt.Sprint(loadClient(t, env, id).Version))
	f.Set("name", `<script>alert(1)</script>`)
	b.Post(edit, f).Expect(t, 303)
	b.Get(fmt.Sprintf("/admin/clients/%d", id)).Expect(t, 200, "&lt;script&gt;alert(1)&lt;/script&gt;").Lacks(t, "<script>alert(1)")
	// A new client with a taken number is refused and nothing is created.
	n := env.Count(`SELECT COUNT(*) FROM clients`)
	b.Post("/admin/clients/new", clientForm("9301", "")).Expect(t, 422, "Another client already logs in")
	if env.Count(`SELECT COUNT(*) FROM clients`) != n {
		t.Fatal("a client was created with a taken number")
	}
}

func TestClientDeactivateWithReasonEndsSessions(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := env.AddClient("9400", 0)
	sub := env.Browser().LoginAs(id)
	sub.Get("/services").Expect(t, 200)
	b := staffBrowser(t, env, core.RoleSupport)
	f := clientForm("9400", formVersion(t, b, id))
	f.Set("active", "0")
	f.Set("inactive_reason", "Unpaid since May")
	b.Post(fmt.Sprintf("/admin/clients/%d/edit", id), f).Expect(t, 303)
	cl := loadClient(t, env, id)
	if cl.Active || cl.InactiveReason != "Unpaid since May" {
		t.Fatalf("%+v", cl)
	}
	if r := sub.Get("/services"); r.StatusCode == 200 {
		t.Fatal("the deactivated client's session still works")
	}
	b.Get(fmt.Sprintf("/admin/clients/%d", id)).Expect(t, 200, "Inactive", "Unpaid since May")
	if env.Count(`SELECT COUNT(*) FROM audit_log WHERE action = 'client.edit' AND detail LIKE '%deactivated: Unpaid since May'`) != 1 {
		t.Fatal("deactivation not audited with its reason")
	}
	// Activating again clears the reason.
	f = clientForm("9400", formVersion(t, b, id))
	b.Post(fmt.Sprintf("/admin/clients/%d/edit", id), f).Expect(t, 303)
	if cl := loadClient(t, env, id); !cl.Active || cl.InactiveReason != "" {
		t.Fatalf("%+v", cl)
	}
}

func TestClientNotes(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := env.AddClient("9500", 0)
	b := staffBrowser(t, env, core.RoleSupport)
	card := fmt.Sprintf("/admin/clients/%d", id)
	b.Post(card+"/notes", url.Values{"note": {"Called about the <b>router</b>"}}).Expect(t, 303)
	b.Get(card).Expect(t, 200, "Staff notes", "Called about the &lt;b&gt;router&lt;/b&gt;", "staff:support1")
	b.Post(card+"/notes", url.Values{"note": {"  "}}).Expect(t, 422, "This field is required")
	b.Post(card+"/notes", url.Values{"note": {"x\u0000y"}}).Expect(t, 422, "control characters")
	if env.Count(`SELECT COUNT(*) FROM client_notes WHERE client_id = ?`, id) != 1 || env.AuditCount("client.note", "staff:support1") != 1 {
		t.Fatal("notes or their audit wrong")
	}
	staffBrowser(t, env, core.RoleReadOnly).Post(card+"/notes", url.Values{"note": {"ro"}}).Expect(t, 403)
	// The portal never shows notes: the client's own pages do not contain the text.
	sub := env.Browser().LoginAs(id)
	for _, p := range []string{"/", "/services"} {
		sub.Get(p).Lacks(t, "router")
	}
	// The client's deletion removes the notes.
	env.Tx(func(tx *sql.Tx) error { _, err := tx.Exec(`DELETE FROM clients WHERE id = ?`, id); return err })
	if env.Count(`SELECT COUNT(*) FROM client_notes`) != 0 {
		t.Fatal("notes outlived the client")
	}
}
