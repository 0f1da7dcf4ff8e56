package server_test

import (
	"bytes"
	"fmt"
	"net"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/server"
	"github.com/sshblog/sshblog/internal/sshtest"
)

// Every input a stranger controls has a bound. These tests send each flood
// at the real server and check what it costs.

// 20,000 env requests with 200 KB names took the server from 34 MB to
// 6.1 GB: names were not bounded, nor the number of variables.
func TestEnvFloodIsBounded(t *testing.T) {
	// 200 MB of requests take longer than the 10 s a session has to start
	// when the race detector shares two busy cores: the setup timeout would
	// end the session before the flood does, and its refusals go uncounted.
	addr, srv := startServer(t, withMetrics, func(s *server.Server) { s.Limits.HandshakeTimeout = time.Minute })
	before, rssBefore := heapInUse(), rss(t)
	c := sshtest.Dial(t, addr)
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	name := "LC_" + strings.Repeat("x", 200<<10)
	accepted := 0
	for i := range 2000 {
		n := name
		if i%2 == 1 {
			n = fmt.Sprintf("LC_%d", i) // small ones: only the first few are kept
		}
		if err := sess.Setenv(n, "ko_KR.UTF-8"); err == nil {
			accepted++
		}
	}
	// What the server keeps, not the flood's garbage: when earlier tests
	// left the heap large, the collector lets 200 MB of garbage wait (under
	// the race detector, a GB of RSS).
	debug.FreeOSMemory()
	heapGrown, rssGrown := int64(heapInUse())-int64(before), rss(t)-rssBefore
	t.Logf("2000 env requests (half of them 200 KB): %d accepted, heap +%d KB, RSS +%d KB",
		accepted, heapGrown>>10, rssGrown>>10)
	if accepted > 32 {
		t.Errorf("%d env requests accepted, want at most 32", accepted)
	}
	if heapGrown > 16<<20 {
		t.Errorf("the env flood grew the heap by %d MB", heapGrown>>20)
	}
	if rssGrown > 64<<20 {
		t.Errorf("the env flood grew RSS by %d MB", rssGrown>>20)
	}
	n := 0.0
	for _, reason := range []string{"env requests", "request", "request rate"} {
		n += metric(t, srv, fmt.Sprintf(`sshblog_refused_total{reason=%q}`, reason))
	}
	if n < float64(2000-accepted) {
		t.Errorf("refusals counted: %v, want every refused request", n)
	}
	sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{}).WaitFor("Welcome to sshblog")
}

// One 250 KB word in an exec kept both cores busy for 55 s (the shell
// splitter is quadratic, and ran up to three times).
func TestLongCommandIsRefusedBeforeParsing(t *testing.T) {
	addr, srv := startServer(t, withMetrics)
	start := cpuTime()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := gossh.Dial("tcp", addr, sshtest.ClientConfig("reader"))
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			sess, err := c.NewSession()
			if err != nil {
				t.Error(err)
				return
			}
			var stderr bytes.Buffer
			sess.Stderr = &stderr
			if err := sess.Run(strings.Repeat("a", 250<<10)); err == nil {
				t.Error("a 250 KB command was accepted")
			}
		}()
	}
	wg.Wait()
	t.Logf("8 commands of 250 KB: %s of CPU", cpuTime()-start)
	if used := cpuTime() - start; used > 5*time.Second {
		t.Errorf("8 long commands cost %s of CPU", used)
	}
	if n := metric(t, srv, `sshblog_refused_total{reason="command length"}`); n != 8 {
		t.Errorf("command length refusals: %v, want 8", n)
	}
	// A command of ordinary length still works.
	if res := sshtest.Run(t, addr, "ls"); res.Status != 0 || !strings.Contains(res.Stdout, "aws-in-action") {
		t.Errorf("ls after the long commands: %+v", res)
	}
}

