package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/vt"
	gossh "golang.org/x/crypto/ssh"
)

// clientFlags say how the x/crypto client connects.
type clientFlags struct {
	addr       string
	user       string
	key        string
	cols, rows int
	timeout    time.Duration
	signer     gossh.Signer
}

func (c *clientFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.addr, "addr", "127.0.0.1:23234", "server `ADDRESS`")
	fs.StringVar(&c.user, "user", "bench", "SSH user name")
	fs.StringVar(&c.key, "key", "", "private key `FILE` for public key authentication (sshd); default: none, as sshblog's anonymous readers")
	fs.IntVar(&c.cols, "cols", 100, "window width")
	fs.IntVar(&c.rows, "rows", 30, "window height")
	fs.DurationVar(&c.timeout, "timeout", 10*time.Second, "give up on a connection, or a wait for the screen, after this long")
}

func (c *clientFlags) load() error {
	if c.key == "" {
		return nil
	}
	b, err := os.ReadFile(c.key)
	if err != nil {
		return err
	}
	c.signer, err = gossh.ParsePrivateKey(b)
	return err
}

func (c *clientFlags) config() *gossh.ClientConfig {
	cfg := &gossh.ClientConfig{
		User:            c.user,
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         c.timeout,
	}
	if c.signer != nil {
		cfg.Auth = []gossh.AuthMethod{gossh.PublicKeys(c.signer)}
	}
	return cfg
}

// conn is one client connection with one PTY session whose output goes to
// out.
type conn struct {
	client *gossh.Client
	sess   *gossh.Session
	stdin  io.WriteCloser
	ended  chan struct{} // closed when the session ends
	err    error         // why it ended (read after ended)

	handshake time.Duration // dial start to an authenticated connection
}

// dialPTY connects, asks for a PTY of cols x rows and starts a shell whose
// output goes to out. start is when the caller started its clock.
func dialPTY(c *clientFlags, cols, rows int, out io.Writer, start time.Time) (*conn, error) {
	netConn, err := net.DialTimeout("tcp", c.addr, c.timeout)
	if err != nil {
		return nil, err
	}
	netConn.SetDeadline(time.Now().Add(c.timeout))
	cc, chans, reqs, err := gossh.NewClientConn(netConn, c.addr, c.config())
	if err != nil {
		netConn.Close()
		return nil, err
	}
	netConn.SetDeadline(time.Time{})
	cn := &conn{client: gossh.NewClient(cc, chans, reqs), handshake: time.Since(start), ended: make(chan struct{})}
	if err := cn.open(cols, rows, out); err != nil {
		cn.client.Close()
		return nil, err
	}
	return cn, nil
}

func (cn *conn) open(cols, rows int, out io.Writer) error {
	sess, err := cn.client.NewSession()
	if err != nil {
		return err
	}
	cn.sess = sess
	if err := sess.RequestPty("xterm-256color", rows, cols, gossh.TerminalModes{gossh.ECHO: 0}); err != nil {
		return err
	}
	if cn.stdin, err = sess.StdinPipe(); err != nil {
		return err
	}
	sess.Stdout = out
	sess.Stderr = out
	if err := sess.Shell(); err != nil {
		return err
	}
	go func() {
		cn.err = sess.Wait()
		close(cn.ended)
	}()
	return nil
}

func (cn *conn) exited() bool {
	select {
	case <-cn.ended:
		return true
	default:
		return false
	}
}

// quit types ctrl+c and waits up to wait for the session to end.
func (cn *conn) quit(wait time.Duration) bool {
	io.WriteString(cn.stdin, "\x03")
	select {
	case <-cn.ended:
		return true
	case <-time.After(wait):
		return false
	}
}

func (cn *conn) close() {
	if cn.sess != nil {
		cn.sess.Close()
	}
	cn.client.Close()
}

// screen is a terminal emulator fed by a session's output; waiters wake on
// every write.
type screen struct {
	mu      sync.Mutex
	emu     *vt.Emulator
	changed chan struct{} // closed and replaced on every write
	writes  int
	stream  *matcher      // when set: sees the same output, for text that scrolls past
	raw     *bytes.Buffer // when set: keeps every byte of it (capture)
}

func newScreen(cols, rows int) *screen {
	return &screen{emu: vt.NewEmulator(cols, rows), changed: make(chan struct{})}
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.emu.Write(p)
	if s.stream != nil {
		s.stream.Write(p)
	}
	if s.raw != nil {
		s.raw.Write(p)
	}
	s.writes++
	close(s.changed)
	s.changed = make(chan struct{})
	return n, err
}

// record keeps every byte written from now on, for recorded.
func (s *screen) record() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.raw = &bytes.Buffer{}
}

// recorded is every byte written since record.
func (s *screen) recorded() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.raw.Bytes())
}

// answer copies the emulator's replies to terminal queries (background
// colour, cursor position, device attributes) to w, as a terminal does.
func (s *screen) answer(w io.Writer) { go io.Copy(w, s.emu) }

