package server_test

import (
	"bufio"
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/sshblog/sshblog/internal/blogtest"
	"github.com/sshblog/sshblog/internal/server"
	"github.com/sshblog/sshblog/internal/sshtest"
)

// BenchmarkIdleReaders measures what one more idle reader costs the server:
// heap and stack bytes and goroutines, with readers at 100x30 who saw the
// first frame and do nothing. The readers' clients run in a child process
// (this test binary again), so only the server's side is counted.
//
//	go test -run XXX -bench IdleReaders -benchtime 1x ./internal/server/
//
// for the embedded 9-post blog and generated ones of 10,000 and 100,000
// posts: KB/reader is what a reader keeps (after a collection), which the
// server's RSS shows only once the GC has run (a big blog's heap grows far
// before its first collection).
//
// SSHBLOG_IDLE_READERS sets how many (default 300); SSHBLOG_IDLE_PROFILE
// names a file for a heap profile taken while they are held, and
// SSHBLOG_IDLE_GOROUTINES one for a goroutine dump.
func BenchmarkIdleReaders(b *testing.B) { benchReaders(b, "", 0, 10000, 100000) }

// BenchmarkActiveReaders is BenchmarkIdleReaders for readers who pressed a
// key (j: the app runs, its model and program built), on the embedded blog
// and a 10,000-post one.
func BenchmarkActiveReaders(b *testing.B) { benchReaders(b, "j", 0, 10000) }

func benchReaders(b *testing.B, keys string, blogs ...int) {
	n := 300
	if v, err := strconv.Atoi(os.Getenv("SSHBLOG_IDLE_READERS")); err == nil && v > 0 {
		n = v
	}
	for _, posts := range blogs {
		name, title := "posts=9", "Welcome to sshblog" // 0: the embedded blog
		if posts > 0 {
			name, title = fmt.Sprintf("posts=%d", posts), "Post number"
		}
		b.Run(name, func(b *testing.B) {
			addr, _ := startServer(b, func(s *server.Server) {
				s.Limits.MaxSessions, s.Limits.MaxSessionsPerIP = n+10, n+10
				if posts > 0 {
					s.Blog = blogtest.Generated(b, posts)
				}
			})
			// One reader first, so that what every reader shares (the first
			// frame's cache, the renderer) is not counted as theirs.
			warm := sshtest.Open(b, addr, 100, 30, sshtest.TermOptions{})
			warm.WaitFor(title)
			if keys != "" {
				warm.Type(keys)
			}
			for b.Loop() {
				before := idleSample()
				release := holdIdleReaders(b, addr, n, keys, title)
				time.Sleep(time.Second) // the sessions' first writes and timers settle
				after := idleSample()
				if p := os.Getenv("SSHBLOG_IDLE_PROFILE"); p != "" {
					writeProfile(b, "heap", p)
				}
				if p := os.Getenv("SSHBLOG_IDLE_GOROUTINES"); p != "" {
					writeProfile(b, "goroutine", p)
				}
				release()
				b.ReportMetric(float64(after.bytes-before.bytes)/float64(n)/1024, "KB/reader")
				b.ReportMetric(float64(after.goroutines-before.goroutines)/float64(n), "goroutines/reader")
				b.ReportMetric(float64(after.allocated-before.allocated)/float64(n)/1024, "allocated-KB/reader")
			}
		})
	}
}

// TestIdleReadersRunNoProgram checks that readers who look at the home
// screen and press nothing cost the server no Bubble Tea program: at most
// the SSH connection's goroutines (charm.land/ssh's own session has 7) and
// the input reader. (Every other test of the app presses keys on such a
// home screen first: a key starts the program.)
func TestIdleReadersRunNoProgram(t *testing.T) {
	const n = 20
	addr, _ := startServer(t, func(s *server.Server) { s.Limits.MaxSessionsPerIP = n + 10 })
	warm := sshtest.Open(t, addr, 100, 30, sshtest.TermOptions{})
	warm.WaitFor("Welcome to sshblog")
	before := runtime.NumGoroutine()
	release := holdIdleReaders(t, addr, n, "", "Welcome to sshblog")
	defer release()
	// The fewest seen for a while: a goroutine of a moment (a timer firing,
	// a session's handshake ending) is not what the readers hold.
	fewest := math.MaxInt
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && fewest > 8*n; {
		fewest = min(fewest, runtime.NumGoroutine()-before)
		time.Sleep(20 * time.Millisecond)
	}
	if per := float64(fewest) / n; per > 8 {
		t.Errorf("%d idle readers hold %d goroutines, %.1f each; want at most 8 (no program until a key)", n, fewest, per)
	}
}

