//go:build !linux

package db

import "math"

// freeBytes cannot ask the file system outside Linux (the portal's platform); the
// write probe and max_page_count still guard Writable there.
func freeBytes(string) (int64, error) { return math.MaxInt64, nil }
