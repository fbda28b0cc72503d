package web

import (
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// FuzzClientIP feeds the client-address parser a connection address, an
// X-Forwarded-For header and a trusted-proxy list, all chosen by the fuzzer. Whatever
// they hold, the answer is one plain address (no zone, no IPv4-in-IPv6 form) that
// the connection or the header named, never a trusted proxy unless the connection
// itself came from one and nothing else is left, and the peer's own address whenever
// the peer is not trusted. Its rate-limit bucket contains it.
func FuzzClientIP(f *testing.F) {
	seeds := []struct{ peer, xff, proxies string }{
		{"192.0.2.10", "", "10.99.0.1"},
		{"10.99.0.1", "203.0.113.7", "10.99.0.1"},
		{"10.99.0.1", "198.51.100.1, 203.0.113.7", "10.99.0.1"},
		{"10.99.0.1", "203.0.113.7, 10.99.0.2", "10.99.0.0/24"},
		{"10.99.0.1", "garbage, 203.0.113.7", "10.99.0.1"},
		{"2001:db8::1", "2001:db8:1::5", "2001:db8::/64"},
		{"::ffff:10.99.0.1", "::ffff:203.0.113.7", "10.99.0.1"},
		{"10.99.0.1", " , ,", "10.99.0.1, ::1"},
		{"10.99.0.1", "10.99.0.1", "10.99.0.1"},
		// A zone is meaningless for a remote client and would carry any text into the
		// logs and the audit trail.
		{"10.99.0.1", "2001:db8::1%<script>", "10.99.0.1"},
	}
	for _, s := range seeds {
		f.Add(s.peer, s.xff, s.proxies)
	}
	app := fiber.New()
	f.Fuzz(func(t *testing.T, peerText, xff, proxyList string) {
		proxies, err := ParseProxies(strings.Split(proxyList, ","))
		if err != nil {
			return
		}
		for _, p := range proxies {
			if !p.IsValid() || p != p.Masked() {
				t.Fatalf("ParseProxies(%q) gave %v, not a masked prefix", proxyList, p)
			}
		}
		peerAddr, err := netip.ParseAddr(peerText)
		if err != nil {
			return
		}
		peer := peerAddr.WithZone("").Unmap()
		var req fasthttp.Request
		req.SetRequestURI("/")
		if xff != "" {
			req.Header.Set(fiber.HeaderXForwardedFor, xff)
		}
		var fctx fasthttp.RequestCtx
		fctx.Init(&req, &net.TCPAddr{IP: peerAddr.AsSlice(), Port: 1}, nil)
		c := app.AcquireCtx(&fctx)
		defer app.ReleaseCtx(c)
		w := &Web{proxies: proxies}

		got := w.ClientIP(c)
		a, err := netip.ParseAddr(got)
		if err != nil || a.Zone() != "" || a.Is4In6() || a.String() != got {
			t.Fatalf("ClientIP = %q (peer %s, X-Forwarded-For %q): not one plain address", got, peer, xff)
		}
		if !w.trusted(peer) && a != peer {
			t.Fatalf("untrusted peer %s, but ClientIP = %s from X-Forwarded-For %q", peer, a, xff)
		}
		if a != peer {
			if w.trusted(a) {
				t.Fatalf("ClientIP = %s is a trusted proxy (X-Forwarded-For %q)", a, xff)
			}
			named := false
			for _, h := range strings.Split(xff, ",") {
				if ha, err := netip.ParseAddr(strings.TrimSpace(h)); err == nil && ha.Unmap() == a {
					named = true
				}
			}
			if !named {
				t.Fatalf("ClientIP = %s, named neither by the peer %s nor by X-Forwarded-For %q", a, peer, xff)
			}
		}
		key := RateKey(got)
		if a.Is4() {
			if key != got {
				t.Fatalf("RateKey(%s) = %q, want the address itself", got, key)
			}
		} else if p, err := netip.ParsePrefix(key); err != nil || p.Bits() != 64 || !p.Contains(a) {
			t.Fatalf("RateKey(%s) = %q, want the /64 holding it", got, key)
		}
	})
}
