package server

import (
	"io"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/vt"
)

func TestTrimBlankEnd(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain   ", "plain"},
		{"     ", ""},
		{"\x1b[1mbold\x1b[m     \x1b[m", "\x1b[1mbold"},
		{"a\x1b[m    ", "a"},
		{"\x1b[31mred\x1b[0m  \x1b[0m", "\x1b[31mred"},
		// A background, an underline or a link is on: its spaces show.
		{"\x1b[44mblue bg   ", "\x1b[44mblue bg   "},
		{"\x1b[44mblue bg   \x1b[m   ", "\x1b[44mblue bg   "},
		{"\x1b[4munder   \x1b[m", "\x1b[4munder   "},
		{"\x1b]8;;https://x\x1b\\link   ", "\x1b]8;;https://x\x1b\\link   "},
		// After a reset, text in the default style.
		{"\x1b[1mA\x1b[m text   ", "\x1b[1mA\x1b[m text"},
		{"한국어  ", "한국어"},
	}
	for _, tt := range tests {
		if got := trimBlankEnd(tt.in); got != tt.want {
			t.Errorf("trimBlankEnd(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The screen leaves out the blank ends of lines; a terminal shows the same
// cells, colours and attributes as if they had been sent.
func TestScreenLooksTheSameWithoutBlankEnds(t *testing.T) {
	const w, h = 40, 10
	frames := []string{
		"  \x1b[1;38;5;141mtitle\x1b[m\x1b[38;5;102m · 9\x1b[m" + strings.Repeat(" ", 20) + "\x1b[m\n" +
			strings.Repeat(" ", w) + "\n" +
			"\x1b[48;5;236m selected row with a background        \x1b[m\n" +
			"\x1b[4munderlined   \x1b[m    \n" +
			"한국어 텍스트   \n" +
			"\x1b]8;;https://example.com\x1b\\a link\x1b]8;;\x1b\\   \n" +
			"\x1b[7m reverse \x1b[m      \n" +
			"\x1b[1m" + strings.Repeat("x", w) + "\x1b[m\n" + // fills the row: the next is positioned
			strings.Repeat("한", w/2) + "\n" +
			"after full rows",
		// The next frame changes some lines: they are erased, then drawn.
		"  other title" + strings.Repeat(" ", 10) + "\n" +
			"\x1b[48;5;236m" + strings.Repeat(" ", w) + "\x1b[m\n" +
			"short\n" +
			"\x1b[4munderlined   \x1b[m    \n" +
			"\n\n" +
			"\x1b[7m reverse \x1b[m      ",
	}
	term := newTerm(t, w, h)
	scr := newScreen(term, w, h, colorprofile.ANSI256)
	for _, f := range frames {
		scr.lastDraw = time.Time{} // draw now, not at the end of the frame interval
		scr.show(tea.View{Content: f})
		want := newTerm(t, w, h)
		_, _ = want.Write([]byte("\x1b[H\x1b[2J" + strings.ReplaceAll(f, "\n", "\r\n")))
		if got, want := term.Render(), want.Render(); got != want {
			t.Errorf("frame %q:\nscreen drew\n%s\nwant\n%s", f, got, want)
		}
	}
}

// newTerm is a terminal emulator whose replies to queries go nowhere,
// until the test ends.
func newTerm(t *testing.T, w, h int) *vt.Emulator {
	e := vt.NewEmulator(w, h)
	go func() { _, _ = io.Copy(io.Discard, e) }()
	t.Cleanup(func() {
		if c, ok := e.InputPipe().(io.Closer); ok {
			_ = c.Close() // ends the copy (Emulator.Close would race with its Read)
		}
	})
	return e
}
