package app

import (
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

// TestAdmissionOrderAndBound: page reads beyond the bound wait and are let in first
// come, first served; posts are not held up by waiting reads.
func TestAdmissionOrderAndBound(t *testing.T) {
	const slots = 1
	release := make(chan struct{})
	var running, most atomic.Int32
	var mu sync.Mutex
	var order []int

	f := fiber.New()
	// arrived counts reads that have reached the admission handler, so each one can be
	// sent only after the one before is in line, however slowly goroutines start.
	var arrived atomic.Int32
	f.Use(func(c *fiber.Ctx) error {
		if c.Method() == fiber.MethodGet {
			arrived.Add(1)
		}
		return c.Next()
	})
	f.Use(newAdmission(slots).handler)
	f.Get("/hold/:n", func(c *fiber.Ctx) error {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		<-release
		return nil
	})
	f.Get("/page/:n", func(c *fiber.Ctx) error {
		n, _ := strconv.Atoi(c.Params("n"))
		mu.Lock()
		order = append(order, n)
		mu.Unlock()
		return nil
	})
	f.Post("/form", func(c *fiber.Ctx) error { return c.SendString("posted") })

	var wg sync.WaitGroup
	get := func(path string) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := f.Test(httptest.NewRequest("GET", path, nil), -1)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		}()
	}
	// Fill every place, then queue five reads, each well after the one before.
	for i := 0; i < slots; i++ {
		get("/hold/" + strconv.Itoa(i))
	}
	waitFor(t, func() bool { return running.Load() == slots })
	for i := 1; i <= 5; i++ {
		get("/page/" + strconv.Itoa(i))
		waitFor(t, func() bool { return arrived.Load() == int32(slots+i) })
		time.Sleep(5 * time.Millisecond) // from the counter to the channel send
	}
	mu.Lock()
	if len(order) != 0 {
		t.Errorf("reads ran while every place was taken: %v", order)
	}
	mu.Unlock()

	// A post goes straight through while reads wait.
	resp, err := f.Test(httptest.NewRequest("POST", "/form", nil), 2000)
	if err != nil {
		t.Fatalf("post held up behind waiting reads: %v", err)
	}
	resp.Body.Close()

	close(release)
	wg.Wait()
	if want := []int{1, 2, 3, 4, 5}; !slices.Equal(order, want) {
		t.Errorf("reads let in as %v, want arrival order %v", order, want)
	}
	if m := most.Load(); m > slots {
		t.Errorf("%d handlers ran at once, bound is %d", m, slots)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("condition not reached in 5 s")
}
