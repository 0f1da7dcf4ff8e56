package server_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
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

// These tests check that a session gives back everything it took, however
// it ends: slots in the limits (read from /metrics), goroutines and file
// descriptors (this process's: the server runs in it).

func withMetrics(s *server.Server) { s.Metrics = server.NewMetrics("test") }

// metric reads one sample from the server's /metrics.
func metric(t testing.TB, srv *server.Server, name string) float64 {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.HTTPHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, name+" ") {
			v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimPrefix(line, name)), 64)
			if err != nil {
				t.Fatalf("metric %s: %v", line, err)
			}
			return v
		}
	}
	t.Fatalf("no metric %s in /metrics", name)
	return 0
}

func openFDs() int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0
	}
	return len(entries)
}

// baseline is the process's state before the clients come.
type baseline struct{ goroutines, fds int }

func measure(t testing.TB) baseline {
	t.Helper()
	// Let goroutines of earlier tests and connections finish.
	time.Sleep(100 * time.Millisecond)
	runtime.GC()
	return baseline{goroutines(), openFDs()}
}

// goroutines counts this process's goroutines but the test clients' own
// terminal emulators (which end with the test).
func goroutines() int {
	var dump bytes.Buffer
	_ = pprof.Lookup("goroutine").WriteTo(&dump, 1)
	n := 0
	for _, group := range strings.Split(dump.String(), "\n\n") {
		head, _, _ := strings.Cut(group, " @ ")
		count, err := strconv.Atoi(strings.TrimSpace(head[strings.LastIndex(head, "\n")+1:]))
		if err != nil || strings.Contains(group, "charmbracelet/x/vt") {
			continue
		}
		n += count
	}
	return n
}

// settle waits until the server holds no slot and the process is back to
// its baseline of goroutines and fds, and fails with a goroutine dump if it
// does not get there.
func settle(t testing.TB, srv *server.Server, base baseline, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		sessions := metric(t, srv, "sshblog_session_slots_used")
		conns := metric(t, srv, "sshblog_connections_open")
		g, fds := goroutines(), openFDs()
		if sessions == 0 && conns == 0 && g <= base.goroutines+2 && fds <= base.fds+2 {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			t.Logf("settled: %d goroutines (baseline %d), %d fds (baseline %d), heap in use %d KB",
				g, base.goroutines, fds, base.fds, m.HeapInuse>>10)
			return
		}
		if time.Now().After(deadline) {
			var dump bytes.Buffer
			_ = pprof.Lookup("goroutine").WriteTo(&dump, 1)
			t.Fatalf("after %s: %v session slots and %v connections held, %d goroutines (baseline %d), %d fds (baseline %d)\n%s",
				within, sessions, conns, g, base.goroutines, fds, base.fds, dump.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func windowChange(cols, rows uint32) []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint32(b[0:], cols)
	binary.BigEndian.PutUint32(b[4:], rows)
	return b
}

// A pty-req and a window change with no shell, then the client leaves:
// with charm.land/ssh's session the window change blocked its request loop
// for good, and 100 addresses leaked every slot.
func TestNoShellSessionsGiveBackTheirSlots(t *testing.T) {
	addr, srv := startServer(t, withMetrics, func(s *server.Server) {
		s.Limits.MaxSessions = 150
		s.Limits.MaxSessionsPerIP = 1000
	})
	base := measure(t)
	var wg sync.WaitGroup
	for a := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := fmt.Sprintf("127.0.0.%d", a+2)
			for range 20 {
				c, err := dialFrom(t, src, addr)
				if err != nil {
					t.Errorf("connect from %s: %v", src, err)
					return
				}
				sess, err := c.NewSession()
				if err != nil {
					t.Errorf("session from %s: %v", src, err)
					c.Close()
					return
				}
				if err := sess.RequestPty("xterm", 24, 80, gossh.TerminalModes{}); err != nil {
					t.Errorf("pty from %s: %v", src, err)
				}
				if _, err := sess.SendRequest("window-change", false, windowChange(100, 30)); err != nil {
					t.Errorf("window change from %s: %v", src, err)
				}
				c.Close()
			}
		}()
	}
	wg.Wait()
	settle(t, srv, base, 5*time.Second)
	// A new reader is served.
	sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{}).WaitFor("Welcome to sshblog")
}

