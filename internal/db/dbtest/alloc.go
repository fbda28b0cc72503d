package dbtest

// UploadAllocLimit is how many bytes a test may see allocated while a file of size
// bytes is streamed into the database, to tell streaming from holding the whole file
// in memory. SQLite binds each 256 KiB chunk without a copy: half the size is ample.
// pgx copies each chunk twice on its way to PostgreSQL (the argument and the wire
// buffer), so the total allocated is about twice the size there although only a
// chunk is held at a time; a body held whole would add the size once more.
func UploadAllocLimit(size uint64) uint64 {
	if Postgres() {
		return size * 5 / 2
	}
	return size / 2
}
