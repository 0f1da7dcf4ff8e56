package server_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/log/v2"
	"github.com/pires/go-proxyproto"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"github.com/sshblog/sshblog/internal/server"
	"github.com/sshblog/sshblog/internal/sshtest"
)

// logBuffer collects a server's log for assertions.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor waits for text in the log: the server logs after it answers.
func (l *logBuffer) waitFor(t *testing.T, text string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(l.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("log never said %q:\n%s", text, l.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func withLog(buf *logBuffer) func(*server.Server) {
	return func(s *server.Server) { s.Logger = log.New(buf) }
}

// rss is this process's resident memory (the server and the test client
// share it), from /proc.
func rss(t *testing.T) int64 {
	t.Helper()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmRSS in /proc/self/status")
	return 0
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func TestHugeFirstPTYIsClamped(t *testing.T) {
	addr, _ := startServer(t)
	before, rssBefore := heapInUse(), rss(t)
	// The client claims 100000x100000; the server must draw for 500x200.
	// Unclamped, that request alone made the server allocate until it died.
	huge := sshtest.Open(t, addr, 100000, 100000, sshtest.TermOptions{ScreenCols: 500, ScreenRows: 200})
	screen := huge.WaitFor("sshblog ·", "posts")
	if w := maxWidth(screen); w > 500 {
		t.Errorf("screen drawn %d columns wide, want at most 500", w)
	}
	if grown := int64(heapInUse()) - int64(before); grown > 64<<20 {
		t.Errorf("one huge-PTY session grew the heap by %d MB", grown>>20)
	}
	if grown := rss(t) - rssBefore; grown > 128<<20 {
		t.Errorf("one huge-PTY session grew the process's RSS by %d MB", grown>>20)
	}
	// Another reader is served as usual.
	other := sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{})
	other.WaitFor("Welcome to sshblog")
}

func TestHugeResizeIsClamped(t *testing.T) {
	addr, _ := startServer(t)
	tm := sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{})
	tm.WaitFor("Welcome to sshblog")
	before := heapInUse()
	tm.ResizeClaiming(100000, 100000, 500, 200)
	screen := tm.WaitUntil("a redraw for 500x200", func(s string) bool {
		return len(strings.Split(s, "\n")) > 100 && strings.Contains(s, "AWS in action 리뷰")
	})
	if w := maxWidth(screen); w > 500 {
		t.Errorf("screen drawn %d columns wide after a huge resize, want at most 500", w)
	}
	if grown := int64(heapInUse()) - int64(before); grown > 64<<20 {
		t.Errorf("a huge resize grew the heap by %d MB", grown>>20)
	}
	tm.Resize(80, 24)
	tm.WaitFor("Welcome to sshblog")
}

func TestSessionsPerConnection(t *testing.T) {
	logs := &logBuffer{}
	addr, _ := startServer(t, withLog(logs))
	client := sshtest.Dial(t, addr)
	var open []*gossh.Session
	for range 2 {
		s, err := client.NewSession()
		if err != nil {
			t.Fatalf("session within the limit refused: %v", err)
		}
		open = append(open, s)
	}
	_, err := client.NewSession()
	if err == nil || !strings.Contains(err.Error(), "too many sessions on one connection") {
		t.Fatalf("third session on one connection: err = %v, want a refusal", err)
	}
	logs.waitFor(t, "sessions per connection")
	// Closing one frees its slot.
	open[0].Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s, err := client.NewSession()
		if err == nil {
			s.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("slot never freed: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSlowHandshakeIsDropped(t *testing.T) {
	addr, _ := startServer(t, func(s *server.Server) { s.Limits.HandshakeTimeout = 300 * time.Millisecond })
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = io.ReadAll(conn) // the server's version line, then EOF when it drops us
	if err != nil {
		t.Fatalf("connection not closed by the server: %v", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("dropped after %s, want about 300ms", took)
	}
}

func dialFrom(t *testing.T, local, addr string) (*gossh.Client, error) {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Skipf("cannot dial from %s (no 127.0.0.0/8 on lo?): %v", local, err)
	}
	c, chans, reqs, err := gossh.NewClientConn(conn, addr, sshtest.ClientConfig("reader"))
	if err != nil {
		conn.Close()
		return nil, err
	}
	client := gossh.NewClient(c, chans, reqs)
	t.Cleanup(func() { client.Close() })
	return client, nil
}

func TestConnectionFloodFromOneAddress(t *testing.T) {
	logs := &logBuffer{}
	addr, _ := startServer(t, withLog(logs), func(s *server.Server) {
		s.Limits.ConnRate = 1
		s.Limits.ConnBurst = 3
	})
	refused := 0
	for i := range 6 {
		if _, err := dialFrom(t, "127.0.0.1", addr); err != nil {
			refused++
			if i < 3 {
				t.Errorf("connection %d within the burst refused: %v", i+1, err)
			}
		}
	}
	if refused != 3 {
		t.Errorf("%d of 6 connections refused past a burst of 3, want 3", refused)
	}
	// Another address is still served.
	other, err := dialFrom(t, "127.0.0.2", addr)
	if err != nil {
		t.Fatalf("another address refused during the flood: %v", err)
	}
	if res := sshtest.RunOn(t, other, "ls"); res.Status != 0 {
		t.Fatalf("another address: ls status %d", res.Status)
	}
	logs.waitFor(t, "connection rate")
	if n := strings.Count(logs.String(), "connection rate"); n != 1 {
		t.Errorf("refusals logged %d times, want once per address:\n%s", n, logs.String())
	}
}

func proxyHeader(t *testing.T, src string) []byte {
	h := &proxyproto.Header{
		Version:           2,
		Command:           proxyproto.PROXY,
		TransportProtocol: proxyproto.TCPv4,
		SourceAddr:        &net.TCPAddr{IP: net.ParseIP(src), Port: 40000},
		DestinationAddr:   &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 22},
	}
	b, err := h.Format()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dialWithHeader opens an SSH connection from local that starts with
// header (nil: none).
func dialWithHeader(t *testing.T, local, addr string, header []byte) error {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Skipf("cannot dial from %s: %v", local, err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if header != nil {
		if _, err := conn.Write(header); err != nil {
			return err
		}
	}
	c, chans, reqs, err := gossh.NewClientConn(conn, addr, sshtest.ClientConfig("reader"))
	if err != nil {
		return err
	}
	client := gossh.NewClient(c, chans, reqs)
	defer client.Close()
	res := sshtest.RunOn(t, client, "ls")
	if res.Status != 0 {
		return fmt.Errorf("ls status %d", res.Status)
	}
	return nil
}

func TestProxyProtocol(t *testing.T) {
	logs := &logBuffer{}
	addr, _ := startServer(t, withLog(logs), func(s *server.Server) {
		s.ProxyProtocolFrom = []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")}
	})
	// A forged header from an untrusted peer is rejected and logged.
	if err := dialWithHeader(t, "127.0.0.1", addr, proxyHeader(t, "203.0.113.9")); err == nil {
		t.Error("header from an untrusted peer was accepted")
	}
	// The trusted balancer must send one...
	if err := dialWithHeader(t, "127.0.0.2", addr, nil); err == nil {
		t.Error("trusted peer without a header was accepted")
	}
	// ...and its client address is the one logged.
	if err := dialWithHeader(t, "127.0.0.2", addr, proxyHeader(t, "198.51.100.7")); err != nil {
		t.Fatalf("trusted peer with a header: %v", err)
	}
	logs.waitFor(t, "remote=198.51.100.7")
	logs.waitFor(t, "proxy header")
	out := logs.String()
	if !strings.Contains(out, "remote=198.51.100.7:40000") {
		t.Errorf("session not logged with the client address from the header:\n%s", out)
	}
	if !strings.Contains(out, "proxy header") || !strings.Contains(out, "127.0.0.1") {
		t.Errorf("forged header not logged:\n%s", out)
	}
	if strings.Contains(out, "203.0.113.9") {
		t.Errorf("forged address believed somewhere:\n%s", out)
	}
}

func TestForwardingSubsystemsAndAgentRefused(t *testing.T) {
	addr, _ := startServer(t)
	client := sshtest.Dial(t, addr)

	if c, err := client.Dial("tcp", "127.0.0.1:9"); err == nil {
		c.Close()
		t.Error("local port forwarding (direct-tcpip) was allowed")
	}
	if l, err := client.Listen("tcp", "127.0.0.1:0"); err == nil {
		l.Close()
		t.Error("remote port forwarding (tcpip-forward) was allowed")
	}

	sess, err := client.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := agent.RequestAgentForwarding(sess); err == nil {
		t.Error("agent forwarding was allowed")
	}
	if ok, err := sess.SendRequest("x11-req", true, gossh.Marshal(struct {
		Single        bool
		Proto, Cookie string
		Screen        uint32
	}{false, "MIT-MAGIC-COOKIE-1", "00", 0})); ok || err != nil {
		t.Errorf("x11 forwarding: ok=%v err=%v, want a plain no", ok, err)
	}
	if err := sess.Setenv("LD_PRELOAD", "/tmp/x.so"); err == nil {
		t.Error("arbitrary environment variable accepted")
	}
	if err := sess.Setenv("LANG", "ko_KR.UTF-8"); err != nil {
		t.Errorf("LANG refused: %v", err)
	}
	if err := sess.RequestSubsystem("sftp"); err == nil {
		t.Error("sftp subsystem was allowed")
	}
}

func TestOnlyModernAlgorithms(t *testing.T) {
	addr, _ := startServer(t)
	for _, tc := range []struct {
		name string
		cfg  gossh.Config
	}{
		{"sha1 key exchange", gossh.Config{KeyExchanges: []string{"diffie-hellman-group14-sha1"}}},
		{"nist curve key exchange", gossh.Config{KeyExchanges: []string{"ecdh-sha2-nistp256"}}},
		{"ctr cipher without encrypt-then-MAC", gossh.Config{Ciphers: []string{"aes128-ctr"}, MACs: []string{"hmac-sha2-256"}}},
		{"sha1 mac", gossh.Config{Ciphers: []string{"aes128-ctr"}, MACs: []string{"hmac-sha1"}}},
	} {
		cfg := sshtest.ClientConfig("reader")
		cfg.Config = tc.cfg
		if c, err := gossh.Dial("tcp", addr, cfg); err == nil {
			c.Close()
			t.Errorf("%s: handshake succeeded, want refusal", tc.name)
		}
	}
	// AES-CTR with an etm MAC, for clients without AEAD ciphers (paramiko
	// 2.12, dropbear builds without GCM).
	for _, cipher := range []string{"aes128-ctr", "aes256-ctr"} {
		cfg := sshtest.ClientConfig("reader")
		cfg.Ciphers = []string{cipher}
		cfg.MACs = []string{"hmac-sha2-256-etm@openssh.com"}
		c, err := gossh.Dial("tcp", addr, cfg)
		if err != nil {
			t.Errorf("%s with hmac-sha2-256-etm: %v", cipher, err)
			continue
		}
		c.Close()
	}
	for _, kex := range []string{"mlkem768x25519-sha256", "curve25519-sha256"} {
		cfg := sshtest.ClientConfig("reader")
		cfg.KeyExchanges = []string{kex}
		c, err := gossh.Dial("tcp", addr, cfg)
		if err != nil {
			t.Errorf("%s refused: %v", kex, err)
			continue
		}
		c.Close()
	}
}

func TestPanicEndsOnlyThatSession(t *testing.T) {
	logs := &logBuffer{}
	addr, _ := startServer(t, withLog(logs), func(s *server.Server) { server.InjectPanic(s, "!") })
	victim := sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{})
	bystander := sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{})
	victim.WaitFor("Welcome to sshblog")
	bystander.WaitFor("Welcome to sshblog")

	victim.Type("!")
	if status := victim.WaitExit(); status != 1 {
		t.Errorf("panicking session exit status %d, want 1", status)
	}
	logs.waitFor(t, "session panicked")
	// The server and the other reader carry on.
	bystander.Type("j")
	bystander.WaitFor("Welcome to sshblog")
	if bystander.Exited() {
		t.Fatal("another reader's session ended")
	}
	sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{}).WaitFor("Welcome to sshblog")
}
