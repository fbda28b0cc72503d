package lockout

// Schema returns the SQL of the table's migration, for the test that applies
// it a second time: it must be idempotent.
func Schema() string {
	b, err := migrations.ReadFile("migrations/0001_lockouts.sql")
	if err != nil {
		panic(err)
	}
	return string(b)
}
