// Command sshblog-bench measures a running sshblog over SSH, as readers
// experience it, from a separate process:
//
//	sshblog-bench -addr 127.0.0.1:23234 -n 20
//
// It prints the median and p90 of: the SSH handshake, connect to first
// frame (the first post title on screen), and opening a post (enter to the
// post's text on screen, the first time and again at the same width).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:23234", "sshblog's `ADDRESS`")
	n := flag.Int("n", 20, "connections to measure")
	cols := flag.Int("cols", 100, "window width")
	rows := flag.Int("rows", 30, "window height")
	title := flag.String("title", "Welcome to sshblog", "text that marks the first frame (a post title on the home list)")
	body := flag.String("body", "You are reading this inside an SSH session", "text that marks the first post's body on screen")
	flag.Parse()

	var handshakes, firstFrames, opens []time.Duration
	for i := 0; i < *n; i++ {
		hs, ff, op, err := measure(*addr, *cols, *rows, *title, *body)
		if err != nil {
			fmt.Fprintf(os.Stderr, "sshblog-bench: connection %d: %v\n", i+1, err)
			os.Exit(1)
		}
		handshakes = append(handshakes, hs)
		firstFrames = append(firstFrames, ff)
		opens = append(opens, op)
	}
	fmt.Printf("%-28s %10s %10s  (n=%d, %dx%d, %s)\n", "", "median", "p90", *n, *cols, *rows, *addr)
	report("ssh handshake", handshakes)
	report("connect to first frame", firstFrames)
	report("open post (enter to text)", opens)
}

func report(name string, ds []time.Duration) {
	med, p90 := percentiles(ds)
	fmt.Printf("%-28s %10s %10s\n", name, ms(med), ms(p90))
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func percentiles(ds []time.Duration) (median, p90 time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)-1, len(s)*9/10)]
}

// screen is a terminal emulator fed by the session's output.
type screen struct {
	mu  sync.Mutex
	emu *vt.Emulator
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.Write(p)
}

func (s *screen) waitFor(text string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		s.mu.Lock()
		ok := strings.Contains(s.emu.String(), text)
		s.mu.Unlock()
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			s.mu.Lock()
			defer s.mu.Unlock()
			return fmt.Errorf("%q not on screen after %s:\n%s", text, timeout, s.emu.String())
		}
		time.Sleep(100 * time.Microsecond)
	}
}

func measure(addr string, cols, rows int, title, body string) (handshake, firstFrame, open time.Duration, err error) {
	start := time.Now()
	client, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            "bench",
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         10 * time.Second,
	})
	if err != nil {
		return 0, 0, 0, err
	}
	defer client.Close()
	handshake = time.Since(start)
	sess, err := client.NewSession()
	if err != nil {
		return 0, 0, 0, err
	}
	defer sess.Close()
	if err := sess.RequestPty("xterm-256color", rows, cols, gossh.TerminalModes{}); err != nil {
		return 0, 0, 0, err
	}
	scr := &screen{emu: vt.NewEmulator(cols, rows)}
	stdin, err := sess.StdinPipe()
	if err != nil {
		return 0, 0, 0, err
	}
	go io.Copy(stdin, scr.emu) // answer terminal queries like a terminal
	sess.Stdout = scr
	sess.Stderr = io.Discard
	if err := sess.Shell(); err != nil {
		return 0, 0, 0, err
	}
	if err := scr.waitFor(title, 10*time.Second); err != nil {
		return 0, 0, 0, err
	}
	firstFrame = time.Since(start)

	// The newest post is selected: open it.
	t0 := time.Now()
	io.Copy(stdin, bytes.NewReader([]byte("\r")))
	if err := scr.waitFor(body, 10*time.Second); err != nil {
		return 0, 0, 0, err
	}
	open = time.Since(t0)
	io.WriteString(stdin, "\x03") // ctrl+c
	return handshake, firstFrame, open, nil
}
