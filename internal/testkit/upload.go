package testkit

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
)

// Upload posts a multipart form to path with the browser's cookies and CSRF token:
// the fields, and content as the file field (left out when name is "").
func (b *Browser) Upload(path string, fields url.Values, field, name string, content []byte) *Response {
	b.env.T.Helper()
	if b.csrf == "" {
		b.Get(b.tokenPage())
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("csrf", b.CSRF())
	for k, vs := range fields {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if name != "" {
		fw, _ := w.CreateFormFile(field, name)
		fw.Write(content)
	}
	w.Close()
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.Do(req)
}
