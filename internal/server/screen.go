package server

import (
	"bytes"
	"io"
	"reflect"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/render"
)

// frameInterval is the shortest time between two frames: bursts of updates
// (a held arrow key, a mouse wheel) are drawn at most this often. At 120 a
// second, a key that follows a frame closely (enter right after the list
// appeared) waits at most 8 ms.
const frameInterval = time.Second / 120

// screen draws an app's views to one session as soon as they change, and
// never while nothing changes. It stands in for Bubble Tea's renderer,
// which redraws on a 60 fps ticker: that holds the first frame back by up
// to a tick, and makes every idle session cost CPU sixty times a second.
//
// It redraws whole lines that changed, remembering only the last frame's
// lines: a cell-buffer renderer keeps two grids of cells (about 400 KB
// each at 100x30), which would be most of an idle session's memory. The
// app always runs in the alternate screen and never lets a line outgrow
// the window, so only the view fields it uses are followed: content,
// mouse mode and window title.
type screen struct {
	mu            sync.Mutex
	w             io.Writer
	profile       colorprofile.Profile
	width, height int

	started, closed bool
	lines           []string  // on screen now
	last            tea.View  // the view drawn last
	pending         *tea.View // a changed view not yet drawn
	full            bool      // redraw every line (first frame, resize, profile)
	queued          bytes.Buffer
	lastDraw        time.Time
	timer           *time.Timer

	onPanic  func(any) // a panic in the frame timer's goroutine
	testHook func()    // tests: runs in every frame timer
}

func newScreen(w io.Writer, width, height int, profile colorprofile.Profile) *screen {
	return &screen{w: w, width: width, height: height, profile: profile, full: true}
}

// show takes the app's latest view: drawn now, or at the end of the
// current frame interval if a frame was just drawn.
func (s *screen) show(v tea.View) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if s.started && !s.full && s.pending == nil && sameView(s.last, v) {
		return // nothing changed: nothing to draw
	}
	s.pending = &v
	wait := frameInterval - time.Since(s.lastDraw)
	if wait <= 0 || !s.started {
		s.drawLocked()
		return
	}
	if s.timer == nil {
		s.timer = time.AfterFunc(wait, s.drawPending)
	}
}

// showFirst draws v, whose first-frame bytes at this screen's size and
// colour profile are encoded (see encodeFirst), shared by every session
// that opens on it: converting the colours line by line was most of what
// a new session cost. Once a frame is on screen it is show.
func (s *screen) showFirst(v tea.View, encoded []byte) {
	s.mu.Lock()
	if s.started || s.closed {
		s.mu.Unlock()
		s.show(v)
		return
	}
	defer s.mu.Unlock()
	lines := strings.SplitN(v.Content, "\n", s.height+1)
	if len(lines) > s.height {
		lines = lines[:s.height]
	}
	s.lines = append(s.lines[:0], lines...)
	s.full, s.started, s.last, s.pending = false, true, v, nil
	s.lastDraw = time.Now()
	var b bytes.Buffer
	b.Grow(len(encoded) + s.queued.Len())
	b.Write(encoded)
	b.Write(s.queued.Bytes()) // queries asked for before the first frame
	s.queued.Reset()
	_, _ = s.w.Write(b.Bytes())
}

// encodeFirst is what a new screen of this size and profile writes to show
// v as its first frame (before any queued query).
func encodeFirst(v tea.View, width, height int, profile colorprofile.Profile) []byte {
	var b bytes.Buffer
	newScreen(&b, width, height, profile).show(v)
	return b.Bytes()
}