// An ordinary reader: `ssh -t HOST read SLUG` and a resize.
func TestReadWithResizeGivesBackItsSlot(t *testing.T) {
	addr, srv := startServer(t, withMetrics)
	base := measure(t)
	for range 40 {
		c := sshtest.Dial(t, addr)
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		sess.Stdout = &out
		if err := sess.RequestPty("xterm", 24, 80, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		if err := sess.Start("read aws-in-action"); err != nil {
			t.Fatal(err)
		}
		_ = sess.WindowChange(30, 100)
		if err := sess.Wait(); err != nil {
			t.Fatalf("read: %v", err)
		}
		if !strings.Contains(out.String(), "AWS in action") {
			t.Fatalf("read printed %q", out.String())
		}
		c.Close()
	}
	settle(t, srv, base, 5*time.Second)
	sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{}).WaitFor("Welcome to sshblog")
}

// "q" and three more keys in one write: Bubble Tea's reader kept the keys
// after the program had quit, a goroutine and ~258 KB each, for good.
func TestQuitWithKeysInFlightLeavesNothing(t *testing.T) {
	addr, srv := startServer(t, withMetrics)
	base := measure(t)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	// In a subtest, so the clients' terminal emulators are gone before the
	// heap is measured.
	t.Run("clients", func(t *testing.T) {
		for range 10 {
			c := sshtest.Dial(t, addr)
			for range 10 {
				tm := sshtest.OpenOn(t, c, 80, 24, sshtest.TermOptions{})
				tm.WaitFor("Welcome to sshblog")
				tm.Type("qjjj")
				tm.WaitExit()
			}
			c.Close()
		}
	})
	settle(t, srv, base, 5*time.Second)
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 8<<20 {
		t.Errorf("100 sessions that quit with keys in flight left %d KB of heap", grown>>10)
	}
	sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{}).WaitFor("Welcome to sshblog")
}

// A burst of window changes with no gap, then the client dies: the
// connection was wedged for good (fd, goroutines, slot).
func TestWindowChangeBurstThenDeathLeavesNothing(t *testing.T) {
	addr, srv := startServer(t, withMetrics)
	base := measure(t)
	for range 5 {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		c, chans, reqs, err := gossh.NewClientConn(conn, addr, sshtest.ClientConfig("reader"))
		if err != nil {
			t.Fatal(err)
		}
		client := gossh.NewClient(c, chans, reqs)
		sess, err := client.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if err := sess.RequestPty("xterm", 24, 80, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		if err := sess.Shell(); err != nil {
			t.Fatal(err)
		}
		for i := range 2000 {
			if _, err := sess.SendRequest("window-change", false, windowChange(uint32(80+i%100), 30)); err != nil {
				break
			}
		}
		// Die without a goodbye: the TCP connection just closes.
		conn.Close()
	}
	settle(t, srv, base, 5*time.Second)
	sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{}).WaitFor("Welcome to sshblog")
}

// stallConn is a client connection whose reads can be stopped, as a client
// that stops reading would.
type stallConn struct {
	net.Conn
	stalled, closed      chan struct{}
	stallOnce, closeOnce sync.Once
}

func (c *stallConn) stall() { c.stallOnce.Do(func() { close(c.stalled) }) }

func (c *stallConn) Read(p []byte) (int, error) {
	select {
	case <-c.stalled:
		<-c.closed // reads nothing more until closed
		return 0, net.ErrClosed
	default:
	}
	return c.Conn.Read(p)
}

