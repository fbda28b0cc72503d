package notify

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ispportal/portal/settings"
)

// pushService stands in for a browser vendor's push service, built from the
// published protocol: it checks what RFC 8030 (TTL), RFC 8292 (VAPID: the
// Authorization header's ES256 JWT, signed by the key in k=, for this origin) and
// RFC 8291 (aes128gcm encryption to the subscription's key) ask of a sender, and
// decrypts each message with the browser's private key.
type pushService struct {
	t      *testing.T
	srv    *httptest.Server
	now    func() time.Time
	ua     *ecdh.PrivateKey // the "browser's" subscription key
	auth   []byte
	mu     sync.Mutex
	answer int
	got    []pushPayload
	keys   []string // the VAPID public key of each request
	errs   []string
}

func newPushService(t *testing.T, now func() time.Time) *pushService {
	ua, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p := &pushService{t: t, now: now, ua: ua, auth: make([]byte, 16), answer: http.StatusCreated}
	rand.Read(p.auth)
	p.srv = httptest.NewServer(http.HandlerFunc(p.handle))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *pushService) fail(format string, args ...any) {
	p.errs = append(p.errs, fmt.Sprintf(format, args...))
}

func (p *pushService) handle(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	if r.Method != http.MethodPost || r.Header.Get("TTL") != "86400" || r.Header.Get("Content-Encoding") != "aes128gcm" {
		p.fail("method %s TTL %q encoding %q", r.Method, r.Header.Get("TTL"), r.Header.Get("Content-Encoding"))
	}
	key := p.checkVAPID(r.Header.Get("Authorization"))
	p.keys = append(p.keys, key)
	if plain, err := p.decrypt(body); err != nil {
		p.fail("decrypt: %v", err)
	} else {
		var pl pushPayload
		if err := json.Unmarshal(plain, &pl); err != nil {
			p.fail("payload %q: %v", plain, err)
		}
		p.got = append(p.got, pl)
	}
	w.WriteHeader(p.answer)
}

// checkVAPID verifies "vapid t=JWT, k=KEY": the JWT's ES256 signature by KEY, its
// audience (this push service's origin), expiry (at most 24 hours ahead) and subject.
func (p *pushService) checkVAPID(h string) string {
	rest, ok := strings.CutPrefix(h, "vapid ")
	if !ok {
		p.fail("Authorization %q", h)
		return ""
	}
	var tok, k string
	for _, part := range strings.Split(rest, ",") {
		part = strings.TrimSpace(part)
		if v, ok := strings.CutPrefix(part, "t="); ok {
			tok = v
		} else if v, ok := strings.CutPrefix(part, "k="); ok {
			k = v
		}
	}
	raw, err := base64.RawURLEncoding.DecodeString(k)
	if err != nil {
		p.fail("k=%q: %v", k, err)
		return k
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		p.fail("k: %v", err)
		return k
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		p.fail("JWT %q", tok)
		return k
	}
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if len(sig) != 64 || !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		p.fail("JWT signature does not verify with k")
	}
	var hdr struct{ Alg, Typ string }
	var claims struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	cb, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if json.Unmarshal(hb, &hdr) != nil || hdr.Alg != "ES256" {
		p.fail("JWT header %s", hb)
	}
	if json.Unmarshal(cb, &claims) != nil || claims.Aud != p.srv.URL || claims.Sub != "mailto:portal@isp.example" {
		p.fail("JWT claims %s (want aud %s)", cb, p.srv.URL)
	}
	if exp := time.Unix(claims.Exp, 0); !exp.After(p.now()) || exp.After(p.now().Add(24*time.Hour)) {
		p.fail("JWT exp %s, now %s", exp, p.now())
	}
	return k
}

// decrypt undoes RFC 8291 / RFC 8188 aes128gcm with the subscription's private key.
func (p *pushService) decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, fmt.Errorf("body of %d bytes", len(body))
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if idlen != 65 || len(body) < 21+idlen {
		return nil, fmt.Errorf("key id of %d bytes", idlen)
	}
	asPub, err := ecdh.P256().NewPublicKey(body[21 : 21+idlen])
	if err != nil {
		return nil, err
	}
	ct := body[21+idlen:]
	if uint32(len(ct)) > rs {
		return nil, fmt.Errorf("record of %d bytes over rs %d", len(ct), rs)
	}
	shared, err := p.ua.ECDH(asPub)
	if err != nil {
		return nil, err
	}
	mac := func(key []byte, parts ...[]byte) []byte {
		h := hmac.New(sha256.New, key)
		for _, x := range parts {
			h.Write(x)
		}
		return h.Sum(nil)
	}
	prkKey := mac(p.auth, shared)
	info := append(append([]byte("WebPush: info\x00"), p.ua.PublicKey().Bytes()...), asPub.Bytes()...)
	ikm := mac(prkKey, info, []byte{1})
	prk := mac(salt, ikm)
	cek := mac(prk, []byte("Content-Encoding: aes128gcm\x00"), []byte{1})[:16]
	nonce := mac(prk, []byte("Content-Encoding: nonce\x00"), []byte{1})[:12]
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, ct, nil)
	if err != nil {
		return nil, err
	}
	plain = bytes.TrimRight(plain, "\x00")
	if len(plain) == 0 || plain[len(plain)-1] != 2 {
		return nil, fmt.Errorf("no last-record delimiter")
	}
	return plain[:len(plain)-1], nil
}

