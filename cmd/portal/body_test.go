package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"regexp"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/db/dbtest"

	"github.com/ispportal/portal/internal/core"
	"github.com/ispportal/portal/internal/password"
	"github.com/ispportal/portal/internal/testkit"
	"github.com/ispportal/portal/modules/files"
)

// pattern is an endless body that costs no memory to send.
type pattern struct{}

func (pattern) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte('a' + i%26)
	}
	return len(p), nil
}

// allocated returns what this process (server and clients alike) allocated while fn
// ran: a request body the server holds in memory shows up here in full.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// realServer serves every module of the portal over TCP on 127.0.0.1.
func realServer(t *testing.T) (*testkit.Env, string) {
	t.Helper()
	env := testkit.New(t, modules...)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go env.App.Listen(ln)
	t.Cleanup(func() { env.App.Fiber.ShutdownWithTimeout(5 * time.Second) })
	return env, ln.Addr().String()
}

// postHeaders sends the head of a POST over a new connection and returns the
// connection, ready for the body.
func postHeaders(t *testing.T, addr, path, ctype string, length int64, extra ...string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n", path, addr, ctype, length)
	for _, h := range extra {
		head += h + "\r\n"
	}
	if _, err := io.WriteString(conn, head+"\r\n"); err != nil {
		t.Fatal(err)
	}
	return conn
}

// A big body to the login form is refused with 413 once its headers and the first
// 8 KiB (fasthttp's read-ahead) have arrived, and eight of them at once leave no
// trace in memory (they took it from 70 to 358 MB when each was read before any
// check).
func TestBigLoginBodyRefusedBeforeReading(t *testing.T) {
	_, addr := realServer(t)
	const size = 31 << 20

	conn := postHeaders(t, addr, "/login", "application/x-www-form-urlencoded", size)
	if _, err := io.Copy(conn, io.LimitReader(pattern{}, 8<<10)); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer after 8 KiB of a 31 MB body (the server waits for the rest): %v", err)
	}
	resp.Body.Close()
	conn.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !resp.Close {
		t.Fatalf("headers of a 31 MB login: %d, close %t", resp.StatusCode, resp.Close)
	}

	var wg sync.WaitGroup
	statuses := make(chan int, 8)
	n := allocated(func() {
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := postHeaders(t, addr, "/login", "application/x-www-form-urlencoded", size)
				defer c.Close()
				c.SetDeadline(time.Now().Add(60 * time.Second))
				go io.Copy(c, io.LimitReader(pattern{}, size)) // stops when the server closes
				if r, err := http.ReadResponse(bufio.NewReader(c), nil); err == nil {
					statuses <- r.StatusCode
				} else {
					statuses <- 0
				}
			}()
		}
		wg.Wait()
	})
	close(statuses)
	for s := range statuses {
		if s != http.StatusRequestEntityTooLarge {
			t.Errorf("a parallel 31 MB login got %d", s)
		}
	}
	if n > 32<<20 {
		t.Errorf("eight 31 MB logins allocated %d MB: bodies were read into memory", n>>20)
	}

	// A chunked body shows its size only while it arrives: read no further than the
	// limit allows.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n", addr)
	go func() {
		chunk := bytes.Repeat([]byte("a"), 16<<10)
		for i := 0; i < 64; i++ {
			if _, err := fmt.Fprintf(c, "%x\r\n%s\r\n", len(chunk), chunk); err != nil {
				return
			}
		}
		io.WriteString(c, "0\r\n\r\n")
	}()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	r, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("1 MB chunked login: %v %v", r, err)
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// The staff upload form still takes a 12 MB file, streamed to disk; the same body
// without a staff session is refused before it is read.
func TestStaffUploadStreamsToDisk(t *testing.T) {
	env, addr := realServer(t)
	h, err := password.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	var staffID int64
	env.Tx(func(tx *sql.Tx) error {
		staffID, err = core.SaveStaff(context.Background(), tx, core.Staff{Login: "boss", Name: "Boss", Role: core.RoleAdmin,
			PasswordHash: h, Active: true}, core.Now(env.Clock.Now()))
		return err
	})
	cookie := env.Browser().LoginStaff(staffID).Cookie("asid")
	client := &http.Client{Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/admin/files", nil)
	req.AddCookie(cookie)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(page)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("files page: %d %.300s", resp.StatusCode, page)
	}

	const size = 12 << 20
	upload := func(withSession bool) (int, string) {
		var head bytes.Buffer
		mw := multipart.NewWriter(&head)
		mw.WriteField("csrf", string(m[1]))
		mw.WriteField("title", "Price list 2027")
		mw.CreateFormFile("file", "prices.pdf")
		prefix := append([]byte(nil), head.Bytes()...)
		head.Reset()
		mw.Close()
		body := io.MultiReader(bytes.NewReader(prefix), io.LimitReader(pattern{}, size), bytes.NewReader(head.Bytes()))
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/admin/files", body)
		req.ContentLength = int64(len(prefix)) + size + int64(head.Len())
		req.Header.Set("Content-Type", mw.FormDataContentType())
		if withSession {
			req.AddCookie(cookie)
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		return resp.StatusCode, resp.Header.Get("Location")
	}

	var status int
	var where string
	n := allocated(func() { status, where = upload(true) })
	if status != http.StatusSeeOther || where != "/admin/files" {
		t.Fatalf("staff upload: %d %s", status, where)
	}
	if n > dbtest.UploadAllocLimit(size) {
		t.Errorf("a %d MB staff upload allocated %d MB: the file was held in memory", size>>20, n>>20)
	}
	list, err := files.ListFiles(context.Background(), env.Deps.DB.R)
	if err != nil || len(list) != 1 || list[0].Size != size {
		t.Fatalf("stored files %+v %v", list, err)
	}

	n = allocated(func() { status, _ = upload(false) })
	if status != http.StatusRequestEntityTooLarge && status != 0 {
		t.Fatalf("upload without a session: %d", status)
	}
	if n > size/2 {
		t.Errorf("a refused %d MB upload allocated %d MB", size>>20, n>>20)
	}
}

// A client still sending a refused body reads the 413 rather than a connection reset:
// the server closes with a linger (end-of-stream first, then it drops what still
// arrives until the client stops).
func TestRefusedClientReadsTheAnswer(t *testing.T) {
	_, addr := realServer(t)
	client := &http.Client{Timeout: time.Minute}
	for i := 0; i < 20; i++ {
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/login", io.LimitReader(pattern{}, 8<<20))
		req.ContentLength = 8 << 20
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !bytes.Contains(page, []byte("Too much data")) {
			t.Fatalf("request %d: %d %.200s", i, resp.StatusCode, page)
		}
	}
}

// A request line longer than the server reads for a head (a reset link with a
// 5,000-character token) is answered 431 before any handler runs, and the server
// serves the next request. FuzzResetToken (modules/auth) keeps to tokens that fit.
func TestOverlongRequestLineRefused(t *testing.T) {
	_, addr := realServer(t)
	long := "http://" + addr + "/password/reset?token=" + string(bytes.Repeat([]byte("%F1"), 1700))
	r, err := http.Get(long)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("over-long request line: %d, want 431", r.StatusCode)
	}
	if r, err := http.Get("http://" + addr + "/password/reset?token=abc"); err != nil || r.StatusCode != http.StatusGone {
		t.Fatalf("next request: %v %v", r, err)
	}
}
