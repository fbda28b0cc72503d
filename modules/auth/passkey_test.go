package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/ispportal/portal/internal/factor"
	"github.com/ispportal/portal/internal/testkit"
)

// softKey is a software authenticator holding one discoverable ES256 credential, to
// drive the real WebAuthn verification from Go (the browser suite uses Chromium's
// virtual authenticator).
type softKey struct {
	priv   *ecdsa.PrivateKey
	id     []byte
	handle []byte
	count  uint32
}

var (
	optionsRE  = regexp.MustCompile(`data-options="([^"]+)"`)
	ceremonyRE = regexp.MustCompile(`name="ceremony" value="([^"]+)"`)
	b64        = base64.RawURLEncoding
)

const rpOrigin = "https://portal.isp.example"

func newSoftKey(t *testing.T) *softKey {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return &softKey{priv: priv, id: id}
}

// ceremonyOf reads a passkey page's options (challenge, user handle) and ceremony.
func ceremonyOf(t *testing.T, body string) (challenge string, userID []byte, token string) {
	t.Helper()
	m, c := optionsRE.FindStringSubmatch(body), ceremonyRE.FindStringSubmatch(body)
	if m == nil || c == nil {
		t.Fatalf("no passkey ceremony on the page:\n%s", body)
	}
	var opts struct {
		PublicKey struct {
			Challenge string `json:"challenge"`
			User      *struct {
				ID string `json:"id"`
			} `json:"user"`
		} `json:"publicKey"`
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &opts); err != nil {
		t.Fatal(err)
	}
	if opts.PublicKey.User != nil {
		userID, _ = b64.DecodeString(opts.PublicKey.User.ID)
	}
	return opts.PublicKey.Challenge, userID, c[1]
}

func clientData(typ, challenge, origin string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": origin, "crossOrigin": false})
	return b
}

func (k *softKey) authData(flags byte, attested bool) []byte {
	rp := sha256.Sum256([]byte("portal.isp.example"))
	out := append([]byte{}, rp[:]...)
	out = append(out, flags)
	out = binary.BigEndian.AppendUint32(out, k.count)
	if attested {
		out = append(out, make([]byte, 16)...) // AAGUID
		out = binary.BigEndian.AppendUint16(out, uint16(len(k.id)))
		out = append(out, k.id...)
		pub, _ := k.priv.PublicKey.Bytes() // 0x04 | X | Y
		x, y := pub[1:33], pub[33:65]
		cose, _ := cbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: x, -3: y})
		out = append(out, cose...)
	}
	return out
}

// create answers a registration page.
func (k *softKey) create(t *testing.T, body, origin string) (token, response string) {
	t.Helper()
	challenge, userID, token := ceremonyOf(t, body)
	k.handle = userID
	att, _ := cbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": k.authData(0x45, true)})
	r, _ := json.Marshal(map[string]any{"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(clientData("webauthn.create", challenge, origin)),
			"attestationObject": b64.EncodeToString(att)}})
	return token, string(r)
}

