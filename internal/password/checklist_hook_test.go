package password

import (
	"sync/atomic"
	"testing"
)

// CountHashes makes every argon2id run count itself until the test ends. It returns
// the most runs seen at once so far, and the semaphore's size. The test using it must
// not run in parallel with others that hash.
func CountHashes(t testing.TB) (peak func() int64, limit int) {
	var cur, top atomic.Int64
	orig := idKey
	idKey = func(pw, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
		n := cur.Add(1)
		defer cur.Add(-1)
		for old := top.Load(); n > old && !top.CompareAndSwap(old, n); old = top.Load() {
		}
		return orig(pw, salt, time, memory, threads, keyLen)
	}
	t.Cleanup(func() { idKey = orig })
	return top.Load, cap(sem)
}