// Connections that finish the handshake and open nothing were limited only
// per address; --max-connections bounds them all.
func TestMaxConnections(t *testing.T) {
	addr, srv := startServer(t, withMetrics, func(s *server.Server) {
		s.Limits.MaxConnections = 5
		s.Limits.MaxSessionsPerIP = 1000
	})
	var held []*gossh.Client
	for i := range 5 {
		c, err := dialFrom(t, fmt.Sprintf("127.0.0.%d", 20+i), addr)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		held = append(held, c)
	}
	if _, err := dialFrom(t, "127.0.0.30", addr); err == nil {
		t.Fatal("a sixth connection was accepted with --max-connections 5")
	}
	if n := metric(t, srv, `sshblog_refused_total{reason="max connections"}`); n != 1 {
		t.Errorf("max connections refusals: %v, want 1", n)
	}
	held[0].Close()
	deadline := time.Now().Add(5 * time.Second)
	for metric(t, srv, "sshblog_connections_open") > 4 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	c, err := dialFrom(t, "127.0.0.31", addr)
	if err != nil {
		t.Fatalf("after one closed, a new connection was refused: %v", err)
	}
	c.Close()
}

// IPv6 addresses are counted per /64: one subscriber has a whole /64.
func TestIPv6CountedPerSlash64(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"[2001:db8:1:2::1]:5000", "[2001:db8:1:2:ffff::9]:6000"},
		{"[fe80::1%eth0]:1", "[fe80::2%eth1]:2"},
	} {
		a, _ := net.ResolveTCPAddr("tcp", tc.a)
		b, _ := net.ResolveTCPAddr("tcp", tc.b)
		if server.AddrKey(a) != server.AddrKey(b) {
			t.Errorf("%s and %s counted apart", tc.a, tc.b)
		}
	}
	a, _ := net.ResolveTCPAddr("tcp", "[2001:db8:1:2::1]:1")
	b, _ := net.ResolveTCPAddr("tcp", "[2001:db8:1:3::1]:1")
	if server.AddrKey(a) == server.AddrKey(b) {
		t.Error("two /64s counted together")
	}
	c, _ := net.ResolveTCPAddr("tcp", "192.0.2.1:1")
	d, _ := net.ResolveTCPAddr("tcp", "192.0.2.2:1")
	if server.AddrKey(c) == server.AddrKey(d) {
		t.Error("two IPv4 addresses counted together")
	}
}