// stop ends answer's copy. (Emulator.Close would race with its Read.)
func (s *screen) stop() {
	if c, ok := s.emu.InputPipe().(io.Closer); ok {
		c.Close()
	}
}

func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emu.String()
}

func (s *screen) resize(cols, rows int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emu.Resize(cols, rows)
}

// writeCount is how many writes the screen has seen, for waitWrite.
func (s *screen) writeCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}

var errTimeout = errors.New("timed out")

// waitUntil waits until ok(screen text) holds and returns when it saw it.
func (s *screen) waitUntil(what string, ok func(string) bool, timeout time.Duration) (time.Time, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		text := s.emu.String()
		ch := s.changed
		s.mu.Unlock()
		if ok(text) {
			return time.Now(), nil
		}
		select {
		case <-ch:
		case <-deadline.C:
			return time.Time{}, fmt.Errorf("%w after %s waiting for %s; screen:\n%s", errTimeout, timeout, what, indentText(s.text()))
		}
	}
}

func (s *screen) waitFor(text string, timeout time.Duration) (time.Time, error) {
	return s.waitUntil(fmt.Sprintf("%q", text), func(t string) bool { return strings.Contains(t, text) }, timeout)
}

// watchStream makes waitAppeared see text that streams past, even when it
// scrolls off the screen within one write (glow prints a whole post at
// once). Call it before any output arrives.
func (s *screen) watchStream(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stream = newMatcher(text)
}

// waitAppeared waits until the text is on screen or, with watchStream,
// went past in the output.
func (s *screen) waitAppeared(text string, timeout time.Duration) (time.Time, error) {
	return s.waitUntil(fmt.Sprintf("%q", text), func(t string) bool {
		if s.stream != nil {
			select {
			case <-s.stream.found:
				return true
			default:
			}
		}
		return strings.Contains(t, text)
	}, timeout)
}

func (s *screen) waitGone(text string, timeout time.Duration) (time.Time, error) {
	return s.waitUntil(fmt.Sprintf("%q to go", text), func(t string) bool { return !strings.Contains(t, text) }, timeout)
}

// waitWrite waits for any output after the given write count.
func (s *screen) waitWrite(after int, timeout time.Duration) (time.Time, error) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		n, ch := s.writes, s.changed
		s.mu.Unlock()
		if n > after {
			return time.Now(), nil
		}
		select {
		case <-ch:
		case <-deadline.C:
			return time.Time{}, fmt.Errorf("%w: no output after %s", errTimeout, timeout)
		}
	}
}

func indentText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = "    | " + strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// matcher finds a text in a stream of terminal output without emulating a
// terminal: it drops escape sequences and control characters and looks for
// the text in what is left. Much cheaper than an emulator for thousands of
// sessions; after the match it only counts bytes.
type matcher struct {
	want  []byte
	found chan struct{}

	mu    sync.Mutex
	state int
	tail  []byte
	seen  bool
	after int64 // bytes received after the match
}

func newMatcher(want string) *matcher {
	m := &matcher{want: []byte(want), found: make(chan struct{})}
	if want == "" {
		m.seen = true
		close(m.found)
	}
	return m
}

const (
	stGround = iota
	stEsc
	stCSI
	stString // OSC, DCS, APC, PM, SOS: until BEL or ESC \
	stStringEsc
)

func (m *matcher) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen {
		m.after += int64(len(p))
		return len(p), nil
	}
	for i, b := range p {
		switch m.state {
		case stGround:
			switch {
			case b == 0x1b:
				m.state = stEsc
			case b < 0x20 || b == 0x7f:
				m.tail = m.tail[:0]
			default:
				m.push(b)
			}
		case stEsc:
			switch b {
			case '[':
				m.state = stCSI
			case ']', 'P', 'X', '^', '_':
				m.state = stString
			default:
				m.state = stGround
			}
		case stCSI:
			if b >= 0x40 && b <= 0x7e {
				m.state = stGround
				if b == 'C' { // cursor forward: a gap, likely a space
					m.push(' ')
				}
			}
		case stString:
			switch b {
			case 0x07:
				m.state = stGround
			case 0x1b:
				m.state = stStringEsc
			}
		case stStringEsc:
			if b == '\\' {
				m.state = stGround
			} else {
				m.state = stString
			}
		}
		if m.seen {
			m.after += int64(len(p) - i - 1)
			return len(p), nil
		}
	}
	return len(p), nil
}

func (m *matcher) push(b byte) {
	if len(m.tail) == len(m.want) {
		copy(m.tail, m.tail[1:])
		m.tail = m.tail[:len(m.tail)-1]
	}
	m.tail = append(m.tail, b)
	if len(m.tail) == len(m.want) && string(m.tail) == string(m.want) {
		m.seen = true
		m.tail = nil
		close(m.found)
	}
}

func (m *matcher) bytesAfter() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.after
}
