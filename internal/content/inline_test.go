package content

import (
	"strings"
	"testing"

	"github.com/sshblog/sshblog/internal/sanitize"
)

// Numeric character references to control characters would come back as
// escape sequences once a Markdown renderer decodes them.
func TestControlReferences(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a &#27;[31mred&#x1B;[0m b", "a red b"},
		{"&#x9b;31mx &#155;1m", "x "},
		{"&#x9d;8;;http://x&#7;link\nnext", "\nnext"},
		{"&#0000027;[2J&#13;&#127;", ""},
		{"keep &#10; &#9; &#65; &amp; &#x263A; &#", "keep &#10; &#9; &#65; &amp; &#x263A; &#"},
		{"&#99999999999999999999;", "&#99999999999999999999;"},
	}
	for _, tt := range tests {
		if got := sanitize.DropControlRefs(tt.in); got != tt.want {
			t.Errorf("sanitize.DropControlRefs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

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
		{"[Go] tips and [ref][1]", "[Go] tips and ref"},
		{"[*nested* link](x)", "nested link"},
		{`\*literal\* and a \ b`, `*literal* and a \ b`},
		{"Tom &amp; Jerry&nbsp;&mdash; &lt;b&gt;", "Tom & Jerry — <b>"},
		{"`&amp;` in code", "&amp; in code"},
		{"<em>HTML</em> <br> tags and Vec<T>", "HTML tags and Vec<T>"},
		{"<https://x.y>", "https://x.y"},
		{"{{ site.title }} news {% if x %}", "news"},
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
		{"# Title\n\ntext\n", "Title", "\ntext\n"},
		{"\n\n# Title #\ntext\n", "Title", "text\n"},
		{"# The *best* `code` [link](x)\n", "The best code link", ""},
		{"Title\n=====\n\ntext\n", "Title", "\ntext\n"},
		{"## Not h1\n", "", "## Not h1\n"},
		{"text\n\n# Later\n", "", "text\n\n# Later\n"},
		{"#hashtag\n", "", "#hashtag\n"},
		{"    # indented code\n", "", "    # indented code\n"},
		{"- item\n===\n", "", "- item\n===\n"},
	}
	for _, tt := range tests {
		title, rest, ok := leadingHeading(tt.in)
		if !ok {
			title, rest = "", tt.in
		}
		if title != tt.title || rest != tt.rest {
			t.Errorf("leadingHeading(%q) = %q, %q; want %q, %q", tt.in, title, rest, tt.title, tt.rest)
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
		if got := firstParagraph(tt.in, descriptionRunes); got != tt.want {
			t.Errorf("firstParagraph(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"my-first_post", "my-first_post"},
		{"Hello, World!", "hello-world"},
		{"  spaced  out  ", "spaced-out"},
		{"한글 제목", "한글-제목"},
		{"हिन्दी", "हिन्दी"},        // combining marks stay
		{"\u1112\u1161\u11ab", "한"}, // NFD (macOS file names) becomes NFC
		{"C++ & Go", "c-go"},
		{"!!!", ""},
	}
	for _, tt := range tests {
		if got := slugify(tt.in); got != tt.want {
			t.Errorf("slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
