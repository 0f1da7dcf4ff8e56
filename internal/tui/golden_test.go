package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// The golden tests run the app in a real tea.Program drawing into a VT
// emulator, type keys into the emulator, and compare the emulator's screen
// with testdata/*.golden. Run "go test ./internal/tui -update" to rewrite
// them after a deliberate change, and read the diff.

var goldenSizes = [][2]int{{40, 20}, {120, 40}}

func TestGoldenList(t *testing.T) {
	for _, size := range goldenSizes {
		t.Run(sizeName(size), func(t *testing.T) {
			s := startSession(t, Options{Width: size[0], Height: size[1]})
			s.golden("list_"+sizeName(size), "sshblog · 4 posts", "AWS in action")
		})
	}
}

func TestGoldenFilter(t *testing.T) {
	for _, size := range goldenSizes {
		t.Run(sizeName(size), func(t *testing.T) {
			s := startSession(t, Options{Width: size[0], Height: size[1]})
			s.waitFor("sshblog · 4 posts")
			s.send("/", "a", "w", "s")
			s.golden("filter_"+sizeName(size), "1 of 4 posts", "/ aws")
		})
	}
}

// The Korean seed post, opened from the list (it is the oldest, so last).
func TestGoldenReader(t *testing.T) {
	for _, size := range goldenSizes {
		t.Run(sizeName(size), func(t *testing.T) {
			s := startSession(t, Options{Width: size[0], Height: size[1]})
			s.waitFor("sshblog · 4 posts")
			s.send("G", keyEnter)
			s.golden("reader_"+sizeName(size), "AWS in action 리뷰", "한빛출판사의", "0% · 3 min left · line")
		})
	}
}

// The tags screen, and the list after choosing a tag.
func TestGoldenTags(t *testing.T) {
	for _, size := range goldenSizes {
		t.Run(sizeName(size), func(t *testing.T) {
			s := startSession(t, Options{Width: size[0], Height: size[1]})
			s.waitFor("sshblog · 4 posts")
			s.send("t")
			s.golden("tags_"+sizeName(size), "tags · 5 tags", "SSH")
			s.send("j", keyEnter)
			s.golden("taglist_"+sizeName(size), "tag: Review · 2 posts", "AWS in action")
		})
	}
}

// Reading at 120x40, scrolled down a little, then the window shrinks to
// 40x20: the post is re-rendered at 40 columns near the same place.
func TestGoldenResizeWhileReading(t *testing.T) {
	s := startSession(t, Options{Width: 120, Height: 40})
	s.waitFor("sshblog · 4 posts")
	s.send("G", keyEnter)
	s.waitFor("0% · 3 min left · line 35/")
	s.send("j", "j", "j", "j", "j")
	s.waitFor("line 40/")
	s.resize(40, 20)
	s.golden("resize_120x40_to_40x20", "AWS in action", "line ")
	scr := s.term.screen()
	for i, line := range strings.Split(scr, "\n") {
		if w := ansi.StringWidth(line); w > 40 {
			t.Errorf("line %d is %d columns after the resize: %q", i+1, w, line)
		}
	}
	if strings.Contains(scr, " 0% · ") {
		t.Errorf("reading position lost: back at the top after the resize:\n%s", scr)
	}
}

func sizeName(size [2]int) string { return fmt.Sprintf("%dx%d", size[0], size[1]) }

// Colour follows the client: a truecolor terminal gets colours, and the
// same terminal with NO_COLOR in the session's environment gets none, in
// the list and in a rendered post.
func TestNoColorFromClientEnvironment(t *testing.T) {
	for _, tc := range []struct {
		env      []string
		coloured bool
	}{
		{nil, true},
		{[]string{"NO_COLOR=1"}, false},
	} {
		s := startSessionProfile(t, Options{Width: 80, Height: 24, Start: "reading-over-ssh"}, colorprofile.TrueColor, tc.env...)
		hasColour := func(string) bool { return (s.term.coloured() > 0) == tc.coloured }
		s.waitFor("ssh -p 23234 localhost", "line ")
		if _, ok := s.poll(hasColour); !ok {
			t.Errorf("env %v: coloured cells in the reader: %d, want coloured %v", tc.env, s.term.coloured(), tc.coloured)
		}
		s.send(keyEsc)
		s.waitFor("sshblog · 4 posts")
		if _, ok := s.poll(hasColour); !ok {
			t.Errorf("env %v: coloured cells in the list: %d, want coloured %v", tc.env, s.term.coloured(), tc.coloured)
		}
	}
}

// Search in the Korean post: "/" and a Korean word; the matches are
// highlighted (see TestSearchHighlightRaw: plain-text goldens cannot show
// it) and the footer counts them. n goes to the next one.
func TestGoldenSearch(t *testing.T) {
	for _, size := range goldenSizes {
		t.Run(sizeName(size), func(t *testing.T) {
			s := startSession(t, Options{Width: size[0], Height: size[1], Start: "aws-in-action"})
			s.waitFor("0% · 3 min left")
			s.send("/", "인", "프", "라")
			s.golden("search_typing_"+sizeName(size), "/ 인프라", "match 1 of 7")
			s.send(keyEnter, "n", "n")
			s.golden("search_"+sizeName(size), "match 3 of 7", "n next match")
		})
	}
}