// TestLightTerminalGetsLightTheme checks that a terminal answering that its
// background is light gets the light theme without pressing anything,
// though the home screen it saw first came from the shared (dark) frames.
func TestLightTerminalGetsLightTheme(t *testing.T) {
	addr, _ := startServer(t)
	dark := sshtest.Open(t, addr, 100, 30, sshtest.TermOptions{})
	dark.WaitFor("Welcome to sshblog")
	light := sshtest.Open(t, addr, 100, 30, sshtest.TermOptions{Background: color.White})
	light.WaitFor("Welcome to sshblog")
	deadline := time.Now().Add(sshtest.DefaultTimeout)
	for light.Styled() == dark.Styled() {
		if time.Now().After(deadline) {
			t.Fatalf("a light terminal still shows the dark theme:\n%s", light.Styled())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if light.Screen() != dark.Screen() {
		t.Errorf("the themes show different text:\n%s\n---\n%s", light.Screen(), dark.Screen())
	}
}

// holdIdleReaders opens n idle readers at 100x30 from a child process
// (this test binary again), so that only the server's side is counted
// here; it returns once each has its first frame, and release closes them.
func holdIdleReaders(t testing.TB, addr string, n int, keys, title string) (release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestIdleReadersClient$")
	cmd.Env = append(os.Environ(), "SSHBLOG_IDLE_CLIENT="+addr+","+strconv.Itoa(n)+","+keys+","+title)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ready") {
		stdin.Close()
		_ = cmd.Wait()
		t.Fatalf("idle readers: %q %v", line, err)
	}
	return func() {
		stdin.Close()
		_ = cmd.Wait()
	}
}

type sample struct {
	bytes      int64
	goroutines int
	allocated  uint64 // ever, garbage included
}

// idleSample is the live heap (after a collection) plus goroutine stacks.
func idleSample() sample {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return sample{int64(m.HeapAlloc + m.StackInuse), runtime.NumGoroutine(), m.TotalAlloc}
}

func writeProfile(b *testing.B, name, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	debug := 0
	if name == "goroutine" {
		debug = 1
	}
	if err := pprof.Lookup(name).WriteTo(f, debug); err != nil {
		b.Fatal(err)
	}
}

// TestIdleReadersClient is BenchmarkIdleReaders's child process: it opens
// the readers, prints "ready" once each has its first frame, and holds them
// until its stdin closes.
func TestIdleReadersClient(t *testing.T) {
	spec := os.Getenv("SSHBLOG_IDLE_CLIENT")
	if spec == "" {
		t.Skip("run by BenchmarkIdleReaders")
	}
	addr, rest, _ := strings.Cut(spec, ",")
	count, rest, _ := strings.Cut(rest, ",")
	keys, title, _ := strings.Cut(rest, ",")
	n, _ := strconv.Atoi(count)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		held []*gossh.Client
		sem  = make(chan struct{}, 8)
	)
	for range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, _, _, err := openReader(addr, title, keys)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			held = append(held, c)
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		fmt.Printf("failed: %d: %v\n", len(errs), errs[0])
		return
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	for _, c := range held {
		c.Close()
	}
}

// openReader opens one PTY session, its stdin open as a terminal's is,
// and waits for title on the home list.
func openReader(addr, title, keys string) (*gossh.Client, *gossh.Session, io.Writer, error) {
	c, err := gossh.Dial("tcp", addr, sshtest.ClientConfig("reader"))
	if err != nil {
		return nil, nil, nil, err
	}
	s, err := c.NewSession()
	if err != nil {
		c.Close()
		return nil, nil, nil, err
	}
	seen := make(chan struct{})
	w := &waitWriter{want: []byte(title), seen: seen}
	s.Stdout = w
	// Stdin stays open, as a reader's terminal does: a nil Stdin would
	// send EOF at once.
	stdin, err := s.StdinPipe()
	if err != nil {
		c.Close()
		return nil, nil, nil, err
	}
	if err := s.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{}); err != nil {
		c.Close()
		return nil, nil, nil, err
	}
	if err := s.Shell(); err != nil {
		c.Close()
		return nil, nil, nil, err
	}
	select {
	case <-seen:
	case <-time.After(sshtest.DefaultTimeout):
		c.Close()
		return nil, nil, nil, fmt.Errorf("no first frame in %s", sshtest.DefaultTimeout)
	}
	if keys == "" {
		return c, s, stdin, nil
	}
	// Keys after the first frame start the app: wait for what it draws.
	drawn := w.next()
	if _, err := io.WriteString(stdin, keys); err != nil {
		c.Close()
		return nil, nil, nil, err
	}
	select {
	case <-drawn:
		return c, s, stdin, nil
	case <-time.After(sshtest.DefaultTimeout):
		c.Close()
		return nil, nil, nil, fmt.Errorf("nothing drawn after %q in %s", keys, sshtest.DefaultTimeout)
	}
}

// waitWriter closes seen once want has been written (keeping only a tail),
// and then the channel of next on the next write.
type waitWriter struct {
	mu    sync.Mutex
	tail  []byte
	want  []byte
	seen  chan struct{}
	done  bool
	after chan struct{}
}

// next is closed by the next write.
func (w *waitWriter) next() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.after = make(chan struct{})
	return w.after
}

func (w *waitWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		if w.after != nil {
			close(w.after)
			w.after = nil
		}
		return len(p), nil
	}
	w.tail = append(w.tail, p...)
	if bytes.Contains(w.tail, w.want) {
		w.done, w.tail = true, nil
		close(w.seen)
	} else if len(w.tail) > 4096 {
		w.tail = append([]byte(nil), w.tail[len(w.tail)-len(w.want):]...)
	}
	return len(p), nil
}

// BenchmarkCompleteSession is one reader's whole visit as the rate
// benchmark makes it: connect, the first frame, ctrl+c, gone. Client and
// server share this process: profile it with -cpuprofile and look at the
// server's side (charm.land/ssh.(*Server).HandleConn and below).
//
//	go test -run XXX -bench CompleteSession -cpuprofile /tmp/cpu.out ./internal/server/
func BenchmarkCompleteSession(b *testing.B) {
	addr, _ := startServer(b, func(s *server.Server) { s.Logger = log.New(io.Discard) })
	for b.Loop() {
		c, s, stdin, err := openReader(addr, "Welcome to sshblog", "")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := stdin.Write([]byte{3}); err != nil {
			b.Fatal(err)
		}
		if err := s.Wait(); err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
}
