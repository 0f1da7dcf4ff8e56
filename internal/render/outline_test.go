package render

import (
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/content"
)

func TestParseOutline(t *testing.T) {
	md := strings.Join([]string{
		"# Title with `code` and *emphasis*",
		"",
		"Read [the *guide*](https://example.com/guide) and <https://no-color.org>,",
		"or mail <someone@example.com>. A bare URL too: https://go.dev/doc.",
		"The [same guide](https://example.com/guide) again, an [anchor](#top),",
		"and ![a diagram](https://example.com/d.png).",
		"",
		"## 한글 제목 1~9장",
		"",
		"```",
		"# not a heading",
		"[not a link](https://example.com/code)",
		"```",
		"",
		"### AT&amp;T\tand tabs",
	}, "\n")
	o := ParseOutline(md)

	wantLinks := []Link{
		{Text: "the guide", URL: "https://example.com/guide"},
		{Text: "https://no-color.org", URL: "https://no-color.org"},
		{Text: "someone@example.com", URL: "mailto:someone@example.com"},
		{Text: "https://go.dev/doc", URL: "https://go.dev/doc"},
		{Text: "a diagram", URL: "https://example.com/d.png", Image: true},
	}
	if len(o.Links) != len(wantLinks) {
		t.Fatalf("links: %+v, want %+v", o.Links, wantLinks)
	}
	for i, want := range wantLinks {
		if o.Links[i] != want {
			t.Errorf("link %d: %+v, want %+v", i, o.Links[i], want)
		}
	}

	wantHeadings := []Heading{
		{1, "Title with code and emphasis"},
		{2, "한글 제목 1~9장"}, // the tildes survive escapeSingleTildes
		{3, "AT&T and tabs"},
	}
	if len(o.Headings) != len(wantHeadings) {
		t.Fatalf("headings: %+v, want %+v", o.Headings, wantHeadings)
	}
	for i, want := range wantHeadings {
		if o.Headings[i] != want {
			t.Errorf("heading %d: %+v, want %+v", i, o.Headings[i], want)
		}
	}
}

// Link texts and URLs are one clean line each: nothing in a post can put a
// control character on the reader's screen through them.
func TestParseOutlineIsClean(t *testing.T) {
	o := ParseOutline("[a\u009b31mb](https://example.com/x\u0007y) [&#x1b;[2J](https://e.com)\n\n## x&#7;y\n")
	for _, l := range o.Links {
		if strings.ContainsFunc(l.Text+l.URL, func(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) }) {
			t.Errorf("control character in link %+v", l)
		}
	}
	for _, h := range o.Headings {
		if strings.ContainsFunc(h.Text, func(r rune) bool { return r < 0x20 || (r >= 0x7f && r < 0xa0) }) {
			t.Errorf("control character in heading %q", h.Text)
		}
	}
}

// Every heading of the Korean seed post is found in its rendered text, in
// every style and at widths from the narrowest on, where long headings wrap.
func TestHeadingLinesSeedPost(t *testing.T) {
	p := seedPost(t)
	o := ParseOutline(p.Body)
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
	got := HeadingLines(plain, []Heading{{2, "Go generics"}})
	if got[0] != 2 {
		t.Fatalf("heading found at line %d, want 2", got[0])
	}
}

// Glamour writes links as OSC 8 hyperlinks into the cached text; they take
// no columns, so measuring lines stays right.
func TestRenderedLinksAreHyperlinks(t *testing.T) {
	p := &content.Post{Slug: "links", Path: "links.md", Body: "See [the guide](https://example.com/guide) and <https://no-color.org>.\n"}
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

func TestOutlineCached(t *testing.T) {
	p := seedPost(t)
	r := New(Options{})
	if _, ok := r.CachedOutline(p); ok {
		t.Fatal("outline cached before it was asked for")
	}
	var wg sync.WaitGroup
	got := make([]*Outline, 8)
	for i := range got {
		wg.Go(func() { got[i] = r.Outline(p) })
	}
	wg.Wait()
	o, ok := r.CachedOutline(p)
	if !ok {
		t.Fatal("outline not cached")
	}
	for _, g := range got {
		if g != o {
			t.Fatal("sessions got different outlines for one post")
		}
	}
	changed := *p
	changed.Body += "\n## Another heading\n"
	if _, ok := r.CachedOutline(&changed); ok {
		t.Fatal("an edited post hit the old outline")
	}
	if n := len(r.Outline(&changed).Headings); n != len(o.Headings)+1 {
		t.Fatalf("edited post: %d headings, want %d", n, len(o.Headings)+1)
	}
}
