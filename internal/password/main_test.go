package password

import (
	"os"
	"strings"
	"testing"
)

// TestMain undoes the test kit's LowerCostForTests (its init runs before any test,
// as checklist_test imports it): this package's tests check the real parameters, the
// memory bound and the semaphore at the cost the portal hashes with.
func TestMain(m *testing.M) {
	RealCostForTests()
	os.Exit(m.Run())
}

func TestNewHashesUseOWASPParameters(t *testing.T) {
	h, err := Hash("correct horse battery staple")
	if err != nil || !strings.Contains(h, "$m=19456,t=2,p=1$") || NeedsRehash(h) {
		t.Fatalf("new hash %q (%v)", h, err)
	}
	if !Verify("correct horse battery staple", h) || Verify("correct horse battery stapl", h) {
		t.Fatal("round trip")
	}
}