func (s *screen) drawPending() {
	defer func() {
		if r := recover(); r != nil && s.onPanic != nil {
			s.onPanic(r)
		}
	}()
	if s.testHook != nil {
		s.testHook()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.timer = nil
	if s.pending != nil && !s.closed {
		s.drawLocked()
	}
}

func sameView(a, b tea.View) bool {
	return a.Content == b.Content && a.MouseMode == b.MouseMode && a.WindowTitle == b.WindowTitle
}

// drawLocked writes the pending view; s.mu must be held.
func (s *screen) drawLocked() {
	v := *s.pending
	s.pending = nil
	s.lastDraw = time.Now()

	var b bytes.Buffer
	if !s.started {
		// Save the window title (restored at close), then take the
		// alternate screen, hide the cursor and take pastes as one.
		b.WriteString(pushTitle + ansi.SetModeAltScreenSaveCursor + ansi.ResetModeTextCursorEnable + ansi.SetModeBracketedPaste)
	}
	// A terminal starts with no mouse reporting: only turning it on, or a
	// change, needs saying.
	if s.started && v.MouseMode != s.last.MouseMode || !s.started && v.MouseMode != tea.MouseModeNone {
		b.WriteString(mouseMode(v.MouseMode))
	}
	if (!s.started && v.WindowTitle != "") || (s.started && v.WindowTitle != s.last.WindowTitle) {
		b.WriteString(ansi.SetWindowTitle(v.WindowTitle))
	}
	if s.full {
		b.WriteString(ansi.ResetStyle + ansi.CursorHomePosition + ansi.EraseEntireScreen)
	}
	erased := s.full // every line is blank: blank lines need no writing
	// Where the cursor is: at the start of row next (the home position
	// after erasing), or on row next-1 after a line that stops short of
	// the last column, from where "\r\n" reaches row next in two bytes.
	// After a line that fills the row it is left to a position sequence:
	// terminals differ on where the cursor is after the last column.
	next, home, short := -1, false, false
	if erased {
		next, home = 0, true
	}

	lines := strings.SplitN(v.Content, "\n", s.height+1)
	if len(lines) > s.height {
		lines = lines[:s.height]
	}
	colour := &colorprofile.Writer{Forward: &b, Profile: s.profile}
	for y := range s.height {
		line := ""
		if y < len(lines) {
			line = lines[y]
		}
		if !s.full && y < len(s.lines) && s.lines[y] == line {
			continue
		}
		width := ansi.StringWidth(line)
		if width > s.width {
			line, width = ansi.Truncate(line, s.width, ""), s.width
		}
		if t := trimBlankEnd(line); t != line {
			// t is a prefix of line; what it left out is spaces (a cell
			// each) and resets (none).
			line, width = t, width-strings.Count(line[len(t):], " ")
		}
		if line == "" && erased {
			continue
		}
		switch {
		case y == next && home:
		case y == next && short:
			b.WriteString("\r\n")
		default:
			b.WriteString(ansi.CursorPosition(1, y+1))
		}
		// Erase first, then write: erasing after a line that fills the
		// window would, in some terminals, erase its last cell.
		if !erased {
			b.WriteString(ansi.EraseEntireLine)
		}
		if strings.IndexByte(line, ansi.ESC) >= 0 {
			_, _ = colour.Write([]byte(line))
			b.WriteString(ansi.ResetStyle)
		} else {
			b.WriteString(line) // nothing to convert, nothing to reset
		}
		next, home, short = y+1, false, width < s.width
	}
	s.lines = append(s.lines[:0], lines...)
	s.full = false

	b.Write(s.queued.Bytes()) // queries asked for before the first frame
	s.queued.Reset()
	s.started = true
	s.last = v
	_, _ = s.w.Write(b.Bytes())
}

// trimBlankEnd drops what a line ends with that the erased line already
// shows: spaces in the default style, and the resets around them. Lipgloss
// pads every line to its block's width, so this is about half of a list
// frame's bytes, which every reader's terminal would otherwise parse. The
// style is known to be the default only after a reset or before any
// escape; a line whose last escape is anything else (a colour, a
// hyperlink) keeps its end as it is. The result is a prefix of line.
func trimBlankEnd(line string) string {
	end := len(line)
blank:
	for end > 0 {
		switch {
		case line[end-1] == ' ':
			end--
		case strings.HasSuffix(line[:end], ansi.ResetStyle):
			end -= len(ansi.ResetStyle)
		case strings.HasSuffix(line[:end], "\x1b[0m"):
			end -= len("\x1b[0m")
		default:
			break blank
		}
	}
	if end == len(line) {
		return line
	}
	head, tail := line[:end], line[end:]
	last := strings.LastIndexByte(head, ansi.ESC)
	if last < 0 || strings.HasPrefix(head[last:], ansi.ResetStyle) || strings.HasPrefix(head[last:], "\x1b[0m") {
		return head // the tail's spaces are in the default style
	}
	// A style is on at the tail's start: its spaces up to the tail's first
	// reset are kept (a background, an underline shows on them).
	if r := strings.IndexByte(tail, ansi.ESC); r >= 0 {
		return head + tail[:r]
	}
	return line
}

func mouseMode(m tea.MouseMode) string {
	switch m {
	case tea.MouseModeCellMotion:
		return ansi.ResetModeMouseAnyEvent + ansi.SetModeMouseButtonEvent + ansi.SetModeMouseExtSgr
	case tea.MouseModeAllMotion:
		return ansi.SetModeMouseAnyEvent + ansi.SetModeMouseExtSgr
	}
	return ansi.ResetModeMouseButtonEvent + ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr
}

// write sends raw sequences (terminal queries, the clipboard): with the
// first frame if none is on screen yet, else at once.
func (s *screen) write(seq string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if !s.started {
		s.queued.WriteString(seq)
		return
	}
	_, _ = io.WriteString(s.w, seq)
}

func (s *screen) resize(width, height int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if width == s.width && height == s.height {
		return
	}
	s.width, s.height = width, height
	s.full = true // terminals reflow differently: redraw everything
}

func (s *screen) setColorProfile(p colorprofile.Profile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p != s.profile {
		s.profile = p
		s.full = true
	}
}

// The window title stack (xterm's XTWINOPS 22 and 23; terminals without
// it ignore them).
const (
	pushTitle = "\x1b[22;0t"
	popTitle  = "\x1b[23;0t"
)

// restoreTerminal undoes everything the screen turns on: mouse modes,
// pastes, colours, the hidden cursor, the alternate screen and the title.
const restoreTerminal = "\x1b[?1000l" + ansi.ResetModeMouseButtonEvent + ansi.ResetModeMouseAnyEvent + ansi.ResetModeMouseExtSgr +
	ansi.ResetModeBracketedPaste + ansi.ResetStyle + ansi.SetModeTextCursorEnable +
	ansi.ResetModeAltScreenSaveCursor + popTitle

// close restores the reader's terminal and, when reason is set, says on
// the main screen why the session ended. Nothing is drawn after it.
func (s *screen) close(reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	if s.timer != nil {
		s.timer.Stop()
	}
	if !s.started {
		if reason != "" {
			_, _ = io.WriteString(s.w, reason+"\r\n")
		}
		return
	}
	restore := restoreTerminal
	if reason != "" {
		restore += "\r" + ansi.EraseLineRight + reason + "\r\n"
	}
	_, _ = io.WriteString(s.w, restore)
}

// appHost wraps the app so that every view it produces goes to the screen
// as soon as it changes. Bubble Tea runs it with its own renderer off.
//
// Views are the costly part of a session (most of its CPU at startup), so
// appHost skips them where they cannot have changed: right after the first
// frame, for a window size that did not change, and for colour profile
// news (Lip Gloss styles draw full colour; the screen converts it).
type appHost struct {
	app           tea.Model
	screen        *screen
	fresh         bool // the screen shows the app's view as it is now
	width, height int
}

func (h *appHost) Init() tea.Cmd {
	cmd := h.app.Init()
	if !h.fresh {
		h.screen.show(h.app.View())
	}
	return cmd
}

// clipboardMsgType is the type of tea.SetClipboard's (unexported)
// message, taken from a sample so no type name is spelled out.
var clipboardMsgType = reflect.TypeOf(tea.SetClipboard("")())

func (h *appHost) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	unchanged := false
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		unchanged = msg.Width == h.width && msg.Height == h.height
		h.width, h.height = msg.Width, msg.Height
		h.screen.resize(msg.Width, msg.Height)
	case tea.ColorProfileMsg:
		unchanged = true
		h.screen.setColorProfile(msg.Profile)
	}
	if reflect.TypeOf(msg) == clipboardMsgType {
		// Bubble Tea queues OSC 52 for its next tick, which is slow here
		// (see runApp): send it now. The later copy sets the same text.
		h.screen.write(ansi.SetSystemClipboard(reflect.ValueOf(msg).String()))
	}
	m, cmd := h.app.Update(msg)
	h.app = m
	if !unchanged {
		h.screen.show(m.View())
	}
	return h, cmd
}

