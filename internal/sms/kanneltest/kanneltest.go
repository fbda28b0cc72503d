// Package kanneltest runs a real Kannel for tests of the HTTP gateway transport:
// Debian's bearerbox and smsbox with the fake SMSC of kannel-extras (fakesmsc), all
// on loopback with free ports and a config in the test's temp dir.
//
//	k := kanneltest.Start(t)
//	... send through k.SendURL ...
//	parts := k.WaitForParts(t, 2, 20*time.Second)
//
// Kannel is a test dependency that `make test` installs (apt-get install kannel
// kannel-extras). When it is missing the test fails with the reason: a skipped check
// would pass a CI machine that never tested the transport. It lives apart from
// package sms so that package testing is not linked into the portal binary.
package kanneltest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Part is one message (one part of a concatenated SMS) as the fake SMSC
// received it from bearerbox.
type Part struct {
	From, To string
	// Type is how the fake SMSC protocol tagged it: "text" (GSM-7 without a user data
	// header), "ucs-2", "data" (8-bit) or "udh" (a part of a concatenated message; its
	// coding then shows only in Data).
	Type string
	// UDH is the user data header of a "udh" part: for a concatenated message
	// 05 00 03 ref total seq.
	UDH []byte
	// Data is the user data: UTF-8 text for GSM-7, UTF-16BE for UCS-2.
	Data []byte
}

// Total returns the number of parts of the concatenated message this part belongs to
// (1 for a message without a concatenation header).
func (p Part) Total() int {
	if len(p.UDH) >= 6 && p.UDH[1] == 0 && p.UDH[2] == 3 {
		return int(p.UDH[4])
	}
	return 1
}

// Kannel is a running bearerbox, smsbox and fakesmsc.
type Kannel struct {
	// SendURL is smsbox's sendsms address, e.g. http://127.0.0.1:40123/cgi-bin/sendsms.
	SendURL string
	// User and Password are the sendsms-user's credentials.
	User, Password string

	dir     string
	admin   string // status page address
	fakeLog *lockedBuffer
}

