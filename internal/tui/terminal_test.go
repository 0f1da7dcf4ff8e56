package tui

import (
	"encoding/base64"
	"image/color"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
)

// Links reach the terminal as OSC 8 hyperlinks, and choosing one in the
// links list sends it to the clipboard with OSC 52: both are in the raw
// output of a real program.
func TestHyperlinksAndClipboardInRawOutput(t *testing.T) {
	s := startSession(t, Options{Width: 80, Height: 24, Start: "reading-over-ssh"})
	s.waitFor("A terminal has no ads")
	s.send("G")
	s.waitFor("Related posts")
	out := s.term.output()
	for _, url := range []string{"https://github.com/charmbracelet/bubbletea", "https://no-color.org"} {
		osc8 := regexp.MustCompile(`\x1b\]8;[^;\x07\x1b]*;` + regexp.QuoteMeta(url) + `(\x07|\x1b\\)`)
		if !osc8.MatchString(out) {
			t.Errorf("no OSC 8 hyperlink to %s in the output", url)
		}
	}
	if !strings.Contains(out, "\x1b]8;;\x07") && !strings.Contains(out, "\x1b]8;;\x1b\\") {
		t.Error("hyperlinks are never closed")
	}

	s.send("l", "1")
	s.waitFor("Copied link 1 to your clipboard")
	const url = "https://github.com/charmbracelet/bubbletea"
	osc52 := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(url))
	if _, ok := s.poll(func(string) bool { return strings.Contains(s.term.output(), osc52) }); !ok {
		t.Errorf("no OSC 52 %q in the output", osc52)
	}
	// The URL shown after copying is a hyperlink too.
	s.send("4")
	s.waitFor("Copied link 4")
	long := "https://example.com/docs/hosting/a-rather-long-path/that-does-not-fit-in-a-narrow-window?section=ssh&lang=en"
	// The sequence may follow the frame that says so (Bubble Tea writes it
	// on its next flush).
	osc52 = "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(long))
	if _, ok := s.poll(func(string) bool { return strings.Contains(s.term.output(), osc52) }); !ok {
		t.Error("the second copy is not in the output")
	}
}

// nameColour is the colour of the blog's name at the top left of the list.
func nameColour(s *session) color.Color { return s.term.fg(2, 0) }

func sameColour(a, b color.Color) bool {
	if a == nil || b == nil {
		return a == b
	}
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	return ar>>8 == br>>8 && ag>>8 == bg>>8 && ab>>8 == bb>>8
}

var (
	darkAccent  = lipgloss.Color("#A594F9")
	lightAccent = lipgloss.Color("#5A3FD0")
)

// waitColour waits for the blog's name to be drawn in c.
func (s *session) waitColour(c color.Color, within time.Duration) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if sameColour(nameColour(s), c) {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return sameColour(nameColour(s), c)
}

// The background query: a light terminal that answers gets the light
// theme; one that never answers is dark within the timeout and stays dark
// when an answer comes late.
func TestBackgroundQueryInTerminal(t *testing.T) {
	light := color.RGBA{0xfa, 0xfa, 0xf5, 0xff}
	opts := func() Options { return Options{Width: 60, Height: 20} }

	t.Run("answer", func(t *testing.T) {
		s := startSessionWith(t, opts(), terminalConfig{profile: colorprofile.TrueColor, background: light})
		s.waitFor("sshblog · 4 posts")
		if !s.waitColour(lightAccent, 5*time.Second) {
			t.Fatalf("light terminal: name drawn in %v", nameColour(s))
		}
	})

	t.Run("no answer", func(t *testing.T) {
		start := time.Now()
		s := startSessionWith(t, opts(), terminalConfig{profile: colorprofile.TrueColor, background: light, silent: true})
		s.waitFor("sshblog · 4 posts")
		if !s.waitColour(darkAccent, backgroundTimeout) {
			t.Fatalf("silent terminal: name drawn in %v, want dark", nameColour(s))
		}
		// Once the timeout has passed, an answer no longer changes it.
		time.Sleep(time.Until(start.Add(backgroundTimeout + 200*time.Millisecond)))
		s.prog.Send(tea.BackgroundColorMsg{Color: light})
		s.send("j") // something to draw after the answer
		time.Sleep(200 * time.Millisecond)
		if !sameColour(nameColour(s), darkAccent) {
			t.Fatalf("a late answer changed the theme: %v", nameColour(s))
		}
	})

	t.Run("late answer", func(t *testing.T) {
		s := startSessionWith(t, opts(), terminalConfig{profile: colorprofile.TrueColor, background: light, replyDelay: 3 * backgroundTimeout})
		s.waitFor("sshblog · 4 posts")
		time.Sleep(4 * backgroundTimeout)
		s.send("j")
		time.Sleep(100 * time.Millisecond)
		if !sameColour(nameColour(s), darkAccent) {
			t.Fatalf("an answer after %v changed the theme: %v", 3*backgroundTimeout, nameColour(s))
		}
	})
}

// T switches the colours the terminal shows: light, none, dark again.
func TestThemeColoursInTerminal(t *testing.T) {
	s := startSessionWith(t, Options{Width: 60, Height: 20}, terminalConfig{profile: colorprofile.TrueColor})
	s.waitFor("sshblog · 4 posts")
	if !s.waitColour(darkAccent, time.Second) {
		t.Fatalf("starts %v, want dark", nameColour(s))
	}
	s.send("T")
	if !s.waitColour(lightAccent, 5*time.Second) {
		t.Fatalf("after T: %v, want light", nameColour(s))
	}
	s.send("T")
	if !s.waitColour(nil, 5*time.Second) {
		t.Fatalf("after T T: %v, want no colour", nameColour(s))
	}
	if _, ok := s.poll(func(string) bool { return s.term.coloured() == 0 }); !ok {
		t.Fatalf("no-colour theme left %d coloured cells", s.term.coloured())
	}
	s.send("T")
	if !s.waitColour(darkAccent, 5*time.Second) {
		t.Fatalf("after T T T: %v, want dark", nameColour(s))
	}
}
