//go:build e2e

package e2e

import "testing"

func TestHarnessSmoke(t *testing.T) {
	s := start(t)
	s.open("not found", "/no-such-page")
	s.expectText("Page not found")
}
