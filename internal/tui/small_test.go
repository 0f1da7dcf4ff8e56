package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/locale"
)

// Below 20x8 every screen shows only the message, wrapped to the window
// without cutting a word and centred; keys other than q and ctrl+c do
// nothing, and the screen comes back as it was when the window grows.
func TestTooSmallWindow(t *testing.T) {
	for _, lang := range []string{"", "ko_KR.UTF-8"} {
		testTooSmallWindow(t, lang)
	}
}

// fits reports whether text wraps into w x h without cutting a word.
func fits(text string, w, h int) bool {
	for _, word := range strings.Fields(text) {
		if ansi.StringWidth(word) > w {
			return false
		}
	}
	return len(strings.Split(ansi.Wrap(text, w, " "), "\n")) <= h
}

func testTooSmallWindow(t *testing.T, lang string) {
	tr := locale.For(lang)
	sizes := [][2]int{{19, 24}, {40, 7}, {19, 7}, {1, 1}, {6, 3}, {10, 8}, {300, 7}, {3, 100}, {19, 100}}
	screens := []struct {
		name string
		keys []string
	}{
		{"list", nil},
		{"reader", []string{"enter"}},
		{"tags", []string{"t"}},
		{"help", []string{"?"}},
		{"filter", []string{"/", "a"}},
	}
	for _, size := range sizes {
		w, h := size[0], size[1]
		for _, sc := range screens {
			what := fmt.Sprintf("%s %dx%d %s", tr.Lang, w, h, sc.name)
			d := newDriver(t, Options{Width: 80, Height: 24, Lang: lang})
			d.keys(sc.keys...)
			before, screen := d.screen(), d.m.page
			d.send(tea.WindowSizeMsg{Width: w, Height: h})
			checkFits(t, what, d.view(), w, h)
			scr := d.screen()
			lines := strings.Split(scr, "\n")
			var text []string
			for _, line := range lines {
				if trimmed := strings.TrimSpace(line); trimmed != "" {
					text = append(text, trimmed)
					// Centred: as many columns left as right, give or take one.
					left := len(line) - len(strings.TrimLeft(line, " "))
					if right := w - left - ansi.StringWidth(trimmed); left > right || right-left > 1 {
						t.Errorf("%s: %q is not centred (%d left, %d right)", what, trimmed, left, right)
					}
				}
			}
			// The whole message when it fits, else a shorter one, words
			// never cut.
			got := strings.Join(strings.Fields(strings.Join(text, " ")), " ")
			want := fmt.Sprintf(tr.TooSmall, minSize)
			if !fits(want, w, h) {
				want = fmt.Sprintf(tr.TooSmallShort, minSize)
			}
			if fits(want, w, h) && !strings.HasPrefix(got, want) {
				t.Errorf("%s: message %q, want %q:\n%s", what, got, want, scr)
			}
			// Keys that would act on the hidden screen do nothing.
			d.keys("enter", "esc", "j", "t", "G", "x")
			if d.quit || d.m.page != screen || d.screen() != scr {
				t.Errorf("%s: keys acted on the hidden screen (screen %d, quit %v):\n%s", what, d.m.page, d.quit, d.screen())
			}
			d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
			if got := d.screen(); got != before {
				t.Errorf("%s: back at 80x24 the screen changed:\n%s\nwas:\n%s", what, got, before)
			}
			d.send(tea.WindowSizeMsg{Width: w, Height: h})
			d.keys("q")
			if !d.quit {
				t.Errorf("%s: q did not quit", what)
			}
		}
	}
	// At 20x8 the screens are drawn.
	d := newDriver(t, Options{Width: 20, Height: 8, Lang: lang})
	if scr := d.screen(); strings.Contains(scr, fmt.Sprintf(tr.TooSmallShort, "")) || !strings.Contains(scr, "sshblog · "+tr.Posts.N(4)) {
		t.Fatalf("20x8:\n%s", scr)
	}
}

// The server's notice still shows in a window too small, below the
// message, when there is room.
func TestTooSmallWindowShowsTheNotice(t *testing.T) {
	d := newDriver(t, Options{Width: 19, Height: 24})
	d.send(NoticeMsg("This server is restarting."))
	if scr := strings.Join(strings.Fields(d.screen()), " "); !strings.Contains(scr, "at least 20x8 This server is restarting. q quits") {
		t.Fatalf("19x24 with a notice:\n%s", d.screen())
	}
}

// When the help's columns do not fit under the screen, the help takes the
// window: one key a line, every key of the screen reachable with j, k and
// the arrows, and the screen under it left alone.
func TestHelpPaneScrolls(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  Options
		setup []string
	}{
		{"list", Options{Width: 20, Height: 10}, nil},
		{"reader", Options{Width: 20, Height: 10, Start: "reading-over-ssh"}, nil},
		{"tags", Options{Width: 20, Height: 10}, []string{"t"}},
		{"list 40x12", Options{Width: 40, Height: 12}, nil},
		{"reader 80x9", Options{Width: 80, Height: 9, Start: "reading-over-ssh"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDriver(t, tc.opts)
			d.keys(tc.setup...)
			screen, index, y := d.m.page, d.m.list.list.Index(), d.m.reader.vp.YOffset()
			d.keys("?")
			if !d.m.helpPane() {
				t.Fatalf("help is not a pane:\n%s", d.screen())
			}
			want := d.m.helpLines(1000)
			for i := range want {
				want[i] = strings.Join(strings.Fields(ansi.Strip(want[i])), " ")
			}
			seen := map[string]bool{}
			look := func() {
				checkFits(t, "help pane", d.view(), tc.opts.Width, tc.opts.Height)
				for _, line := range strings.Split(d.screen(), "\n") {
					seen[strings.Join(strings.Fields(line), " ")] = true
				}
			}
			look()
			for range len(want) {
				d.keys("j")
				look()
			}
			for _, line := range want {
				if !seen[line] {
					t.Errorf("help line %q never shown", line)
				}
			}
			bottom := d.screen()
			d.keys("down")
			if d.screen() != bottom {
				t.Errorf("scrolled past the last key:\n%s", d.screen())
			}
			d.keys("k", "up")
			if d.m.helpY != len(want)-(d.m.bodyH-1)-2 {
				t.Errorf("k and up: at line %d of %d", d.m.helpY, len(want))
			}
			d.keys("g")
			if d.m.helpY != 0 || !strings.Contains(d.screen(), "keys · 1–") {
				t.Errorf("g: at line %d:\n%s", d.m.helpY, d.screen())
			}
			// The keys scrolled the help, not the screen under it.
			if d.m.page != screen || d.m.list.list.Index() != index || d.m.reader.vp.YOffset() != y {
				t.Errorf("the help's keys moved the screen under it")
			}
			d.keys("?")
			if d.m.showHelp || strings.Contains(d.screen(), "keys · ") {
				t.Errorf("? did not close the help:\n%s", d.screen())
			}
			d.keys("?", "esc")
			if d.m.showHelp || d.m.page != screen {
				t.Errorf("esc should close the help only (screen %d)", d.m.page)
			}
		})
	}
	// Where the columns fit, the help stays under the screen.
	d := newDriver(t, Options{Width: 100, Height: 30})
	d.keys("?")
	if d.m.helpPane() || !strings.Contains(d.screen(), "sshblog · 4 posts") {
		t.Fatalf("100x30 help:\n%s", d.screen())
	}
}
