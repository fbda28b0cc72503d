package admin_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/files"
	"github.com/ispportal/portal/modules/info"
)

func TestMessages(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	g := env.AddGroup("Business")
	cid := env.AddClient("7001", g)
	other := env.AddClient("7002", 0)
	b := staffBrowser(t, env, core.RoleSupport)
	b.Get("/admin/messages").Expect(t, 200, "New message")

	evil := `<p onclick="steal()">Outage <b>tonight</b></p><script>alert(1)</script><a href="javascript:x()">x</a>`
	b.Post("/admin/messages", url.Values{"kind": {"global"}, "title": {"Outage"}, "body": {evil}}).Expect(t, 303)
	r := b.Get("/admin/messages").Expect(t, 200, "<b>tonight</b>", "message was published")
	for _, bad := range []string{"<script>alert(1)", "onclick", "javascript:"} {
		if strings.Contains(r.Body, bad) {
			t.Fatalf("unsanitised HTML %q on display", bad)
		}
	}
	// Validation: nothing saved, field errors shown, values kept.
	b.Post("/admin/messages", url.Values{"kind": {"private"}, "client": {"9999"}, "title": {""}, "body": {"x"}, "from": {"2026-13-01"}}).
		Expect(t, 422, "No client has this number.", "This field is required.", "YYYY-MM-DD", `value="9999"`)
	b.Post("/admin/messages", url.Values{"kind": {"group"}, "group": {"999"}, "title": {"T"}, "body": {"x"}}).Expect(t, 422, "Choose an invoice group.")
	b.Post("/admin/messages", url.Values{"kind": {"global"}, "title": {"T"}, "body": {"x"}, "from": {"2026-12-10"}, "until": {"2026-12-01"}}).
		Expect(t, 422, "The end must be after the start.")
	list, _ := info.ListMessages(context.Background(), env.Deps.DB.R, info.MessageFilter{})
	if len(list) != 1 {
		t.Fatalf("refused forms stored messages: %d", len(list))
	}
	// Private from the client card, group message.
	card := "/admin/clients/" + itoa(cid)
	b.Get(card)
	r = b.Post("/admin/messages", url.Values{"kind": {"private"}, "client": {"7001"}, "title": {"Just for you"}, "body": {"Hi"}, "back": {card}}).Expect(t, 303)
	if r.Header.Get("Location") != card {
		t.Fatalf("back to %q", r.Header.Get("Location"))
	}
	b.Post("/admin/messages", url.Values{"kind": {"group"}, "group": {itoa(g)}, "title": {"Business news"}, "body": {"B"}}).Expect(t, 303)
	b.Get(card).Expect(t, 200, "Just for you", "Business news", "Outage")
	b.Get("/admin/clients/"+itoa(other)).Expect(t, 200, "Outage").Lacks(t, "Just for you", "Business news")
	// The client sees it sanitised too.
	c := env.Browser().LoginAs(cid)
	c.Get("/info").Expect(t, 200, "Just for you", "Outage")
	list, _ = info.ListMessages(context.Background(), env.Deps.DB.R, info.MessageFilter{})
	b.Get("/admin/messages")
	b.Post("/admin/messages/"+itoa(list[0].ID)+"/delete", nil).Expect(t, 303)
	b.Post("/admin/messages/999999/delete", nil).Expect(t, 404)
	if auditCount(t, env, "message.create", "staff:support1") != 3 || auditCount(t, env, "message.delete", "staff:support1") != 1 {
		t.Fatal("messages not audited")
	}
	// Back links must stay in the console.
	r = b.Post("/admin/messages", url.Values{"kind": {"global"}, "title": {"T"}, "body": {"x"}, "back": {"//evil.example/"}}).Expect(t, 303)
	if r.Header.Get("Location") != "/admin/messages" {
		t.Fatalf("open redirect: %q", r.Header.Get("Location"))
	}
}

// upload posts a multipart form with the browser's cookies and CSRF token.
func upload(t *testing.T, b *testkit.Browser, fields map[string][]string, name string, content []byte) *testkit.Response {
	t.Helper()
	return uploadTo(t, b, "/admin/files", fields, name, content)
}

// uploadTo is upload to another console form.
func uploadTo(t *testing.T, b *testkit.Browser, path string, fields map[string][]string, name string, content []byte) *testkit.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("csrf", b.CSRF())
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if name != "" {
		fw, _ := w.CreateFormFile("file", name)
		fw.Write(content)
	}
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.Do(req)
}

