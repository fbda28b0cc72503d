package auth

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ispportal/portal/internal/password"
	"golang.org/x/crypto/argon2"
)

func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := env.AddClient("5001", 0)
	// Idle: 30 minutes by default.
	b := env.Browser().LoginAs(id)
	env.Clock.Advance(29 * time.Minute)
	if !loggedIn(t, b) {
		t.Fatal("session ended before the idle timeout")
	}
	env.Clock.Advance(30*time.Minute + time.Second)
	if loggedIn(t, b) {
		t.Fatal("session survived the idle timeout")
	}
	// Absolute: 12 hours however active.
	b = env.Browser().LoginAs(id)
	for i := 0; i < 12*60/20-1; i++ {
		env.Clock.Advance(20 * time.Minute)
		if !loggedIn(t, b) {
			t.Fatalf("active session ended after %d minutes", (i+1)*20)
		}
	}
	env.Clock.Advance(20*time.Minute + time.Second)
	if loggedIn(t, b) {
		t.Fatal("session survived the absolute timeout")
	}
}

// TestOldHashUpgradedAtLogin stores a hash with other argon2id parameters, as an
// older release would have, and checks that a login replaces it with one at the
// current cost (the test kit's lowered one here; internal/password checks the real).
func TestOldHashUpgradedAtLogin(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := env.AddClient("5001", 0)
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(goodPW), salt, 1, 4096, 1, 32)
	old := fmt.Sprintf("$argon2id$v=%d$m=4096,t=1,p=1$%s$%s", argon2.Version,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
	env.Tx(func(tx *sql.Tx) error {
		return SavePassword(context.Background(), tx, id, old, false, time.Time{}, env.Clock.Now())
	})
	login(env.Browser(), "5001", goodPW).Expect(t, http.StatusSeeOther)
	cred, err := credentialFor(context.Background(), env.Deps.DB.R, id)
	if err != nil || cred.Hash == old || password.NeedsRehash(cred.Hash) || strings.Contains(cred.Hash, "m=4096,t=1,") {
		t.Fatalf("hash not upgraded: %q %v", cred.Hash, err)
	}
}

// FuzzLogoutRedirect checks the post-logout redirect filter: whatever it accepts is an
// absolute http(s) URL with a host, and nothing with a backslash or line break.
func FuzzLogoutRedirect(f *testing.F) {
	for _, s := range []string{"https://isp.example/", "//evil", `\\evil`, "https:evil", "javascript:x", "http://a\r\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !absoluteHTTP(s) {
			return
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(s, "\\\r\n") {
			t.Fatalf("accepted %q", s)
		}
	})
}
