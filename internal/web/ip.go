package web

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ParseProxies reads trusted proxy addresses or CIDR ranges.
func ParseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, err
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func (w *Web) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range w.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientIP returns the address of the real client. X-Forwarded-For is believed only
// when the connection comes from a trusted proxy, and then read from the right: the
// right-most address that is not a trusted proxy is the client, because everything to
// its left was written by the client itself and may be forged.
func (w *Web) ClientIP(c *fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	peer = peer.Unmap()
	if !w.trusted(peer) {
		return peer.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil || a.Zone() != "" {
			// Garbage from the client side (a zone such as "%eth0" means nothing for a
			// remote address and would carry any text into logs): stop and use what
			// we trust.
			break
		}
		a = a.Unmap()
		if !w.trusted(a) {
			return a.String()
		}
	}
	return peer.String()
}

// RateKey is the limiter bucket of an address: IPv4 per address, IPv6 per /64, since
// one subscriber line usually owns a whole /64.
func RateKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Is4() {
		return ip
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// viaTrustedProxy reports whether the request's peer is a trusted proxy, whose
// X-Forwarded-* headers may be believed.
func (w *Web) viaTrustedProxy(c *fiber.Ctx) bool {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	return ok && w.trusted(peer)
}

// IsHTTPS reports whether the client reached us over TLS, directly or through a trusted
// proxy that says so. Fiber's own Protocol() believes X-Forwarded-Proto from anyone.
func (w *Web) IsHTTPS(c *fiber.Ctx) bool {
	if c.Context().IsTLS() {
		return true
	}
	return w.viaTrustedProxy(c) && strings.EqualFold(c.Get(fiber.HeaderXForwardedProto), "https")
}

// Host returns the host (and port, if any) the client addressed: X-Forwarded-Host when
// a trusted proxy sent it, else the Host header. Fiber's own Hostname() believes
// X-Forwarded-Host from anyone. Of a list, the right-most value counts: it is the one
// the trusted proxy wrote (proxies usually overwrite the header; one that appends
// leaves whatever the client sent on the left).
func (w *Web) Host(c *fiber.Ctx) string {
	if w.viaTrustedProxy(c) {
		h := c.Get(fiber.HeaderXForwardedHost)
		if i := strings.LastIndexByte(h, ','); i >= 0 {
			h = h[i+1:]
		}
		if h = strings.TrimSpace(h); h != "" {
			return h
		}
	}
	return string(c.Request().URI().Host())
}