func TestFileUpload(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	g := env.AddGroup("Business")
	inGroup := env.AddClient("7001", g)
	outside := env.AddClient("7002", 0)
	b := adminBrowser(t, env, "boss")
	b.Get("/admin/files").Expect(t, 200, "Upload")

	upload(t, b, map[string][]string{"title": {"Tariff sheet 2027"}, "groups": {itoa(g)}}, `../../../etc/pass"wd<script>.pdf`, []byte("%PDF-1.4 hello")).Expect(t, 303)
	list, err := files.ListFiles(context.Background(), env.Deps.DB.R)
	if err != nil || len(list) != 1 {
		t.Fatalf("files %v %v", list, err)
	}
	f := list[0]
	if strings.ContainsAny(f.FileName, `/\"<>`) || strings.Contains(f.FileName, "..") {
		t.Fatalf("dangerous name kept: %q", f.FileName)
	}
	if !strings.HasPrefix(f.StoredPath, "files/") || strings.Contains(f.StoredPath, "etc") {
		t.Fatalf("stored at %q", f.StoredPath)
	}
	// The content lives in the database, for every instance to serve.
	if env.Count(`SELECT COUNT(*) FROM blob_chunks WHERE name = ?`, f.StoredPath) == 0 {
		t.Fatal("the upload is not stored")
	}
	b.Get("/admin/files").Expect(t, 200, "Tariff sheet 2027", "Business").Lacks(t, "<script>.pdf")
	// The restriction holds on the client side.
	env.Browser().LoginAs(inGroup).Get("/files").Expect(t, 200, "Tariff sheet 2027")
	env.Browser().LoginAs(outside).Get("/files").Expect(t, 200).Lacks(t, "Tariff sheet 2027")

	// Too large: refused with a field error, nothing stored.
	big := bytes.Repeat([]byte("a"), 20<<20+1)
	upload(t, b, map[string][]string{"title": {"Huge"}}, "huge.bin", big).Expect(t, 422, "larger than 20 MB", `value="Huge"`)
	upload(t, b, map[string][]string{"title": {"Empty"}}, "empty.txt", nil).Expect(t, 422, "The file is empty.")
	upload(t, b, map[string][]string{"title": {""}}, "", nil).Expect(t, 422, "This field is required.")
	upload(t, b, map[string][]string{"title": {"X"}, "groups": {"999"}}, "x.txt", []byte("x")).Expect(t, 422, "Unknown invoice group.")
	if n := env.Count(`SELECT COUNT(DISTINCT name) FROM blob_chunks`); n != 1 {
		t.Fatalf("refused uploads left %d stored files", n-1)
	}
	if entries, _ := os.ReadDir(filepath.Join(env.Config.DataDir, "files")); len(entries) != 0 {
		t.Fatalf("uploads left %d spooled files on disk", len(entries))
	}
	// Support staff may not upload.
	sup := staffBrowser(t, env, core.RoleSupport)
	sup.Get("/admin")
	upload(t, sup, map[string][]string{"title": {"S"}}, "s.txt", []byte("s")).Expect(t, 403)

	b.Get("/admin/files")
	b.Post("/admin/files/"+itoa(f.ID)+"/delete", nil).Expect(t, 303)
	if env.Count(`SELECT COUNT(*) FROM blob_chunks WHERE name = ?`, f.StoredPath) != 0 {
		t.Fatal("stored file not removed")
	}
	if auditCount(t, env, "file.upload", "staff:boss") != 1 || auditCount(t, env, "file.delete", "staff:boss") != 1 {
		t.Fatal("files not audited")
	}
}

// TestFileTextLimits: the console publishes a file under the one rule of
// files.Check (title 300 runes, description 4000), not its own narrower one (it
// refused titles over 200 and descriptions over 2000 runes).
func TestFileTextLimits(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	b := adminBrowser(t, env, "boss")
	b.Get("/admin/files").Expect(t, 200, `maxlength="300"`)
	title, desc := strings.Repeat("č", 250), strings.Repeat("ř", 3000)
	upload(t, b, map[string][]string{"title": {title}, "description": {desc}}, "t.txt", []byte("t")).Expect(t, 303)
	list, err := files.ListFiles(context.Background(), env.Deps.DB.R)
	if err != nil || len(list) != 1 || list[0].Title != title || list[0].Description != desc {
		t.Fatalf("files %v %v", list, err)
	}
	upload(t, b, map[string][]string{"title": {strings.Repeat("č", 301)}}, "t.txt", []byte("t")).Expect(t, 422, "This value is too long.")
	upload(t, b, map[string][]string{"title": {"T"}, "description": {strings.Repeat("ř", 4001)}}, "t.txt", []byte("t")).Expect(t, 422, "This value is too long.")
}