// get answers a login page (second factor or discoverable).
func (k *softKey) get(t *testing.T, body, origin string) (token, response string) {
	t.Helper()
	challenge, _, token := ceremonyOf(t, body)
	k.count++
	ad := k.authData(0x05, false)
	cd := clientData("webauthn.get", challenge, origin)
	h := sha256.Sum256(cd)
	sum := sha256.Sum256(append(append([]byte{}, ad...), h[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, k.priv, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	r, _ := json.Marshal(map[string]any{"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"response": map[string]any{"clientDataJSON": b64.EncodeToString(cd), "authenticatorData": b64.EncodeToString(ad),
			"signature": b64.EncodeToString(sig), "userHandle": b64.EncodeToString(k.handle)}})
	return token, string(r)
}

// addPasskey registers k for the logged-in browser b under name.
func addPasskey(t *testing.T, b *testkit.Browser, k *softKey, name string) *testkit.Response {
	t.Helper()
	page := b.Post(pathSecurity+"/passkeys/new", url.Values{"name": {name}}).Expect(t, 200, `data-passkey="create"`, "/login/factor/passkey.js")
	tok, resp := k.create(t, page.Body, rpOrigin)
	return b.Post(pathSecurity+"/passkeys", url.Values{"ceremony": {tok}, "name": {name}, "response": {resp}})
}

// TestPasskeys: register (named; a bad name refused), log in with the passkey alone
// (discoverable), use it as the second factor after the password, remove it. A
// replayed answer, an answer for another origin and another client's removal are
// refused.
func TestPasskeys(t *testing.T) {
	t.Parallel()
	env := newEnv(t)
	id := addClient(t, env, "5001", "", goodPW)
	other := addClient(t, env, "5002", "", goodPW)
	b := env.Browser().LoginAs(id)
	b.Get(pathSecurity).Expect(t, 200, "No passkeys yet.")
	b.Post(pathSecurity+"/passkeys/new", url.Values{"name": {strings.Repeat("x", 61)}}).Expect(t, 422, "at most 60 characters")
	key := newSoftKey(t)

	// Wrong origin at registration: refused, nothing stored.
	page := b.Post(pathSecurity+"/passkeys/new", url.Values{"name": {"Phone"}}).Expect(t, 200)
	tok, resp := key.create(t, page.Body, "https://evil.example")
	b.Post(pathSecurity+"/passkeys", url.Values{"ceremony": {tok}, "name": {"Phone"}, "response": {resp}}).Expect(t, http.StatusSeeOther)
	b.Get(pathSecurity).Expect(t, 200, "The passkey was not accepted", "No passkeys yet.")

	// Registered: recovery codes shown once (the account had none).
	addPasskey(t, b, key, "Phone").Expect(t, 200, "Your recovery codes")
	b.Get(pathSecurity).Expect(t, 200, "Phone", "added ")
	if env.AuditCount("mfa.passkey.add", "client:5001") != 1 {
		t.Fatal("passkey registration not audited")
	}

	// A passkey alone logs in.
	c := env.Browser()
	c.Get(pathLogin).Expect(t, 200, "Log in with a passkey")
	page = c.Post(pathFactor+"/passkey/start", nil).Expect(t, 200, `data-passkey="get"`)
	tok, resp = key.get(t, page.Body, rpOrigin)
	r := c.Post(pathFactor+"/passkey/login", url.Values{"ceremony": {tok}, "response": {resp}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" || !loggedIn(t, c) {
		t.Fatalf("passkey login: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	// The same answer again (a replay): the challenge is spent.
	d := env.Browser()
	d.Get(pathLogin)
	d.Post(pathFactor+"/passkey/login", url.Values{"ceremony": {tok}, "response": {resp}}).Expect(t, http.StatusSeeOther)
	if loggedIn(t, d) {
		t.Fatal("a replayed assertion logged in")
	}
	// A fresh challenge signed for another origin.
	page = d.Post(pathFactor+"/passkey/start", nil).Expect(t, 200)
	tok, resp = key.get(t, page.Body, "https://evil.example")
	d.Post(pathFactor+"/passkey/login", url.Values{"ceremony": {tok}, "response": {resp}}).Expect(t, http.StatusSeeOther)
	d.Get(pathLogin).Expect(t, 200, "The passkey was not accepted")
	if loggedIn(t, d) {
		t.Fatal("an assertion for another origin logged in")
	}
	// An old signature counter (a cloned authenticator) is refused.
	page = d.Post(pathFactor+"/passkey/start", nil).Expect(t, 200)
	key.count = 0
	tok, resp = key.get(t, page.Body, rpOrigin)
	key.count = 10
	d.Post(pathFactor+"/passkey/login", url.Values{"ceremony": {tok}, "response": {resp}})
	if loggedIn(t, d) {
		t.Fatal("a repeated signature counter logged in")
	}

	// As the second factor after the password.
	e := env.Browser()
	login(e, "5001", goodPW).Expect(t, http.StatusSeeOther)
	page = e.Get(pathFactor).Expect(t, 200, "Or use a passkey")
	tok, resp = key.get(t, page.Body, rpOrigin)
	r = e.Post(pathFactor, url.Values{"ceremony": {tok}, "response": {resp}})
	if r.StatusCode != http.StatusSeeOther || !loggedIn(t, e) {
		t.Fatalf("passkey as second factor: %d", r.StatusCode)
	}
	if env.AuditCount("login.factor", "client:5001") < 1 || env.AuditCount("login.passkey", "client:5001") != 1 {
		t.Fatal("passkey logins not audited")
	}

	// Removal: another client cannot remove it; the owner can.
	list, _ := factor.PasskeysOf(t.Context(), env.Deps.DB.R, factor.Key{Kind: factor.KindClient, ID: id}, "portal.isp.example")
	if len(list) != 1 {
		t.Fatalf("%d passkeys", len(list))
	}
	path := pathSecurity + "/passkeys/" + strconv.FormatInt(list[0].ID, 10) + "/delete"
	env.Browser().LoginAs(other).Post(path, nil).Expect(t, http.StatusNotFound)
	b.Post(path, nil).Expect(t, http.StatusSeeOther)
	b.Get(pathSecurity).Expect(t, 200, "The passkey was removed.", "No passkeys yet.")

	// Without ci_url there is no relying party: no passkey button.
	env.Set("ci_url", "")
	env.Browser().Get(pathLogin).Lacks(t, "Log in with a passkey")
}
