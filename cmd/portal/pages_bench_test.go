package main

import (
	"context"
	"testing"

	"github.com/ispportal/portal/internal/app"
	"github.com/ispportal/portal/internal/testkit"
)

// benchPage measures one subscriber page through every module of the real app on the
// demo data, in this goroutine: the CPU one request costs the server, without the
// network or a load generator. `make bench` measures the server under load.
func benchPage(b *testing.B, path string) {
	env := testkit.New(b, modules...)
	if _, err := app.SeedDemo(context.Background(), env.Env); err != nil {
		b.Fatal(err)
	}
	br := env.Browser()
	br.Header.Set("Accept-Encoding", "gzip")
	c, err := clientByNumber(env, "1001")
	if err != nil {
		b.Fatal(err)
	}
	br.LoginAs(c)
	env.Set("ci_display_dashboard", "1")
	if r := br.Get(path); r.StatusCode != 200 {
		b.Fatalf("%s: status %d", path, r.StatusCode)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if r := br.Get(path); r.StatusCode != 200 {
			b.Fatalf("status %d", r.StatusCode)
		}
	}
}

func clientByNumber(env *testkit.Env, number string) (int64, error) {
	var id int64
	err := env.Deps.DB.R.QueryRow(`SELECT id FROM clients WHERE number = ?`, number).Scan(&id)
	return id, err
}

func BenchmarkInfoPage(b *testing.B)        { benchPage(b, "/info") }
func BenchmarkInvoicesPage(b *testing.B)    { benchPage(b, "/invoices") }
func BenchmarkServicesPage(b *testing.B)    { benchPage(b, "/services") }
func BenchmarkHelpdeskPage(b *testing.B)    { benchPage(b, "/helpdesk") }
func BenchmarkDashboardPage(b *testing.B)   { benchPage(b, "/dashboard") }
func BenchmarkUsageDetailPage(b *testing.B) { benchPage(b, "/usage/detail") }
func BenchmarkRatesPage(b *testing.B)       { benchPage(b, "/rates") }
