// Package sshtest drives an SSH server the way a reader does, for tests: a
// real x/crypto/ssh client with a PTY whose output is read back through a
// terminal emulator, and plain command sessions without one.
package sshtest

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"
)

// DefaultTimeout bounds every wait in this package: generous, because CI
// runs the packages' tests in parallel under the race detector on 2 cores.
const DefaultTimeout = 20 * time.Second

// ClientConfig is an anonymous reader's client configuration.
func ClientConfig(user string) *gossh.ClientConfig {
	return &gossh.ClientConfig{
		User:            user,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         DefaultTimeout,
	}
}

// Dial connects to addr as an anonymous reader.
func Dial(t testing.TB, addr string) *gossh.Client {
	t.Helper()
	c, err := gossh.Dial("tcp", addr, ClientConfig("reader"))
	if err != nil {
		t.Fatalf("ssh dial %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// Terminal is one PTY session with its screen.
type Terminal struct {
	t       testing.TB
	client  *gossh.Client
	session *gossh.Session
	stdin   io.WriteCloser

	mu  sync.Mutex
	emu *vt.Emulator
	raw bytes.Buffer

	exited  chan struct{}
	exitErr error
}

// TermOptions are the PTY's settings. Zero values mean xterm-256color and
// no extra environment.
type TermOptions struct {
	Term string
	Env  map[string]string
	// Command, when set, is sent as an exec request instead of a shell.
	Command string
	// ScreenCols and ScreenRows size the emulator when it should differ
	// from the PTY size asked for (a client lying about a huge window).
	ScreenCols, ScreenRows int
	// Background is the colour the terminal answers the background query
	// with; nil means the emulator's default (black).
	Background color.Color
}

// Open starts a PTY session of cols x rows on a new connection to addr.
func Open(t testing.TB, addr string, cols, rows int, opts TermOptions) *Terminal {
	t.Helper()
	return OpenOn(t, Dial(t, addr), cols, rows, opts)
}

// OpenOn starts a PTY session on an existing connection.
func OpenOn(t testing.TB, client *gossh.Client, cols, rows int, opts TermOptions) *Terminal {
	t.Helper()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	for k, v := range opts.Env {
		if err := sess.Setenv(k, v); err != nil {
			t.Logf("setenv %s refused: %v", k, err)
		}
	}
	term := opts.Term
	if term == "" {
		term = "xterm-256color"
	}
	if err := sess.RequestPty(term, rows, cols, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
		t.Fatalf("pty request: %v", err)
	}
	emuCols, emuRows := cols, rows
	if emuCols <= 0 || emuRows <= 0 {
		emuCols, emuRows = 80, 24 // what the server falls back to
	}
	if opts.ScreenCols > 0 && opts.ScreenRows > 0 {
		emuCols, emuRows = opts.ScreenCols, opts.ScreenRows
	}
	tm := &Terminal{t: t, client: client, session: sess, emu: vt.NewEmulator(emuCols, emuRows), exited: make(chan struct{})}
	if opts.Background != nil {
		tm.emu.SetDefaultBackgroundColor(opts.Background)
	}
	tm.stdin, err = sess.StdinPipe()
	if err != nil {
		t.Fatalf("stdin: %v", err)
	}
	sess.Stdout = writerFunc(tm.write)
	sess.Stderr = writerFunc(tm.write)
	// The emulator answers the app's terminal queries (background colour,
	// device attributes) the way a real terminal would.
	go io.Copy(tm.stdin, tm.emu)
	if opts.Command != "" {
		err = sess.Start(opts.Command)
	} else {
		err = sess.Shell()
	}
	if err != nil {
		t.Fatalf("starting session: %v", err)
	}
	go func() {
		tm.exitErr = sess.Wait()
		close(tm.exited)
	}()
	t.Cleanup(func() {
		sess.Close()
		// Ends the io.Copy above: its Read sees EOF. (Emulator.Close would
		// race with that Read.)
		if c, ok := tm.emu.InputPipe().(io.Closer); ok {
			c.Close()
		}
	})
	return tm
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func (tm *Terminal) write(p []byte) (int, error) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	tm.raw.Write(p)
	return tm.emu.Write(p)
}

// Screen is the visible screen as text, trailing spaces trimmed.
func (tm *Terminal) Screen() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	lines := strings.Split(tm.emu.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// Styled is the visible screen with its colours and attributes, as ANSI
// sequences: what tells one theme from another.
func (tm *Terminal) Styled() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.emu.Render()
}

// Raw is every byte the server sent so far.
func (tm *Terminal) Raw() []byte {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return bytes.Clone(tm.raw.Bytes())
}

// WaitFor waits until the screen contains every one of texts and returns
// the screen. It fails the test with the screen when time runs out.
func (tm *Terminal) WaitFor(texts ...string) string {
	tm.t.Helper()
	return tm.WaitUntil(fmt.Sprintf("screen showing %q", texts), func(s string) bool {
		for _, text := range texts {
			if !strings.Contains(s, text) {
				return false
			}
		}
		return true
	})
}

// WaitGone waits until the screen no longer contains text.
func (tm *Terminal) WaitGone(text string) string {
	tm.t.Helper()
	return tm.WaitUntil(fmt.Sprintf("screen without %q", text), func(s string) bool {
		return !strings.Contains(s, text)
	})
}

// WaitUntil polls the screen until ok returns true.
func (tm *Terminal) WaitUntil(what string, ok func(screen string) bool) string {
	tm.t.Helper()
	deadline := time.Now().Add(DefaultTimeout)
	for {
		s := tm.Screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Type sends keys as the reader's terminal would send them.
func (tm *Terminal) Type(keys string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.stdin, keys); err != nil {
		tm.t.Fatalf("typing %q: %v", keys, err)
	}
}

// Send sends keys like Type, and returns the error instead of failing the
// test: for tests whose connection is meant to be cut off.
func (tm *Terminal) Send(keys string) error {
	_, err := io.WriteString(tm.stdin, keys)
	return err
}

// Resize changes the window, as a reader resizing their terminal does.
func (tm *Terminal) Resize(cols, rows int) {
	tm.t.Helper()
	tm.ResizeClaiming(cols, rows, cols, rows)
}

// ResizeClaiming resizes the emulator to screenCols x screenRows but tells
// the server cols x rows, as a hostile client might.
func (tm *Terminal) ResizeClaiming(cols, rows, screenCols, screenRows int) {
	tm.t.Helper()
	tm.mu.Lock()
	tm.emu.Resize(screenCols, screenRows)
	tm.mu.Unlock()
	if err := tm.session.WindowChange(rows, cols); err != nil {
		tm.t.Fatalf("window change: %v", err)
	}
}

// WaitExit waits for the session to end and returns its exit status.
func (tm *Terminal) WaitExit() int {
	tm.t.Helper()
	select {
	case <-tm.exited:
	case <-time.After(DefaultTimeout):
		tm.t.Fatalf("session did not end; screen:\n%s", tm.Screen())
	}
	return ExitStatus(tm.exitErr)
}

// Exited reports whether the session has ended.
func (tm *Terminal) Exited() bool {
	select {
	case <-tm.exited:
		return true
	default:
		return false
	}
}

// ExitStatus is the remote exit status carried by a session's error: 0 for
// nil, -1 when the session ended without one.
func ExitStatus(err error) int {
	if err == nil {
		return 0
	}
	var ee *gossh.ExitError
	if errors.As(err, &ee) {
		return ee.ExitStatus()
	}
	return -1
}

// Result is what a command session printed and its exit status.
type Result struct {
	Stdout, Stderr string
	Status         int
}

// Run runs command in a session without a PTY on a new connection.
func Run(t testing.TB, addr, command string) Result {
	t.Helper()
	return RunOn(t, Dial(t, addr), command)
}

// RunOn runs command without a PTY on an existing connection. An empty
// command asks for a shell, as `ssh -T host` does.
func RunOn(t testing.TB, client *gossh.Client, command string) Result {
	t.Helper()
	sess, err := client.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer sess.Close()
	var stdout, stderr bytes.Buffer
	sess.Stdout, sess.Stderr = &stdout, &stderr
	done := make(chan error, 1)
	go func() {
		if command == "" {
			if err := sess.Shell(); err != nil {
				done <- err
				return
			}
			done <- sess.Wait()
			return
		}
		done <- sess.Run(command)
	}()
	select {
	case err = <-done:
	case <-time.After(DefaultTimeout):
		t.Fatalf("command %q did not finish; stdout so far:\n%s", command, stdout.String())
	}
	return Result{Stdout: stdout.String(), Stderr: stderr.String(), Status: ExitStatus(err)}
}

// FreeAddr returns a loopback address with a port that was free a moment
// ago, for servers started in another process.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
