// Command baseline is the ceiling the bench compares the portal against: a minimal
// Fiber server that renders one html template from one SQLite row, on the same
// machine, stack and database driver as the portal.
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"html/template"
	"log"
	"os"
	"path/filepath"

	"github.com/gofiber/fiber/v2"
	_ "modernc.org/sqlite"
)

var page = template.Must(template.New("p").Parse(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{{.Name}}</title></head><body><main><h1>{{.Name}}</h1><p>Client number {{.Number}}</p><p>{{.Email}}</p></main></body></html>`))

func main() {
	listen := flag.String("listen", "127.0.0.1:9190", "address")
	dir := flag.String("dir", os.TempDir(), "folder for the database file")
	flag.Parse()
	path := filepath.Join(*dir, "baseline.db")
	os.Remove(path)
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)")
	if err != nil {
		log.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE clients (id INTEGER PRIMARY KEY, number TEXT, name TEXT, email TEXT);
		INSERT INTO clients VALUES (1, '1001', 'Jana Nováková', 'jana@example.net');`); err != nil {
		log.Fatal(err)
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/", func(c *fiber.Ctx) error {
		var v struct{ Number, Name, Email string }
		if err := db.QueryRow(`SELECT number, name, email FROM clients WHERE id = 1`).Scan(&v.Number, &v.Name, &v.Email); err != nil {
			return err
		}
		c.Type("html")
		return page.Execute(c, v)
	})
	fmt.Println("baseline listening on", *listen)
	log.Fatal(app.Listen(*listen))
}
