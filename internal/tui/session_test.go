package tui

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/vt"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/render"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixtureNow is "now" for the fixture blog, so that no post is ever hidden as
// being in the future and the goldens never change with the clock.
var fixtureNow = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// fixtureBlog loads testdata/posts: the Korean seed post and three small
// English posts sharing tags. The goldens are made from it, not from the
// real posts, which keep changing.
func fixtureBlog(t testing.TB) *content.Blog {
	t.Helper()
	blog, problems, err := content.Load(os.DirFS("testdata/posts"), content.Options{Now: fixtureNow, Name: "sshblog"})
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Fatalf("fixture posts: %v", problems)
	}
	if blog.Len() != 4 {
		t.Fatalf("fixture blog has %d posts, want 4", blog.Len())
	}
	return blog
}

// terminal is a VT emulator that a tea.Program draws into. Writes and reads
// of the screen are serialised: the program writes from its own goroutine.
type terminal struct {
	mu  sync.Mutex
	emu *vt.Emulator
	raw bytes.Buffer // everything the program wrote, as it wrote it
}

// Write plays the part of a PTY's line discipline (ONLCR): a program whose
// input is not a TTY, like one behind SSH, expects "\n" to reach the
// terminal as "\r\n", and Bubble Tea's renderer moves the cursor accordingly.
func (t *terminal) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.raw.Write(p)
	if _, err := t.emu.Write(bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// output is what the program wrote so far, escape sequences and all.
func (t *terminal) output() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.raw.String()
}

// fg is the foreground colour of the cell at x, y.
func (t *terminal) fg(x, y int) color.Color {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c := t.emu.CellAt(x, y); c != nil {
		return c.Style.Fg
	}
	return nil
}

// screen is the text on the emulator's screen, trailing spaces trimmed.
func (t *terminal) screen() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.emu.String()
}

// coloured counts the cells drawn with a foreground or background colour.
func (t *terminal) coloured() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for y := range t.emu.Height() {
		for x := range t.emu.Width() {
			if c := t.emu.CellAt(x, y); c != nil && (c.Style.Fg != nil || c.Style.Bg != nil) {
				n++
			}
		}
	}
	return n
}

func (t *terminal) resize(w, h int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.emu.Resize(w, h)
}

// session is the app running in a real tea.Program, as over SSH, with the
// emulator as its terminal: keys reach the program as bytes on its input,
// along with the emulator's answers to the program's queries, and what the
// program draws is read back from the emulator's screen.
type session struct {
	t    *testing.T
	term *terminal
	prog *tea.Program
	in   *io.PipeWriter
	done chan struct{}
}

func startSession(t *testing.T, opts Options, env ...string) *session {
	t.Helper()
	return startSessionProfile(t, opts, colorprofile.Ascii, env...)
}

// startSessionProfile is startSession with a colour profile other than the
// plain-text one the goldens use.
func startSessionProfile(t *testing.T, opts Options, profile colorprofile.Profile, env ...string) *session {
	t.Helper()
	return startSessionWith(t, opts, terminalConfig{profile: profile, env: env})
}

// terminalConfig describes the terminal of a session.
type terminalConfig struct {
	profile colorprofile.Profile
	env     []string
	// background is the colour the terminal reports as its background;
	// nil is the emulator's default, black.
	background color.Color
	// replyDelay holds the terminal's answers to the program's queries
	// back, as a slow link would; silent drops them, as a terminal (or a
	// multiplexer) that never answers.
	replyDelay time.Duration
	silent     bool
}