func TestMailTemplates(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	g := env.AddGroup("Business")
	env.AddClient("7001", g)
	b := adminBrowser(t, env, "boss")
	b.Get("/admin/templates").Expect(t, 200, "password_link", "$CI_PASSWORD_LINK$")
	b.Get("/admin/templates?purpose=password_link").Expect(t, 200, "CI_PASSWORD_LINK")
	form := url.Values{"purpose": {"password_link"}, "group": {itoa(g)}, "language": {"cs"},
		"subject": {"Heslo pro $CLIENT_NAME$"}, "body": {"Dobrý den $CLIENT_NAME$ ($CLIENT_NUMBER$), odkaz: $CI_PASSWORD_LINK$"}}
	form.Set("action", "preview")
	b.Post("/admin/templates", form).Expect(t, 200, "Heslo pro Client 7001", "Dobrý den Client 7001 (7001)", "https://portal.example/")
	if tpl, _ := env.Deps.Mail.List(context.Background(), ""); len(tpl) != 0 {
		t.Fatal("a preview stored the template")
	}
	form.Set("action", "save")
	form.Set("subject", "")
	b.Post("/admin/templates", form).Expect(t, 422, "This field is required.")
	form.Set("subject", "Heslo pro $CLIENT_NAME$")
	form.Set("purpose", "nosuch")
	b.Post("/admin/templates", form).Expect(t, 422)
	form.Set("purpose", "password_link")
	b.Post("/admin/templates", form).Expect(t, 303)
	stored, _ := env.Deps.Mail.List(context.Background(), "password_link")
	if len(stored) != 1 || stored[0].GroupID != g || stored[0].Language != "cs" {
		t.Fatalf("stored %+v", stored)
	}
	got, _ := env.Deps.Mail.Resolve(context.Background(), "password_link", g, "cs")
	if got.Subject != "Heslo pro $CLIENT_NAME$" {
		t.Fatal("the group's template is not used")
	}
	b.Get("/admin/templates?edit="+itoa(stored[0].ID)).Expect(t, 200, "Heslo pro $CLIENT_NAME$")
	b.Post("/admin/templates/"+itoa(stored[0].ID)+"/delete", nil).Expect(t, 303)
	b.Post("/admin/templates/999/delete", nil).Expect(t, 404)
	if auditCount(t, env, "template.", "staff:boss") != 3 {
		t.Fatal("templates not audited (preview, save, delete)")
	}
}

// Console texts go through the shared normaliser: a title is stored as one line,
// control and invisible formatting characters are refused beside their field, in
// both languages; a department name or a staff reply the same.
func TestConsoleTextsNormalised(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	b := staffBrowser(t, env, core.RoleSupport)
	b.Post("/admin/messages", url.Values{"kind": {"global"}, "title": {"Planned\r\n  outage"}, "body": {"<p>a</p>\r\n<p>b</p>"}}).Expect(t, 303)
	list, _ := info.ListMessages(context.Background(), env.Deps.DB.R, info.MessageFilter{})
	if len(list) != 1 || list[0].Title != "Planned outage" {
		t.Fatalf("messages %+v", list)
	}
	b.Post("/admin/messages", url.Values{"kind": {"global"}, "title": {"Out\x00age"}, "body": {"x"}}).
		Expect(t, 422, "Remove control characters", `aria-describedby="e-title"`)
	b.Post("/admin/messages", url.Values{"kind": {"global"}, "title": {" \r\n "}, "body": {"x"}}).Expect(t, 422, "This field is required.")
	b.Header.Set("Accept-Language", "cs")
	b.Post("/admin/messages", url.Values{"kind": {"global"}, "title": {"T"}, "body": {"a\u202eb"}}).Expect(t, 422, "Odstraňte řídicí")
	a := staffBrowser(t, env, core.RoleAdmin)
	a.Post("/admin/departments", url.Values{"name": {"Sup\x1bport"}}).Expect(t, 422, "Remove control characters")
	if list, _ := info.ListMessages(context.Background(), env.Deps.DB.R, info.MessageFilter{}); len(list) != 1 {
		t.Fatalf("%d messages after refused posts", len(list))
	}
}
