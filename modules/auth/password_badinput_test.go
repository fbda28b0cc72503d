package auth

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPasswordFormsBadInput sends SQL, HTML, non-UTF-8 and 100 kB values to every
// field of the forgotten-password, reset and change forms: never a 500, never
// unescaped markup, nothing changed.
func TestPasswordFormsBadInput(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := addClient(t, env, "5001", "", goodPW)
	evil := []string{`"><script>alert(1)</script>`, "' OR 1=1; DROP TABLE clients; --", "\xff\xfe\x00", strings.Repeat("é", 50<<10)}
	for i, v := range evil {
		want := 200
		if len(v) > 64<<10 {
			// Beyond what an anonymous form may send: refused before it is read.
			want = http.StatusRequestEntityTooLarge
		}
		askLink(t, env, v, fmt.Sprintf("192.0.2.%d", i+1)).Expect(t, want).Lacks(t, "<script>alert")
	}
	b := env.Browser().LoginAs(id)
	b.Get("/password")
	for _, v := range evil {
		// Mismatched or wrong-current values: refused before anything is stored.
		b.Post("/password", url.Values{"current": {goodPW}, "password": {v}, "password2": {v + "x"}}).
			Expect(t, http.StatusUnprocessableEntity).Lacks(t, "<script>alert")
	}
	b.Post("/password", url.Values{"current": {evil[0]}, "password": {newPW}, "password2": {newPW}}).
		Expect(t, http.StatusUnprocessableEntity, "The current password is wrong.")
	r := env.Browser()
	r.Get("/password/reset")
	r.Post("/password/reset", url.Values{"password": {evil[0]}, "password2": {evil[1]}}).Expect(t, http.StatusGone)
	login(env.Browser(), "5001", goodPW).Expect(t, http.StatusSeeOther)
}
