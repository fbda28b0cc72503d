package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/ispportal/portal/internal/db/dbtest"

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

// allocated returns the bytes this process (server and client alike) allocated
// while fn ran: a body the server holds in memory shows up here in full.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// sendBig posts n bytes of pattern with a Content-Length and returns the status and
// the answer; a connection the server closed early counts as status 0.
func (e *apiEnv) sendBig(path string, n int64, hdr ...string) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.URL+path, io.LimitReader(pattern{}, n))
	if err != nil {
		e.t.Fatal(err)
	}
	req.ContentLength = n
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.HTTP.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// An upload is read only after its sender is authenticated, and then straight to
// disk: neither a refused nor an accepted 12 MB upload passes through memory.
func TestUploadBodyStreamsToDiskAfterAuthentication(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	const size = 12 << 20
	up := "/jsonrpc/file?type=file&external_id=BIG&title=Big+price+list"

	var status int
	var body string
	n := allocated(func() { status, body = e.sendBig(up, size, "X-Session-Id", sid, "Content-Type", "application/pdf") })
	if status != http.StatusOK || !strings.Contains(body, `"code":true`) {
		t.Fatalf("authenticated upload: %d %s", status, body)
	}
	if n > dbtest.UploadAllocLimit(size) {
		t.Errorf("a %d MB upload allocated %d MB: the body was held in memory", size>>20, n>>20)
	}
	f, err := files.FileByExternalID(context.Background(), e.Deps.DB.R, "BIG")
	if err != nil || f.Size != size {
		t.Fatalf("stored file %+v %v, want %d bytes", f, err, size)
	}

	// A session id that is no session: refused with 401 before the body is read.
	n = allocated(func() {
		status, body = e.sendBig(up, size, "X-Session-Id", strings.Repeat("x", 43), "Content-Type", "application/pdf")
	})
	if status != http.StatusUnauthorized && status != 0 {
		t.Fatalf("forged session: %d %s", status, body)
	}
	if n > size/2 {
		t.Errorf("a refused %d MB upload allocated %d MB", size>>20, n>>20)
	}
	// No credentials in a header: only a small body is admitted.
	n = allocated(func() { status, body = e.sendBig(up, size, "Content-Type", "application/pdf") })
	if status != http.StatusRequestEntityTooLarge && status != 0 {
		t.Fatalf("upload without credentials: %d %s", status, body)
	}
	if status != 0 && !strings.Contains(body, "X-Session-Id") {
		t.Errorf("413 does not say how to upload: %s", body)
	}
	if n > size/2 {
		t.Errorf("a refused %d MB upload allocated %d MB", size>>20, n>>20)
	}
}

// A JSON-RPC body is read before the credentials inside it can be checked, so
// without a session in the header only a small one is accepted.
func TestLargeCallNeedsSessionHeader(t *testing.T) {
	e := newEnv(t)
	sid := e.admin()
	call := func(text string) []byte {
		b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "consentDocuments.add", "SID": sid,
			"params": map[string]any{"external_id": "BIG" + strconv.Itoa(len(text)), "title": "Terms", "text": text}})
		return b
	}
	big := call("<p>" + strings.Repeat("Consent text. ", 100<<10/14) + "</p>")
	status, body := e.post("/jsonrpc", big)
	if status != http.StatusRequestEntityTooLarge || !bytes.Contains(body, []byte("X-Session-Id")) || !bytes.Contains(body, []byte(`"code":-32600`)) {
		t.Fatalf("100 KB call with SID in the body: %d %.300s", status, body)
	}
	if n := e.count(`SELECT COUNT(*) FROM consent_documents`); n != 0 {
		t.Fatalf("%d documents after a refused body", n)
	}
	status, body = e.post("/jsonrpc", big, "X-Session-Id", sid)
	if status != http.StatusOK || !bytes.Contains(body, []byte(`"code":true`)) {
		t.Fatalf("100 KB call with the session header: %d %.300s", status, body)
	}
	// A forged header admits nothing.
	status, _ = e.post("/jsonrpc", call("<p>"+strings.Repeat("More text. ", 100<<10/11)+"</p>"), "X-Session-Id", strings.Repeat("y", 43))
	if status != http.StatusRequestEntityTooLarge {
		t.Fatalf("100 KB call with a forged session header: %d", status)
	}
	// A small call with credentials in the body works as before.
	status, body = e.post("/jsonrpc", call("<p>short</p>"))
	if status != http.StatusOK || !bytes.Contains(body, []byte(`"code":true`)) {
		t.Fatalf("small call: %d %.300s", status, body)
	}
}
