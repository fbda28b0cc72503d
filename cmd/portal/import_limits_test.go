package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/admin"
	"github.com/ispportal/portal/modules/api"
	"github.com/ispportal/portal/modules/invoices"
	"github.com/ispportal/portal/modules/services"
)

// TestImportUploadLimits: the console's import pages take a streamed body up to their
// file limit plus the form's envelope; a body declared larger is answered 413 from its
// header, before any of it is read or stored, for staff as for anybody. Below the limit
// the page answers (the form's own checks apply).
func TestImportUploadLimits(t *testing.T) {
	t.Parallel()
	env := testkit.New(t, services.New, invoices.New, admin.New, api.New)
	srv := env.API() // the app on a real socket: bodies arrive streamed
	b := env.StaffBrowser(core.RoleSupport)
	b.Get("/admin/invoices/import").Expect(t, 200)
	cookie := b.Cookie("asid")
	if cookie == nil {
		t.Fatal("no staff session cookie")
	}
	send := func(path string, length int64, staff bool) int {
		t.Helper()
		conn, err := net.DialTimeout("tcp", strings.TrimPrefix(srv.URL, "http://"), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(20 * time.Second))
		head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: portal.test\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: %d\r\n", path, length)
		if staff {
			head += "Cookie: asid=" + cookie.Value + "\r\n"
		}
		// Only the start of the body is sent (fasthttp reads 8 KiB ahead): an
		// over-limit body must be refused from its declared length.
		if _, err := conn.Write([]byte(head + "\r\n--xyz\r\n" + strings.Repeat("x", 16<<10))); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s (%d bytes): %v", path, length, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, c := range []struct {
		path string
		max  int64
	}{{"/admin/invoices/import", invoices.MaxImportSize}, {"/admin/traffic/import", services.MaxTrafficUpload}} {
		// (A staff body up to twice the limit would be read and dropped so the browser
		// sees the answer; a larger one is refused without reading.)
		if got := send(c.path, 3*c.max, true); got != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: %d MiB from staff answered %d, want 413", c.path, (3*c.max)>>20, got)
		}
		if got := send(c.path, 10<<20, false); got != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: 10 MiB without a session answered %d, want 413", c.path, got)
		}
	}
	// A small file under the limit reaches the form (here: refused as not a CSV of
	// invoices, with the line report), proving the limit is not set below it.
	b.Upload("/admin/invoices/import", map[string][]string{"kind": {"invoices"}}, "file", "x.csv", []byte("nonsense\n")).Expect(t, 422)
	b.Upload("/admin/traffic/import", nil, "file", "x.csv", []byte("nonsense\n")).Expect(t, 422, "Refused lines")
	if n := env.Count(`SELECT COUNT(*) FROM invoices`); n != 0 {
		t.Fatalf("%d invoices stored", n)
	}
}