func (c *stallConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// A client that stops reading mid-frame, and keeps sending keys so that
// the connection is never idle: it is cut off once a write has waited for
// the idle timeout, and its slot, goroutines and fd come back.
func TestClientThatStopsReadingIsCutOff(t *testing.T) {
	// One long post whose every row differs from every other, so that the
	// end and the start of it share no cell: each jump redraws the screen,
	// and the client's 2 MiB SSH window fills within a few dozen frames.
	var post strings.Builder
	post.WriteString("---\ntitle: Long\ndate: 2026-01-02\n---\n\n")
	for i := range 600 {
		fmt.Fprintf(&post, "Row%d", i)
		for k := range 24 {
			fmt.Fprintf(&post, " %08x", uint32(i*2654435761+k*40503))
		}
		post.WriteString("\n\n")
	}
	blog, _, err := content.Load(fstest.MapFS{"2026-01-02-long.md": {Data: []byte(post.String())}}, content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	addr, srv := startServer(t, withMetrics, func(s *server.Server) {
		s.Blog = blog
		s.Limits.IdleTimeout = 2 * time.Second
	})
	base := measure(t)
	raw, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	conn := &stallConn{Conn: raw, stalled: make(chan struct{}), closed: make(chan struct{})}
	c, chans, reqs, err := gossh.NewClientConn(conn, addr, sshtest.ClientConfig("reader"))
	if err != nil {
		t.Fatal(err)
	}
	client := gossh.NewClient(c, chans, reqs)
	// Keepalives, as OpenSSH's ServerAliveInterval sends them, while the
	// post renders: under the race detector on a busy machine that can
	// take longer than the idle timeout.
	rendered := make(chan struct{})
	go func() {
		tick := time.NewTicker(700 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-rendered:
				return
			case <-tick.C:
				_, _, _ = client.SendRequest("keepalive@openssh.com", false, nil)
			}
		}
	}()
	tm := sshtest.OpenOn(t, client, 500, 200, sshtest.TermOptions{Command: "long"})
	// From here on every key is a new screenful.
	tm.WaitFor("Row0 ")
	close(rendered)
	conn.stall()
	stalled := time.Now()
	// Jumps to the end and the start until the server's writes block, and
	// keys all along, so that bytes keep arriving at the server.
	stop := time.After(20 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop:
			t.Fatal("the server still had the connection 20 s after the client stopped reading (idle timeout 2 s)")
		case <-tick.C:
		}
		key := "G" // the end, then the start: every cell changes
		if i%2 == 1 {
			key = "g"
		}
		if tm.Send(key) != nil || metric(t, srv, "sshblog_connections_open") == 0 {
			break
		}
	}
	t.Logf("cut off %v after the client stopped reading", time.Since(stalled).Round(time.Millisecond))
	client.Close()
	settle(t, srv, base, 5*time.Second)
	sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{}).WaitFor("Long")
}

// A panic in any of the server's goroutines ends that session only: it is
// counted, the slot comes back, and the next reader is served.
func TestPanicInEachGoroutineEndsOnlyItsSession(t *testing.T) {
	for _, kind := range []string{"session requests", "input reader", "input delivery", "screen", "connection timer"} {
		t.Run(kind, func(t *testing.T) {
			addr, srv := startServer(t, withMetrics, func(s *server.Server) {
				server.InjectPanicIn(s, kind, true)
				if kind == "connection timer" {
					s.Limits.IdleTimeout = time.Second
				}
			})
			base := measure(t)
			c := sshtest.Dial(t, addr)
			sess, err := c.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			stdin, _ := sess.StdinPipe()
			_ = sess.RequestPty("xterm", 24, 80, gossh.TerminalModes{})
			_ = sess.Shell()
			// Keys in quick succession: frames close together go through
			// the screen's timer.
			done := make(chan error, 1)
			go func() { done <- sess.Wait() }()
			for range 50 {
				if _, err := stdin.Write([]byte("jk")); err != nil {
					break
				}
				time.Sleep(2 * time.Millisecond)
			}
			select {
			case <-done:
			case <-time.After(sshtest.DefaultTimeout):
				t.Fatal("the session did not end after its goroutine panicked")
			}
			c.Close()
			if n := metric(t, srv, fmt.Sprintf(`sshblog_panics_total{in=%q}`, kind)); n != 1 {
				t.Errorf("sshblog_panics_total{in=%q} = %v, want 1", kind, n)
			}
			settle(t, srv, base, 5*time.Second)
			sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{}).WaitFor("Welcome to sshblog")
		})
	}
}
