package content

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
)

func TestPlainInline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"**Bold** and *em* and __strong__ and _em_", "Bold and em and strong and em"},
		{"***both***", "both"},
		{"snake_case_name and file_name.go", "snake_case_name and file_name.go"},
		{"2 * 3 * 4 and C++ * pointers", "2 * 3 * 4 and C++ * pointers"},
		{"a*b*c", "abc"},
		{"~~gone~~ and ~5 min", "gone and ~5 min"},
		{"`code` and `` a`b ``", "code and a`b"},
		{"[link](https://x) and ![alt](i.png)", "link and alt"},
		{"[Go] tips and [ref][1]", "[Go] tips and [ref][1]"}, // no definition: text, as Markdown reads it
		{"[*nested* link](x)", "nested link"},
		{`\*literal\* and a \ b`, `*literal* and a \ b`},
		{"Tom &amp; Jerry&nbsp;&mdash; &lt;b&gt;", "Tom & Jerry — <b>"},
		{"`&amp;` in code", "&amp; in code"},
		{"<em>HTML</em> <br> tags and Vec<T>", "HTML tags and Vec<T>"},
		{"<https://x.y>", "https://x.y"},
		{"{{ site.title }} news {% if x %}", "{{ site.title }} news {% if x %}"}, // Jekyll runs no Liquid in front matter
		{"&#27;[31mred", "red"},
		{"  spaced\n\tout  ", "spaced out"},
		{"*unclosed and **also", "*unclosed and **also"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := plainInline(tt.in); got != tt.want {
			t.Errorf("plainInline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLeadingHeading(t *testing.T) {
	tests := []struct{ in, title, rest string }{
		{"# Title\n\ntext\n", "Title", "text"},
		{"\n\n# Title #\ntext\n", "Title", "text"},
		{"# The *best* `code` [link](x)\n", "The best code link", ""},
		{"Title\n=====\n\ntext\n", "Title", "text"},
		{"## Not h1\n", "", "Not h1"},
		{"text\n\n# Later\n", "", "text\nLater"},
		{"#hashtag\n", "", "#hashtag"},
		{"    # indented code\n", "", "# indented code"},
		{"- item\n===\n", "", "item ==="},
	}
	for _, tt := range tests {
		d := parseDoc(tt.in, false)
		title, node, ok := d.leadingHeading()
		if ok {
			d.Root.RemoveChild(d.Root, node)
		}
		rest := d.PlainText(d.Root)
		if title != tt.title || rest != tt.rest {
			t.Errorf("leadingHeading(%q) = %q, rest %q; want %q, %q", tt.in, title, rest, tt.title, tt.rest)
		}
	}
}

func TestFirstParagraph(t *testing.T) {
	tests := []struct{ in, want string }{
		{"# Heading\n\n![img](x.png)\n\nThe *first*\nparagraph.\n\nSecond.\n", "The first paragraph."},
		{"```\ncode\n```\n\n    indented\n\nText.\n", "Text."},
		{"Heading\n-------\n\nText.\n", "Text."},
		{"a | b\n--- | ---\n1 | 2\n\nText.\n", "Text."},
		{"[1]: https://x\n\nText.\n", "Text."},
		{"- only a list\n- of items\n", "only a list"},
		{"> quoted\n", "quoted"},
		{"Hard\\\nbreak.\n", "Hard break."},
		{strings.Repeat("word ", 50), strings.TrimSpace(strings.Repeat("word ", 32)) + "…"},
		{strings.Repeat("가", 200), strings.Repeat("가", 159) + "…"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := parseDoc(tt.in, false).description(descriptionRunes); got != tt.want {
			t.Errorf("description(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Lists and quotes nest at most maxNesting deep; the markers past that are
// text, so a hostile line cannot make the parse quadratic.
func TestNestingIsBounded(t *testing.T) {
	for _, marker := range []string{"- ", "> ", "* ", "1. "} {
		d := parseDoc(strings.Repeat(marker, 5000)+"x\n", false)
		depth := 0
		for n := ast.Node(d.Root); n.FirstChild() != nil; n = n.FirstChild() {
			if n.Kind() == ast.KindList || n.Kind() == ast.KindBlockquote {
				depth++
			}
		}
		if depth == 0 || depth > maxNesting {
			t.Errorf("%q: nested %d deep, want 1 to %d", marker, depth, maxNesting)
		}
		if !strings.HasSuffix(d.PlainText(d.Root), "x") {
			t.Errorf("%q: the text is lost", marker)
		}
	}
}

// Bare addresses and URLs are links, however long the line they are on.
func TestLinkifyOnLongLines(t *testing.T) {
	pad := strings.Repeat("a*b ", 200)
	d := parseDoc(pad+"mail me@example.com or see https://example.com/"+strings.Repeat("x", 400)+" "+pad+"\n", false)
	var got []string
	for _, l := range d.outline().Links {
		got = append(got, l.URL)
	}
	want := []string{"mailto:me@example.com", "https://example.com/" + strings.Repeat("x", 400)}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("links %q, want %q", got, want)
	}
}

// A paragraph past maxParagraphLines goes on as another: no line is lost.
func TestLongParagraphKeepsEveryLine(t *testing.T) {
	var lines []string
	for i := range maxParagraphLines*2 + 7 {
		lines = append(lines, fmt.Sprintf("w%d [a]", i))
	}
	d := parseDoc(strings.Join(lines, "\n")+"\n\n[a]: https://example.com/a\n", false)
	words := strings.Fields(d.PlainText(d.Root))
	if len(words) != 2*len(lines) || words[len(words)-2] != fmt.Sprintf("w%d", len(lines)-1) {
		t.Errorf("%d words, last %q; want %d", len(words), words[len(words)-2:], 2*len(lines))
	}
	paragraphs := 0
	for c := d.Root.FirstChild(); c != nil; c = c.NextSibling() {
		if c.Kind() == ast.KindParagraph {
			paragraphs++
		}
	}
	if paragraphs != 3 {
		t.Errorf("%d paragraphs, want 3", paragraphs)
	}
	if links := d.outline().Links; len(links) != 1 {
		t.Errorf("links %v, want the one reference", links)
	}
}

// A bare sshblog:SLUG (a post_url outside link syntax) is a link; inside
// link syntax it is the link's destination, as written.
func TestPostLinks(t *testing.T) {
	tests := []struct{ in, want string }{
		{"See sshblog:word2vec.", "sshblog:word2vec"},
		{"See sshblog:2017-03-30-word2vec, then", "sshblog:2017-03-30-word2vec"},
		{"[the post](sshblog:한글-제목)", "sshblog:한글-제목"},
		{"<sshblog:x>", "sshblog:x"},
		{"sshblog:x starts the line", "sshblog:x"},
		{"mysshblog:x", ""},
		{"sshblog: alone", ""},
	}
	for _, tt := range tests {
		d := parseDoc(tt.in, false)
		o := d.outline()
		got := ""
		if len(o.Links) > 0 {
			got = o.Links[0].URL
		}
		if got != tt.want {
			t.Errorf("%q: link %q, want %q", tt.in, got, tt.want)
		}
	}
}
