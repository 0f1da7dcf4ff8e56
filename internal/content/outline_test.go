package content

import (
	"strings"
	"testing"
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
	o := parseDoc(md, false).outline()

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
		{2, "한글 제목 1~9장"}, // the tildes survive the strikethrough extension
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
	o := parseDoc("[a\u009b31mb](https://example.com/x\u0007y) [&#x1b;[2J](https://e.com)\n\n## x&#7;y\n", false).outline()
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