// The links of a post, numbered; choosing one copies it and shows it whole.
func TestGoldenLinks(t *testing.T) {
	for _, size := range goldenSizes {
		t.Run(sizeName(size), func(t *testing.T) {
			s := startSession(t, Options{Width: size[0], Height: size[1], Start: "reading-over-ssh"})
			s.waitFor("A terminal has no ads")
			s.send("l")
			s.golden("links_"+sizeName(size), "Links in this post · 4", "The hosting guide")
			s.send("4")
			s.golden("links_copied_"+sizeName(size), "Copied link 4", "lang=en")
		})
	}
}

// The headings of the Korean post; choosing one scrolls to it.
func TestGoldenContents(t *testing.T) {
	for _, size := range goldenSizes {
		t.Run(sizeName(size), func(t *testing.T) {
			s := startSession(t, Options{Width: size[0], Height: size[1], Start: "aws-in-action"})
			s.waitFor("0% · 3 min left")
			s.send("c")
			s.golden("contents_"+sizeName(size), "Contents · 9 headings", "장애허용 시스템 설계하기")
			s.send("6")
			s.golden("contents_jump_"+sizeName(size), "### RDS", "min left")
		})
	}
}

// The end of a post: its related posts, the second one chosen with tab.
func TestGoldenRelated(t *testing.T) {
	for _, size := range goldenSizes {
		t.Run(sizeName(size), func(t *testing.T) {
			s := startSession(t, Options{Width: size[0], Height: size[1], Start: "go-generics"})
			s.waitFor("Go 1.18 brought")
			s.send("G", "\t", "\t")
			s.golden("related_"+sizeName(size), "Related posts", "┃ 2", "100%")
			s.send(keyEnter)
			s.waitFor("sshblog · Reading a blog over SSH", "A terminal has no ads")
		})
	}
}

// T names the theme it switched to for a moment (the colours themselves
// are tested in TestThemeColoursInTerminal).
func TestGoldenTheme(t *testing.T) {
	for _, size := range goldenSizes {
		t.Run(sizeName(size), func(t *testing.T) {
			s := startSession(t, Options{Width: size[0], Height: size[1], Start: "aws-in-action"})
			s.waitFor("0% · 3 min left")
			s.send("T")
			s.golden("theme_"+sizeName(size), "Theme: light")
		})
	}
}

// Part way down the Korean post, the footer says how far and how long.
func TestGoldenProgress(t *testing.T) {
	for _, size := range goldenSizes {
		t.Run(sizeName(size), func(t *testing.T) {
			s := startSession(t, Options{Width: size[0], Height: size[1], Start: "aws-in-action"})
			s.waitFor("0% · 3 min left")
			s.send(" ") // a page: halfway down at 120x40
			if size[0] == 40 {
				s.send(" ", " ") // about a quarter at 40x20
			}
			s.golden("progress_"+sizeName(size), "min left · line")
		})
	}
}

// With TZ=Asia/Seoul from the client, the Korean post (21:06 UTC) is dated
// the next day, in the list and in the reader; posts dated without a time
// keep their day.
func TestGoldenTimeZone(t *testing.T) {
	for _, size := range goldenSizes {
		t.Run(sizeName(size), func(t *testing.T) {
			s := startSession(t, Options{Width: size[0], Height: size[1]}, "TZ=Asia/Seoul")
			s.waitFor("sshblog · 4 posts")
			s.send("G")
			s.golden("tz_list_"+sizeName(size), "2017-06-12 · #Tech #Review")
			s.send(keyEnter)
			s.golden("tz_reader_"+sizeName(size), "2017-06-12 · 3 min read", "한빛출판사의")
		})
	}
}

// Below 20x8 every screen says the window is too small, centred and
// wrapped to fit; at 20x8 the list is drawn, and at 20x10 the help takes
// the window, one key a line, and scrolls.
func TestGoldenSmallWindows(t *testing.T) {
	t.Run("19x24", func(t *testing.T) {
		s := startSession(t, Options{Width: 19, Height: 24})
		s.golden("small_19x24", "at least 20x8")
		// Keys do nothing that cannot be seen. The key goes through
		// prog.Send, as the resize does, so that it arrives first.
		s.prog.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		s.resize(40, 20)
		if scr := s.waitFor("sshblog · 4 posts", "AWS in action"); strings.Contains(scr, "min read") {
			t.Errorf("enter in a window too small opened a post:\n%s", scr)
		}
	})
	t.Run("40x7", func(t *testing.T) {
		s := startSession(t, Options{Width: 40, Height: 7, Start: "aws-in-action"})
		s.golden("small_40x7", "window too small, at least 20x8")
	})
	t.Run("20x8", func(t *testing.T) {
		s := startSession(t, Options{Width: 20, Height: 8})
		s.golden("list_20x8", "sshblog · 4 posts", "? more")
		s.send("?")
		s.golden("help_20x8", "keys · 1–6 of 14", "? close")
	})
	t.Run("20x10 help", func(t *testing.T) {
		s := startSession(t, Options{Width: 20, Height: 10})
		s.waitFor("sshblog · 4 posts")
		s.send("?")
		s.golden("help_20x10", "keys · 1–8 of 14", "↑/↓ scroll ? close")
		s.send("j", "j", "j", "j", "j", "\x1b[B") // j and the down arrow
		s.golden("help_20x10_scrolled", "keys · 7–14 of 14", "ctrl+c quit")
		s.send("?")
		s.waitFor("sshblog · 4 posts", "? more")
	})
}
