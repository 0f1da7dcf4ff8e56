package render

import (
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/content"
)

func TestHeadingLinesSeedPost(t *testing.T) {
	p := seedPost(t)
	o := p.Outline
	if len(o.Headings) < 5 {
		t.Fatalf("seed post headings: %+v", o.Headings)
	}
	r := New(Options{})
	for _, style := range []Style{Dark, Light, NoColor} {
		for _, width := range []int{MinWidth, 24, 30, 40, 57, 80, 100} {
			out, err := r.Render(p, width, style)
			if err != nil {
				t.Fatal(err)
			}
			plain := PlainLines(out)
			lines := HeadingLines(plain, o.Headings)
			last := -1
			for i, l := range lines {
				if l < 0 {
					t.Errorf("%s width %d: heading %q not found", style, width, o.Headings[i].Text)
					continue
				}
				if l <= last {
					t.Errorf("%s width %d: heading %q at line %d, before the previous one", style, width, o.Headings[i].Text, l)
				}
				last = l
				// The heading starts there (a "###" may stand alone on
				// its line in a narrow window).
				first := string([]rune(squash(o.Headings[i].Text))[:2])
				if !strings.HasPrefix(squash(strings.TrimLeft(strings.TrimSpace(strings.Join(plain[l:min(l+2, len(plain))], "")), "#")), first) {
					t.Errorf("%s width %d: line %d %q does not start heading %q", style, width, l, plain[l], o.Headings[i].Text)
				}
			}
		}
	}
}

// A paragraph line that happens to start like a later heading is not taken
// for it.
func TestHeadingLinesSkipsLookAlikes(t *testing.T) {
	plain := []string{"  Go", "", "  ## Go generics", "  text"}
	got := HeadingLines(plain, []content.Heading{{Level: 2, Text: "Go generics"}})
	if got[0] != 2 {
		t.Fatalf("heading found at line %d, want 2", got[0])
	}
}

// Glamour writes links as OSC 8 hyperlinks into the cached text; they take
// no columns, so measuring lines stays right.
func TestRenderedLinksAreHyperlinks(t *testing.T) {
	p := postOf(t, "See [the guide](https://example.com/guide) and <https://no-color.org>.\n")
	r := New(Options{})
	for _, style := range []Style{Dark, Light, NoColor} {
		out, err := r.Render(p, 40, style)
		if err != nil {
			t.Fatal(err)
		}
		osc8 := regexp.MustCompile(`\x1b\]8;[^;\x07\x1b]*;https://example\.com/guide(\x07|\x1b\\)`)
		if !osc8.MatchString(out) {
			t.Errorf("%s: no OSC 8 hyperlink to the guide in %q", style, out)
		}
		if !strings.Contains(out, "\x1b]8;;\x07") && !strings.Contains(out, "\x1b]8;;\x1b\\") {
			t.Errorf("%s: hyperlink never closed in %q", style, out)
		}
		for _, line := range strings.Split(out, "\n") {
			if ansi.StringWidth(line) != ansi.StringWidth(ansi.Strip(line)) {
				t.Errorf("%s: OSC 8 counted as columns in %q", style, line)
			}
			if ansi.StringWidth(line) > 40 {
				t.Errorf("%s: line wider than 40: %q", style, ansi.Strip(line))
			}
		}
	}
}