// kannelBinaries locates the three programs; Debian puts fakesmsc outside PATH.
func kannelBinaries() (bearerbox, smsbox, fakesmsc string, err error) {
	find := func(name string, dirs ...string) (string, error) {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
		for _, d := range dirs {
			if p := filepath.Join(d, name); fileExists(p) {
				return p, nil
			}
		}
		return "", fmt.Errorf("%s not found in PATH or %s", name, strings.Join(dirs, ", "))
	}
	if bearerbox, err = find("bearerbox", "/usr/sbin"); err != nil {
		return
	}
	if smsbox, err = find("smsbox", "/usr/sbin"); err != nil {
		return
	}
	fakesmsc, err = find("fakesmsc", "/usr/lib/kannel/test", "/usr/lib/kannel")
	return
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// freePorts reserves n distinct free loopback ports. They are released before Kannel
// binds them; another process taking one in between makes the start fail loudly.
func freePorts(tb testing.TB, n int) []int {
	tb.Helper()
	var ls []net.Listener
	var ports []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatalf("kanneltest.Start: no free port: %v", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

const kannelConf = `group = core
admin-port = %[1]d
admin-interface = 127.0.0.1
admin-password = %[5]s
admin-allow-ip = 127.0.0.1
smsbox-port = %[2]d
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-level = 0

group = smsc
smsc = fake
smsc-id = fake
port = %[3]d
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = %[2]d
sendsms-port = %[4]d
sendsms-interface = 127.0.0.1
log-level = 0

group = sendsms-user
username = %[6]s
password = %[7]s
max-messages = 10
concatenation = true

group = sms-service
keyword = default
text = "No service"
`

// Start starts bearerbox, the fake SMSC client and smsbox, waits until smsbox
// accepts sendsms requests and the fake SMSC is online, and stops all three when the
// test ends. It fails the test when Kannel is not installed.
func Start(tb testing.TB) *Kannel {
	tb.Helper()
	bearerbox, smsbox, fakesmsc, err := kannelBinaries()
	if err != nil {
		tb.Fatalf("kanneltest.Start: Kannel is not installed (%v); `make test` installs it, "+
			"or run: apt-get install -y kannel kannel-extras", err)
	}
	p := freePorts(tb, 4)
	k := &Kannel{dir: tb.TempDir(), User: "portal", Password: "kannel-s3cret", fakeLog: &lockedBuffer{}}
	adminPW := "admin-s3cret"
	k.SendURL = fmt.Sprintf("http://127.0.0.1:%d/cgi-bin/sendsms", p[3])
	k.admin = fmt.Sprintf("http://127.0.0.1:%d/status.txt?password=%s", p[0], adminPW)
	conf := filepath.Join(k.dir, "kannel.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, kannelConf, p[0], p[1], p[2], p[3], adminPW, k.User, k.Password), 0o600); err != nil {
		tb.Fatal(err)
	}

	var procs []*exec.Cmd
	tb.Cleanup(func() {
		// Newest first: smsbox and fakesmsc before the bearerbox they talk to.
		for i := len(procs) - 1; i >= 0; i-- {
			stopProcess(procs[i])
		}
		if tb.Failed() {
			k.dumpLogs(tb)
		}
	})
	start := func(name string, out io.Writer, args ...string) {
		tb.Helper()
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = k.dir
		cmd.Stdout, cmd.Stderr = out, out
		// Its own process group, so a stop reaches it and nothing else.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			tb.Fatalf("kanneltest.Start: start %s: %v", name, err)
		}
		procs = append(procs, cmd)
	}
	logFile := func(name string) io.Writer {
		f, err := os.Create(filepath.Join(k.dir, name))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { f.Close() })
		return f
	}

	start("bearerbox", logFile("bearerbox.log"), bearerbox, "-v", "0", conf)
	k.waitStatus(tb, "fake[fake]", 15*time.Second)
	// -m 0: the fake SMSC sends no messages of its own; it only prints what it gets.
	start("fakesmsc", k.fakeLog, fakesmsc, "-H", "127.0.0.1", "-r", fmt.Sprint(p[2]), "-m", "0", "0 0 text nop")
	start("smsbox", logFile("smsbox.log"), smsbox, "-v", "0", conf)
	k.waitStatus(tb, "(online", 15*time.Second)
	k.waitStatus(tb, "smsbox:", 15*time.Second)
	k.waitSendsms(tb, 15*time.Second)
	return k
}

// stopProcess ends one started process group: TERM, then KILL after a grace period.
func stopProcess(cmd *exec.Cmd) {
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

// waitStatus polls bearerbox's status page until it contains want.
func (k *Kannel) waitStatus(tb testing.TB, want string, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		if resp, err := http.Get(k.admin); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			last = string(b)
			if strings.Contains(last, want) {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.Fatalf("kanneltest.Start: bearerbox status lacks %q after %s:\n%s", want, timeout, last)
}

// waitSendsms polls smsbox until its HTTP interface answers.
func (k *Kannel) waitSendsms(tb testing.TB, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(k.SendURL); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	tb.Fatalf("kanneltest.Start: smsbox does not answer on %s after %s", k.SendURL, timeout)
}

// Template returns a sendsms URL template for the HTTP gateway transport, with the
// credentials as {user} and {password} and the coding per message.
func (k *Kannel) Template() string {
	return k.SendURL + "?username={user}&password={password}&from={sender}&to={number}&text={text}" +
		"&coding={coding}&charset={charset}"
}

// Parts returns what the fake SMSC received so far, in order.
func (k *Kannel) Parts() []Part {
	var out []Part
	sc := bufio.NewScanner(bytes.NewReader(k.fakeLog.Bytes()))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if p, ok := parseFakeLine(sc.Text()); ok {
			out = append(out, p)
		}
	}
	return out
}

// WaitForParts waits until the fake SMSC received at least n parts and returns them.
func (k *Kannel) WaitForParts(tb testing.TB, n int, timeout time.Duration) []Part {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		parts := k.Parts()
		if len(parts) >= n {
			return parts
		}
		if time.Now().After(deadline) {
			tb.Fatalf("kanneltest.Kannel: the fake SMSC received %d part(s) after %s, want %d", len(parts), timeout, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// parseFakeLine reads fakesmsc's "Got message N: <from to type ...>" lines. The
// types are those of Kannel's fake SMSC protocol: "text PLAIN", "ucs-2 URLENC",
// "data URLENC" and "udh URLENC-UDH data URLENC".
func parseFakeLine(line string) (Part, bool) {
	_, rest, ok := strings.Cut(line, "Got message ")
	if !ok {
		return Part{}, false
	}
	_, rest, ok = strings.Cut(rest, ": <")
	if !ok || !strings.HasSuffix(rest, ">") {
		return Part{}, false
	}
	f := strings.SplitN(strings.TrimSuffix(rest, ">"), " ", 4)
	if len(f) < 4 {
		return Part{}, false
	}
	p := Part{From: f[0], To: f[1], Type: f[2]}
	dec := func(s string) []byte {
		b, err := url.QueryUnescape(s)
		if err != nil {
			return []byte(s)
		}
		return []byte(b)
	}
	switch p.Type {
	case "text":
		p.Data = []byte(f[3])
	case "udh":
		udh, data, _ := strings.Cut(f[3], " data ")
		p.UDH, p.Data = dec(udh), dec(data)
	default:
		p.Data = dec(f[3])
	}
	return p, true
}

func (k *Kannel) dumpLogs(tb testing.TB) {
	for _, name := range []string{"bearerbox.log", "smsbox.log"} {
		b, _ := os.ReadFile(filepath.Join(k.dir, name))
		tb.Logf("--- %s (last 3000 bytes) ---\n%s", name, tail(b, 3000))
	}
	tb.Logf("--- fakesmsc ---\n%s", tail(k.fakeLog.Bytes(), 3000))
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// lockedBuffer collects a process's output while tests read it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// Bytes returns a copy of what was written so far.
func (l *lockedBuffer) Bytes() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.b.Bytes())
}