func startSessionWith(t *testing.T, opts Options, cfg terminalConfig) *session {
	t.Helper()
	profile, env := cfg.profile, cfg.env
	if opts.Blog == nil {
		opts.Blog = fixtureBlog(t)
	}
	if opts.Renderer == nil {
		opts.Renderer = render.New(render.Options{})
	}
	emu := vt.NewEmulator(opts.Width, opts.Height)
	if cfg.background != nil {
		emu.SetDefaultBackgroundColor(cfg.background)
	}
	term := &terminal{emu: emu}
	inR, inW := io.Pipe()

	// Forward the emulator's replies (background colour, modes) to the
	// program, until told to stop.
	var stop atomic.Bool
	forwarded := make(chan struct{})
	go func() {
		defer close(forwarded)
		buf := make([]byte, 256)
		for {
			n, err := emu.Read(buf)
			if err != nil || stop.Load() {
				return
			}
			if cfg.silent {
				continue
			}
			if cfg.replyDelay > 0 {
				reply := bytes.Clone(buf[:n])
				time.AfterFunc(cfg.replyDelay, func() { _, _ = inW.Write(reply) })
				continue
			}
			_, _ = inW.Write(buf[:n]) // fails once the session is over: drop
		}
	}()

	ctx, cancel := context.WithCancel(context.Background())
	prog := tea.NewProgram(New(opts),
		tea.WithContext(ctx),
		tea.WithInput(inR),
		tea.WithOutput(term),
		tea.WithWindowSize(opts.Width, opts.Height),
		tea.WithColorProfile(profile),
		tea.WithEnvironment(append([]string{"TERM=xterm-256color"}, env...)),
		tea.WithoutSignalHandler(),
	)
	s := &session{t: t, term: term, prog: prog, in: inW, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		if _, err := prog.Run(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
			t.Errorf("program: %v", err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		_ = inW.Close() // ends the program's read loop
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			t.Error("program did not stop")
		}
		// Wake the forwarder so that it sees stop, and close the emulator
		// only once nothing reads from it.
		stop.Store(true)
		go func() { _, _ = emu.InputPipe().Write([]byte{0}) }()
		select {
		case <-forwarded:
			_ = emu.Close()
		case <-time.After(time.Second):
		}
	})
	return s
}

// send types keys as a terminal would send them.
func (s *session) send(keys ...string) {
	s.t.Helper()
	for _, k := range keys {
		if _, err := io.WriteString(s.in, k); err != nil {
			s.t.Fatalf("typing %q: %v", k, err)
		}
	}
}

const (
	keyEnter     = "\r"
	keyEsc       = "\x1b"
	keyBackspace = "\x7f"
)

func (s *session) resize(w, h int) {
	s.term.resize(w, h)
	s.prog.Send(tea.WindowSizeMsg{Width: w, Height: h})
}

// poll waits until cond holds for the screen, or the deadline passes.
func (s *session) poll(cond func(string) bool) (string, bool) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		scr := s.term.screen()
		if cond(scr) {
			return scr, true
		}
		if time.Now().After(deadline) {
			return scr, false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitFor waits until the screen shows every one of texts.
func (s *session) waitFor(texts ...string) string {
	s.t.Helper()
	scr, ok := s.poll(func(scr string) bool {
		for _, text := range texts {
			if !strings.Contains(scr, text) {
				return false
			}
		}
		return true
	})
	if !ok {
		s.t.Fatalf("timed out waiting for %q; screen:\n%s", texts, scr)
	}
	return scr
}

// settle waits for ready and then for the screen to stop changing. It is
// only used to write goldens; comparing waits for the golden itself.
func (s *session) settle(ready ...string) string {
	s.t.Helper()
	scr := s.waitFor(ready...)
	for stable := time.Now(); time.Since(stable) < 300*time.Millisecond; {
		time.Sleep(20 * time.Millisecond)
		if now := s.term.screen(); now != scr {
			scr, stable = now, time.Now()
		}
	}
	return scr
}

// golden compares the screen with testdata/name.golden, waiting for the
// screen to get there. With -update it writes the file from the screen
// once ready is shown and the screen has settled.
func (s *session) golden(name string, ready ...string) {
	s.t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		scr := s.settle(ready...)
		if err := os.WriteFile(path, []byte(scr+"\n"), 0o644); err != nil {
			s.t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		s.t.Fatalf("%v (run go test -update to create it)", err)
	}
	want := strings.TrimSuffix(string(data), "\n")
	got, ok := s.poll(func(scr string) bool { return scr == want })
	if !ok {
		s.t.Errorf("screen does not match %s:\n%s", path, lineDiff(want, got))
	}
}

// lineDiff lists the lines that differ, then the whole screen.
func lineDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			fmt.Fprintf(&b, "line %d:\n  want |%s\n  got  |%s\n", i+1, w, g)
		}
	}
	b.WriteString("screen:\n" + got)
	return b.String()
}
