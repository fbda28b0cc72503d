// Package stripemock starts Stripe's own API mock (github.com/stripe/stripe-mock, put
// on PATH or in ~/go/bin by `make test-deps`) on a free loopback port for tests, and
// signs webhook payloads the way Stripe does. Only tests import it.
package stripemock

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v82/webhook"
)

// Version is the stripe-mock the Makefile installs.
const Version = "v0.203.0"

// WebhookSecret is the signing secret tests configure and sign with.
const WebhookSecret = "whsec_test_portal"

// SecretKey is a test API key; stripe-mock accepts any sk_test_ key.
const SecretKey = "sk_test_portal"

var listenRE = regexp.MustCompile(`Listening for HTTP at address: (\S+)`)

// binary finds stripe-mock on PATH or in GOPATH/bin.
func binary(t testing.TB) string {
	if p, err := exec.LookPath("stripe-mock"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		home, _ := os.UserHomeDir()
		gopath = filepath.Join(home, "go")
	}
	p := filepath.Join(gopath, "bin", "stripe-mock")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("stripe-mock is not installed: run `make test-deps` (go install github.com/stripe/stripe-mock@%s)", Version)
	}
	return p
}

// Start runs stripe-mock on 127.0.0.1 with a port the system chooses and returns its
// base address (http://127.0.0.1:PORT); it is stopped when the test ends.
func Start(t testing.TB) string {
	t.Helper()
	cmd := exec.Command(binary(t), "-http-addr", "127.0.0.1:", "-https-addr", "127.0.0.1:")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatalf("stripe-mock: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() { // keep reading so that the mock never blocks on a full pipe
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil && !sent {
				addr <- m[1]
				sent = true
			}
		}
	}()
	select {
	case a := <-addr:
		return "http://" + strings.Replace(a, "[::]", "127.0.0.1", 1)
	case <-time.After(20 * time.Second):
		t.Fatal("stripe-mock did not start listening within 20 s")
		return ""
	}
}

// Sign returns the Stripe-Signature header of payload for WebhookSecret, now.
func Sign(payload []byte) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: WebhookSecret}).Header
}
