package app

import (
	"compress/gzip"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func TestCompressAnswers(t *testing.T) {
	page := "<!DOCTYPE html><p>" + strings.Repeat("Faktura za internet. ", 800) + "</p>"
	f := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		c.Status(fiber.StatusNotFound).Type("html")
		return c.SendString("<h1>" + strings.Repeat("Not found. ", 1500) + "</h1>")
	}})
	f.Use(compressAnswers)
	f.Get("/page", func(c *fiber.Ctx) error { c.Type("html"); return c.SendString(page) })
	f.Get("/small", func(c *fiber.Ctx) error { c.Type("html"); return c.SendString("<p>ok</p>") })
	// One byte under the threshold: fits the first round trip, sent as it is.
	f.Get("/under", func(c *fiber.Ctx) error { c.Type("html"); return c.SendString(strings.Repeat("x", compressMin-1)) })
	f.Get("/pdf", func(c *fiber.Ctx) error { c.Type("pdf"); return c.SendString(page) })
	f.Get("/missing", func(c *fiber.Ctx) error { return fiber.ErrNotFound })

	get := func(path string, gz bool) (*httptestResponse, error) {
		req := httptest.NewRequest("GET", path, nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		}
		resp, err := f.Test(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		out := &httptestResponse{status: resp.StatusCode, enc: resp.Header.Get("Content-Encoding"),
			vary: resp.Header.Get("Vary"), raw: raw, body: string(raw)}
		if out.enc == "gzip" {
			zr, err := gzip.NewReader(strings.NewReader(string(raw)))
			if err != nil {
				return nil, err
			}
			b, err := io.ReadAll(zr)
			if err != nil {
				return nil, err
			}
			out.body = string(b)
		}
		return out, nil
	}

	r, err := get("/page", true)
	if err != nil {
		t.Fatal(err)
	}
	if r.enc != "gzip" || r.body != page || len(r.raw) >= len(page)/4 || r.vary != "Accept-Encoding" {
		t.Fatalf("page: encoding %q, vary %q, %d bytes compressed, body intact %v", r.enc, r.vary, len(r.raw), r.body == page)
	}
	// Pooled writers must not leak state between answers.
	for i := 0; i < 3; i++ {
		if r, err := get("/page", true); err != nil || r.body != page {
			t.Fatalf("repeat %d: body differs (%v)", i, err)
		}
	}
	if r, _ := get("/page", false); r.enc != "" || r.body != page || r.vary != "Accept-Encoding" {
		t.Fatalf("no Accept-Encoding: encoding %q, vary %q", r.enc, r.vary)
	}
	if r, _ := get("/small", true); r.enc != "" || r.body != "<p>ok</p>" {
		t.Fatalf("small answer: encoding %q", r.enc)
	}
	if r, _ := get("/under", true); r.enc != "" || len(r.body) != compressMin-1 {
		t.Fatalf("answer under the threshold: encoding %q, %d bytes", r.enc, len(r.body))
	}
	if r, _ := get("/pdf", true); r.enc != "" || r.body != page {
		t.Fatalf("PDF: encoding %q", r.enc)
	}
	if r, _ := get("/missing", true); r.status != 404 || r.enc != "gzip" || !strings.Contains(r.body, "Not found.") {
		t.Fatalf("error page: status %d, encoding %q", r.status, r.enc)
	}
}

type httptestResponse struct {
	status          int
	enc, vary, body string
	raw             []byte
}