// Ten sessions typing as fast as they can took another reader's key
// latency from 0.55 ms to 16 ms (p50): each session's keys are now metered.
func TestKeyFloodSlowsOnlyTheFlooder(t *testing.T) {
	addr, _ := startServer(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 10 {
		c := sshtest.Dial(t, addr)
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		stdin, _ := sess.StdinPipe()
		_ = sess.RequestPty("xterm", 24, 80, gossh.TerminalModes{})
		_ = sess.Shell()
		wg.Add(1)
		go func() {
			defer wg.Done()
			// 32 KB a second of keys: far beyond the 40 a second a session
			// gets, and below what ends a session as a flood.
			keys := bytes.Repeat([]byte("jk"), 32)
			for {
				time.Sleep(2 * time.Millisecond)
				select {
				case <-stop:
					return
				default:
				}
				if _, err := stdin.Write(keys); err != nil {
					return
				}
			}
		}()
	}
	defer func() { close(stop); wg.Wait() }()
	time.Sleep(500 * time.Millisecond) // the flood is on
	reader := sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{})
	reader.WaitFor("Welcome to sshblog")
	var took []time.Duration
	for i := range 11 {
		start := time.Now()
		reader.Type("?")
		if i%2 == 0 {
			reader.WaitFor("close help")
		} else {
			reader.WaitGone("close help")
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	median := took[len(took)/2]
	t.Logf("another reader's key to screen during the flood: median %s, worst %s", median, took[len(took)-1])
	// Unmetered, the flood made this reader wait seconds (16 ms median
	// without the race detector on an idle machine, and it grew with the
	// flood); the race detector slows each key many times.
	bound := 250 * time.Millisecond
	if raceEnabled {
		bound = 3 * time.Second
	}
	if median > bound {
		t.Errorf("another reader's key took %s (median) during the flood", median)
	}
}

// A 10 MB post read at 10 widths at once took 5.2 GB of RSS: posts are cut
// at content.MaxPostBytes and renders queue one per core.
func TestHugePostAtManyWidthsIsBounded(t *testing.T) {
	var post strings.Builder
	post.WriteString("---\ntitle: Huge\ndate: 2026-01-02\n---\n\n")
	for post.Len() < 10<<20 {
		post.WriteString("A paragraph of a very long post, with **some** `code` and a [link](https://example.com/a/b) in it.\n\n")
	}
	blog, _, err := content.Load(fstest.MapFS{"2026-01-02-huge.md": {Data: []byte(post.String())}}, content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := startServer(t, func(s *server.Server) { s.Blog = blog })
	rssBefore := rss(t)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Ten renders of 512 KiB queue two at a time: under the race
			// detector on a loaded machine, that is minutes.
			c := sshtest.Dial(t, addr)
			sess, err := c.NewSession()
			if err != nil {
				t.Error(err)
				return
			}
			var out bytes.Buffer
			sess.Stdout = &out
			done := make(chan error, 1)
			go func() { done <- sess.Run(fmt.Sprintf("read huge --width %d", 60+10*i)) }()
			select {
			case err = <-done:
			case <-time.After(3 * time.Minute):
				err = fmt.Errorf("not done after 3 minutes")
			}
			if err != nil || !strings.Contains(out.String(), "longer than sshblog shows") {
				t.Errorf("read at width %d: %v, %d bytes, no notice of the cut", 60+10*i, err, out.Len())
			}
		}()
	}
	wg.Wait()
	grown := rss(t) - rssBefore
	t.Logf("RSS grew by %d MB for a 10 MB post read at 10 widths at once", grown>>20)
	if grown > 1<<30 {
		t.Errorf("RSS grew by %d MB", grown>>20)
	}
}

// Session channels opened and closed in a loop on one connection: 10 at
// once, then one a second.
func TestChannelOpensPerConnectionAreMetered(t *testing.T) {
	addr, srv := startServer(t, withMetrics)
	c := sshtest.Dial(t, addr)
	refused := 0
	for range 20 {
		sess, err := c.NewSession()
		if err != nil {
			refused++
			continue
		}
		sess.Close()
	}
	if refused < 5 {
		t.Errorf("%d of 20 session opens in a burst refused, want the ones past 10", refused)
	}
	// A session the client has closed may still hold its slot on the
	// server for a moment, so some opens are refused as one session too
	// many rather than one open too many: each refusal is counted once,
	// under one reason or the other.
	opens := metric(t, srv, `sshblog_refused_total{reason="channel opens"}`)
	perConn := metric(t, srv, `sshblog_refused_total{reason="sessions per connection"}`)
	if opens < 1 || opens+perConn != float64(refused) {
		t.Errorf("refusals counted: %v channel opens + %v sessions per connection, want %d in all, some of them channel opens", opens, perConn, refused)
	}
}

// Global requests faster than any keepalive close the connection.
func TestGlobalRequestFloodClosesTheConnection(t *testing.T) {
	addr, srv := startServer(t, withMetrics)
	c := sshtest.Dial(t, addr)
	// Keepalives at an ordinary pace are answered (with a no).
	if _, _, err := c.SendRequest("keepalive@openssh.com", true, nil); err != nil {
		t.Fatalf("one keepalive: %v", err)
	}
	var err error
	for range 200 {
		if _, _, err = c.SendRequest("keepalive@openssh.com", true, nil); err != nil {
			break
		}
	}
	if err == nil {
		t.Fatal("200 global requests in a burst, and the connection is still open")
	}
	if n := metric(t, srv, `sshblog_refused_total{reason="global requests"}`); n < 1 {
		t.Errorf("global request refusals counted: %v", n)
	}
	sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{}).WaitFor("Welcome to sshblog")
}

// A bracketed paste is one event, cut to what the filter holds.
func TestPasteIsOneEventCutToTheField(t *testing.T) {
	addr, _ := startServer(t)
	tm := sshtest.Open(t, addr, 120, 30, sshtest.TermOptions{})
	tm.WaitFor("Welcome to sshblog")
	tm.Type("/")
	tm.Type("\x1b[200~" + strings.Repeat("a", 100000) + "\x1b[201~")
	screen := tm.WaitUntil("the pasted query", func(s string) bool { return strings.Contains(s, strings.Repeat("a", 50)) })
	for _, line := range strings.Split(screen, "\n") {
		if n := strings.Count(line, "a"); n > 110 {
			t.Errorf("a line holds %d pasted characters, want at most 100:\n%s", n, line)
		}
	}
	// The app is still there and answers.
	tm.Type("\x1b")
	tm.WaitFor("Welcome to sshblog")
}
