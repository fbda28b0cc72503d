package web_test

import (
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/ispportal/portal/internal/web"
)

// TestIDParam: a canonical id reaches the handler; every other spelling is a 404
// before the handler runs anything.
func TestIDParam(t *testing.T) {
	app := fiber.New()
	app.Get("/rows/:id", func(c *fiber.Ctx) error {
		id, err := web.IDParam(c, "id")
		if err != nil {
			return err
		}
		return c.SendString(strconv.FormatInt(id, 10))
	})
	for path, want := range map[string]int{
		"/rows/7": 200, "/rows/9223372036854775807": 200,
		"/rows/007": 404, "/rows/+7": 404, "/rows/0": 404, "/rows/-7": 404,
		"/rows/9223372036854775808": 404, "/rows/7a": 404, "/rows/%207": 404,
	} {
		res, err := app.Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, res.StatusCode, want)
		}
	}
}