// View is empty: Bubble Tea's renderer is off, the screen draws.
func (h *appHost) View() tea.View { return tea.View{} }

// frameKey identifies a home screen: every new reader with the same window,
// style and language sees the same first frame (colours are converted per session).
type frameKey struct {
	cols, rows int
	style      render.Style
	lang       string // the reader's language: the words and the posts' translations
	blog       uint64 // the blog shown (Server.blogGen): a reload makes new frames
}

// frameCache keeps the home screen's first frame for the most recent
// window sizes, shared by all sessions, with its bytes for each colour
// profile that asked for it.
type frameCache struct {
	mu     sync.Mutex
	frames map[frameKey]*cachedFrame
	order  []frameKey // oldest first
}

type cachedFrame struct {
	view    tea.View
	encoded map[colorprofile.Profile][]byte
}

// maxCachedFrames bounds the cache: a client cannot make it grow by
// trying sizes.
const maxCachedFrames = 64

// getEncoded is the frame for k with its first-frame bytes in profile,
// encoded once and kept.
func (c *frameCache) getEncoded(k frameKey, profile colorprofile.Profile) (tea.View, []byte, bool) {
	c.mu.Lock()
	f, ok := c.frames[k]
	if !ok {
		c.mu.Unlock()
		return tea.View{}, nil, false
	}
	b, ok := f.encoded[profile]
	c.mu.Unlock()
	if ok {
		return f.view, b, true
	}
	b = encodeFirst(f.view, k.cols, k.rows, profile) // outside the lock: a few hundred µs
	c.mu.Lock()
	if f.encoded == nil {
		f.encoded = map[colorprofile.Profile][]byte{}
	}
	f.encoded[profile] = b
	c.mu.Unlock()
	return f.view, b, true
}

func (c *frameCache) put(k frameKey, v tea.View) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frames == nil {
		c.frames = map[frameKey]*cachedFrame{}
	}
	if _, ok := c.frames[k]; !ok {
		c.order = append(c.order, k)
		if len(c.order) > maxCachedFrames {
			delete(c.frames, c.order[0])
			c.order = c.order[1:]
		}
	}
	c.frames[k] = &cachedFrame{view: v}
}