// subscription is what the browser would post for this service.
func (p *pushService) subscription(path string) url.Values {
	return url.Values{"endpoint": {p.srv.URL + path}, "p256dh": {base64.RawURLEncoding.EncodeToString(p.ua.PublicKey().Bytes())},
		"auth": {base64.RawURLEncoding.EncodeToString(p.auth)}}
}

func (p *pushService) results() ([]pushPayload, []string, []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]pushPayload(nil), p.got...), append([]string(nil), p.keys...), append([]string(nil), p.errs...)
}

// A browser subscribes on the page; a notice reaches it encrypted and signed as the
// protocol says; the push service's 410 removes the subscription.
func TestWebPush(t *testing.T) {
	f := newFixture(t)
	ps := newPushService(t, time.Now) // the push service's own clock, not the portal's test clock
	f.mod.SetHTTPClient(ps.srv.Client())
	f.setPrefs(t, f.c1, "00:00", "00:00", "outage.push")

	// The page hands out the VAPID public key (made on first use, the private one secret).
	page := f.b1.Get("/notifications").Expect(t, 200, `id="push-on"`, "/notifications/push.js", "No device receives push")
	public := settings.VAPIDPublicKey.Get(f.env.Deps.Settings)
	private := settings.VAPIDPrivateKey.Get(f.env.Deps.Settings)
	if public == "" || private == "" || !strings.Contains(page.Body, `data-key="`+public+`"`) {
		t.Fatalf("VAPID key %q not on the page", public)
	}
	if strings.Contains(page.Body, private) || strings.Contains(f.env.Logs.String(), private) {
		t.Fatal("the VAPID private key leaked")
	}
	f.b1.Get("/notifications/push.js").Expect(t, 200, "pushManager.subscribe", "applicationServerKey")

	// Bad subscriptions are refused; a good one is stored for client 1 only.
	bad := ps.subscription("/p/1")
	bad.Set("endpoint", "ftp://push.example/1")
	f.b1.Post("/notifications/push", bad).Expect(t, http.StatusUnprocessableEntity)
	bad = ps.subscription("/p/1")
	bad.Set("auth", "c2hvcnQ")
	f.b1.Post("/notifications/push", bad).Expect(t, http.StatusUnprocessableEntity)
	f.b1.Post("/notifications/push", ps.subscription("/p/1")).Expect(t, http.StatusNoContent)
	if n := f.count(t, `SELECT COUNT(*) FROM notify_push WHERE client_id = ?`, f.c1); n != 1 {
		t.Fatalf("%d subscriptions", n)
	}
	f.b2.Post("/notifications/push/off", nil).Expect(t, http.StatusSeeOther) // client 2 removes only their own
	f.b1.Get("/notifications").Expect(t, 200, "1 device(s) receive push")

	if _, _, err := f.mod.Announce(context.Background(), Notice{Audience: "all", Title: "Outage in Brno", Text: "Fibre cut."}, "test", ""); err != nil {
		t.Fatal(err)
	}
	if n, err := f.mod.DeliverDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("DeliverDue = %d, %v", n, err)
	}
	got, keys, errs := ps.results()
	if len(errs) > 0 {
		t.Fatalf("push service refused: %v", errs)
	}
	if len(got) != 1 || got[0].Title != "Outage in Brno" || got[0].Body != "Fibre cut." || got[0].URL != "https://portal.isp.example/" || keys[0] != public {
		t.Fatalf("pushed %+v with key %v", got, keys)
	}
	if n := f.count(t, `SELECT COUNT(*) FROM notify_sent WHERE channel = 'push' AND status = 'sent'`); n != 1 {
		t.Fatalf("%d push rows sent", n)
	}
	if n, _ := f.mod.DeliverDue(context.Background()); n != 0 {
		t.Fatal("pushed twice")
	}

	// The browser dropped the subscription: 410 Gone deletes it.
	ps.mu.Lock()
	ps.answer = http.StatusGone
	ps.mu.Unlock()
	if _, _, err := f.mod.Announce(context.Background(), Notice{Audience: "all", Title: "Back online", Text: "Fixed."}, "test", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := f.mod.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT COUNT(*) FROM notify_push`); n != 0 {
		t.Fatalf("%d subscriptions after 410", n)
	}
	if n := f.count(t, `SELECT COUNT(*) FROM notify_sent WHERE channel = 'push' AND status = 'failed' AND title = 'Back online'`); n != 1 {
		t.Fatal("the push to a gone subscription is not marked failed")
	}
	// Without a subscription, a later notice does not queue a push at all.
	if _, _, err := f.mod.Announce(context.Background(), Notice{Audience: "all", Title: "Third", Text: "x"}, "test", ""); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT COUNT(*) FROM notify_sent WHERE channel = 'push' AND title = 'Third'`); n != 0 {
		t.Fatal("push queued without a subscription")
	}
}

// The service worker shows a push and opens the portal when it is clicked.
func TestServiceWorkerHandlesPush(t *testing.T) {
	f := newFixture(t)
	f.env.Browser().Get("/sw.js").Expect(t, 200, "addEventListener('push'", "showNotification", "addEventListener('notificationclick'", "openWindow")
}
