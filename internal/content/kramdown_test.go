package content

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"

	"github.com/sshblog/sshblog/internal/sanitize"
)

// kdTree describes the blocks under n, to compare with what a reader
// should see: P paragraph, H1 heading, Q(…) block quote, L(item; item)
// list, T(h:a|b r:c|d) table, Code.
func kdTree(d *Doc, n ast.Node) string {
	var parts []string
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		parts = append(parts, kdBlock(d, c))
	}
	return strings.Join(parts, " ")
}

func kdBlock(d *Doc, n ast.Node) string {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		return "P"
	case *ast.Heading:
		return fmt.Sprintf("H%d", n.Level)
	case *ast.Blockquote:
		return "Q(" + kdTree(d, n) + ")"
	case *ast.List:
		// L(a; b L(c)): the items with their text
		var items []string
		for it := n.FirstChild(); it != nil; it = it.NextSibling() {
			var parts []string
			for c := it.FirstChild(); c != nil; c = c.NextSibling() {
				if c.Kind() == ast.KindParagraph || c.Kind() == ast.KindTextBlock {
					parts = append(parts, d.inlineText(c))
				} else {
					parts = append(parts, kdBlock(d, c))
				}
			}
			items = append(items, strings.Join(parts, " "))
		}
		return "L(" + strings.Join(items, "; ") + ")"
	case *extast.Table:
		var rows []string
		for r := n.FirstChild(); r != nil; r = r.NextSibling() {
			var cells []string
			for cell := r.FirstChild(); cell != nil; cell = cell.NextSibling() {
				cells = append(cells, d.inlineText(cell))
			}
			mark := "r:"
			if r.Kind() == extast.KindTableHeader {
				mark = "h:"
			}
			rows = append(rows, mark+strings.Join(cells, "|"))
		}
		return "T(" + strings.Join(rows, " ") + ")"
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		return "Code"
	}
	return n.Kind().String()
}

// kdLines is the plain text of d without its empty lines: the text is what
// these tests check, the spacing of blocks is the renderer's.
func kdLines(d *Doc) string {
	var lines []string
	for _, l := range strings.Split(d.PlainText(d.Root), "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// kdCheck checks what every parsed body must be, whatever it holds: no
// kramdown node left for the renderer to trip on, no node glamour cannot
// render, tables with a cell per column and an alignment per cell, and
// plain text without control characters.
func kdCheck(t *testing.T, d *Doc) {
	t.Helper()
	_ = ast.Walk(d.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case kindKramdownBlock, kindKramdownSpan, ast.KindString:
			t.Errorf("%s node left in the tree", n.Kind())
		case extast.KindTable:
			cols := len(n.(*extast.Table).Alignments)
			for r := n.FirstChild(); r != nil; r = r.NextSibling() {
				if r.ChildCount() != cols {
					t.Errorf("table row of %d cells, %d alignments", r.ChildCount(), cols)
				}
			}
		}
		return ast.WalkContinue, nil
	})
	if s := d.PlainText(d.Root); strings.IndexFunc(s, sanitize.IsControl) >= 0 {
		t.Errorf("control character in the plain text %q", s)
	}
}

type kdCase struct {
	name, in string
	hugo     bool
	text     string // the plain text
	tree     string // kdTree of the document
}

func runKramdownCases(t *testing.T, tests []kdCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := parseDoc(tt.in, tt.hugo)
			kdCheck(t, d)
			if got := kdLines(d); got != tt.text {
				t.Errorf("plain text\n got %q\nwant %q", got, tt.text)
			}
			if got := kdTree(d, d.Root); got != tt.tree {
				t.Errorf("blocks\n got %s\nwant %s", got, tt.tree)
			}
		})
	}
}

func TestKramdownAttributeLists(t *testing.T) {
	runKramdownCases(t, []kdCase{
		// the case: the attribute list stuck to an image goes
		{name: "after an image", in: "![a photo](image.jpg){:.circle.shadow}\n", text: "a photo", tree: "P"},
		{name: "spaced, after an image", in: "![a](image.jpg){: .circle .shadow} b\n", text: "a b", tree: "P"},
		{name: "after a link", in: "A [link](https://example.com){:target=\"_blank\"} here.\n", text: "A link here.", tree: "P"},
		{name: "after emphasis and code", in: "*x*{: .y} and **z**{:.w} and `c`{:.z}\n", text: "x and z and c", tree: "P"},
		{name: "in a table cell", in: "| ![a](b){:.x} |\n", text: "a", tree: "T(r:a)"},
		// kramdown leaves these as text
		{name: "after plain text", in: "word{:.w}\n", text: "word{:.w}", tree: "P"},
		{name: "at the start", in: "{:.x} then text\n", text: "{:.x} then text", tree: "P"},
		{name: "braces that are not kramdown", in: "a {:>10} b\n", text: "a {:>10} b", tree: "P"},
		{name: "a line starting with a brace", in: "{ \"a\": 1 }\n\n{not: this}\n\n{:}\n", text: "{ \"a\": 1 }\n{not: this}\n{:}", tree: "P P P"},
		{name: "unknown extension", in: "{::toc}\n", text: "{::toc}", tree: "P"},
		{name: "stray stop tag", in: "a\n{:/}\n", text: "a {:/}", tree: "P"},

		{name: "after a paragraph", in: "para\n{: .note}\n", text: "para", tree: "P"},
		{name: "ends a paragraph", in: "one\n{: .note #id}\ntwo\n", text: "one\ntwo", tree: "P P"},
		{name: "before a block quote", in: "{: .prompt-tip }\n> A tip.\n", text: "A tip.", tree: "Q(P)"},
		{name: "after a block quote", in: "> quote\n{: .x}\n", text: "quote", tree: "Q(P)"},
		{name: "after a heading", in: "# Title\n{:#intro}\ntext\n", text: "Title\ntext", tree: "H1 P"},
		{name: "in a list item", in: "- a\n  {: .x}\n- b\n", text: "a\nb", tree: "L(a; b)"},
		{name: "after a list", in: "- a\n- b\n{: .x}\n", text: "a\nb", tree: "L(a; b)"},
		{name: "indented", in: "para\n   {:.x}\n", text: "para", tree: "P"},
		{name: "escaped brace in a value", in: "p\n{: title=\"a \\} b\"}\n", text: "p", tree: "P"},
		{name: "definition", in: "{:ref: .note}\ntext\n", text: "text", tree: "P"},
		{name: "options", in: "{::options parse_block_html=\"true\" /}\ntext\n", text: "text", tree: "P"},
		{name: "comment", in: "a\n{::comment}\nhidden *x*\n\n# hidden\n{:/comment}\nshown\n", text: "a\nshown", tree: "P P"},
		{name: "comment closed by {:/}", in: "{::comment}\nhidden\n{:/}\nshown\n", text: "shown", tree: "P"},
		{name: "empty comment", in: "{::comment /}\nshown\n", text: "shown", tree: "P"},
		{name: "comment in a block quote", in: "> a\n> {::comment}\n> hidden\n> {:/comment}\n> b\n", text: "a\nb", tree: "Q(P P)"},
		{name: "unclosed comment is text", in: "a\n{::comment}\nnot closed\n", text: "a {::comment} not closed", tree: "P"},
		{name: "nomarkdown body is read", in: "{::nomarkdown}\n*raw*\n{:/nomarkdown}\nafter\n", text: "raw\nafter", tree: "P P"},

		{name: "heading id", in: "# Title {#intro}\n", text: "Title", tree: "H1"},
		{name: "code untouched",
			in:   "```\n{:.x}\n![a](b){:.y}\n```\n\n    {:.z}\n\n`{:.w}` and `x`{:.v}\n",
			text: "{:.x}\n![a](b){:.y}\n{:.z}\n{:.w} and x", tree: "Code Code P"},

		// Hugo reads no kramdown.
		{name: "hugo", in: "![a](b){:.x}\n{: .note}\n", hugo: true, text: "a{:.x} {: .note}", tree: "P"},
	})
}

func TestKramdownTOC(t *testing.T) {
	const headings = "\n\n# One\n## Two\n### Three\n## Four\n# Five\n"
	runKramdownCases(t, []kdCase{
		{name: "toc", in: "* TOC\n{:toc}" + headings,
			text: "One\nTwo\nThree\nFour\nFive\nOne\nTwo\nThree\nFour\nFive",
			tree: "L(One L(Two L(Three); Four); Five) H1 H2 H3 H2 H1"},
		{name: "ordered, spaced", in: "1. TOC\n{: toc}" + headings,
			text: "One\nTwo\nThree\nFour\nFive\nOne\nTwo\nThree\nFour\nFive",
			tree: "L(One L(Two L(Three); Four); Five) H1 H2 H3 H2 H1"},
		{name: "with a class", in: "- Contents\n{:toc .toc-list}\n\n## A\n", text: "A\nA", tree: "L(A) H2"},
		{name: "after the headings, skipping levels", in: "# A\n### B\n## C\n\n* TOC\n{:toc}\n",
			text: "A\nB\nC\nA\nB\nC", tree: "H1 H3 H2 L(A L(B; C))"},
		{name: "no_toc", in: "# Contents\n{: .no_toc}\n\n* TOC\n{:toc}\n\n## In\n## Out {.no_toc}\n## Also in\n",
			text: "Contents\nIn\nAlso in\nIn\nOut\nAlso in", tree: "H1 L(In; Also in) H2 H2 H2"},
		{name: "no_toc with other classes", in: "{:.a .no_toc}\n# Before\n# Kept\n\n* TOC\n{:toc}\n",
			text: "Before\nKept\nKept", tree: "H1 H1 L(Kept)"},
		{name: "headings with markup", in: "* TOC\n{:toc}\n\n## A *b* `c` [d](e) &amp; f\n",
			text: "A b c d & f\nA b c d & f", tree: "L(A b c d & f) H2"},
		{name: "no headings", in: "* TOC\n{:toc}\n\ntext\n", text: "text", tree: "P"},
		{name: "not after the list", in: "* TOC\n\n{:toc}\n# A\n", text: "TOC\nA", tree: "L(TOC) H1"},
		{name: "hugo", in: "* TOC\n{:toc}\n\n# A\n", hugo: true, text: "TOC {:toc}\nA", tree: "L(TOC {:toc}) H1"},
	})
}

func TestKramdownTables(t *testing.T) {
	runKramdownCases(t, []kdCase{
		// the separators: no rows of dashes or equals signs
		{name: "header and footer separators",
			in:   "| a | b |\n|---+---|\n| 1 | 2 |\n|===|\n| f | g |\n",
			text: "a | b\n1 | 2\nf | g", tree: "T(h:a|b r:1|2 r:f|g)"},
		{name: "no header separator", in: "| a | b |\n| c | d |\n", text: "a | b\nc | d", tree: "T(r:a|b r:c|d)"},
		{name: "body separators", in: "| h |\n|-\n| 1 |\n|---|\n| 2 |\n|---|\n| 3 |\n", text: "h\n1\n2\n3", tree: "T(h:h r:1 r:2 r:3)"},
		{name: "border lines", in: "|---+---|\n| a | b |\n|---+---|\n| 1 | 2 |\n|---+---|\n", text: "a | b\n1 | 2", tree: "T(h:a|b r:1|2)"},
		{name: "two header rows", in: "| a | b |\n| c | d |\n|---|---|\n| 1 | 2 |\n", text: "a | b\nc | d\n1 | 2", tree: "T(h:a|b r:c|d r:1|2)"},
		{name: "no trailing pipe", in: "| a | b\n|---|---\n| 1 | 2\n", text: "a | b\n1 | 2", tree: "T(h:a|b r:1|2)"},
		{name: "ragged rows", in: "| a |\n|---|\n| 1 | 2 | 3 |\n", text: "a |  | \n1 | 2 | 3", tree: "T(h:a|| r:1|2|3)"},
		{name: "empty cells", in: "| a || c |\n|-|-|-|\n| | 2 | |\n", text: "a |  | c\n | 2 |", tree: "T(h:a||c r:|2|)"},
		{name: "pipes in code and escaped", in: "| `a|b` | c \\| d | ``e`|`f`` |\n", text: "a|b | c | d | e`|`f", tree: "T(r:a|b|c | d|e`|`f)"},
		{name: "unclosed code span", in: "| `a | b |\n", text: "`a | b", tree: "T(r:`a|b)"},
		{name: "markup in cells", in: "| *x* | [l](u) |\n|---|---|\n| `c` | ![i](j) |\n", text: "x | l\nc | i", tree: "T(h:x|l r:c|i)"},
		{name: "in a block quote", in: "> | a | b |\n> |---+---|\n> | 1 | 2 |\n", text: "a | b\n1 | 2", tree: "Q(T(h:a|b r:1|2))"},
		{name: "in a list", in: "- x\n\n  | a |\n  |---|\n  | 1 |\n", text: "x\na\n1", tree: "L(x T(h:a r:1))"},
		{name: "attribute list after", in: "| a |\n|---|\n| 1 |\n{: .table}\n", text: "a\n1", tree: "T(h:a r:1)"},
		{name: "one row", in: "| a | b |\n", text: "a | b", tree: "T(r:a|b)"},
		// kramdown's table starts a block: after a line of text it is text
		{name: "after text", in: "text\n| a | b |\n|---+---|\n| 1 | 2 |\n", text: "text | a | b | |---+---| | 1 | 2 |", tree: "P"},
		{name: "separators only", in: "|---+---|\n", text: "|---+---|", tree: "P"},

		// GFM tables, for goldmark's transformer
		{name: "gfm header only", in: "| a | b |\n|---|---|\n", text: "a | b", tree: "T(h:a|b)"},
		{name: "gfm without pipes", in: "a | b\n--|--\n1 | 2\n", text: "a | b\n1 | 2", tree: "T(h:a|b r:1|2)"},
		{name: "gfm with pipes", in: "| a | b |\n|:--|--:|\n| 1 | 2 |\n", text: "a | b\n1 | 2", tree: "T(h:a|b r:1|2)"},
		{name: "hugo gfm", in: "| a | b |\n|---|---|\n| 1 | 2 |\n", hugo: true, text: "a | b\n1 | 2", tree: "T(h:a|b r:1|2)"},
		{name: "hugo reads no kramdown table", in: "| a | b |\n|---+---|\n| 1 | 2 |\n", hugo: true,
			text: "| a | b | |---+---| | 1 | 2 |", tree: "P"},
	})
}

func TestKramdownTableAlignment(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []extast.Alignment
	}{
		{"| a | b | c | d |\n|:--+:-:+--:+---|\n| 1 |\n", []extast.Alignment{extast.AlignLeft, extast.AlignCenter, extast.AlignRight, extast.AlignNone}},
		{"| a | b |\n|-\n| 1 | 2 |\n", []extast.Alignment{extast.AlignNone, extast.AlignNone}},
		{"| a |\n|:-:-:|---|\n| 1 |\n", []extast.Alignment{extast.AlignCenter}},
		{"| a | b |\n| 1 | 2 |\n", []extast.Alignment{extast.AlignNone, extast.AlignNone}},
	} {
		d := parseDoc(tt.in, false)
		table, ok := d.Root.FirstChild().(*extast.Table)
		if !ok {
			t.Errorf("%q: no table", tt.in)
			continue
		}
		if fmt.Sprint(table.Alignments) != fmt.Sprint(tt.want) {
			t.Errorf("%q: alignments %v, want %v", tt.in, table.Alignments, tt.want)
		}
	}
}

// The fixture of a Jekyll post with kramdown syntax reads as its author
// meant.
func TestKramdownFixture(t *testing.T) {
	in := "* TOC\n{:toc}\n\nA [link](https://example.com){:target=\"_blank\"} here.\n\n{: .prompt-tip }\n> A tip.\n"
	d := parseDoc(in, false)
	kdCheck(t, d)
	if got, want := d.PlainText(d.Root), "A link here.\nA tip."; got != want {
		t.Errorf("plain text %q, want %q", got, want)
	}
}

// kramdownInputs are malformed bodies that would cost quadratic time if a
// search or a scan started over for each of their parts.
func kramdownInputs(n int) map[string]string {
	return map[string]string{
		"unclosed comments":    strings.Repeat("{::comment}\n", n),
		"stop tags in text":    "{::comment}\n" + strings.Repeat("{:/", n),
		"stop tags after text": strings.Repeat("{::comment}\nx {:/comment}\n", n),
		"nomarkdown":           strings.Repeat("{::nomarkdown}\n", n) + "{:/}\n",
		"span lists":           strings.Repeat("`x`{:", n),
		"attribute lists":      strings.Repeat("{: .no_toc}\n\n# h\n", n) + "* TOC\n{:toc}\n",
		"tables of code":       "| " + strings.Repeat("`` ` ```", n) + "\n",
		"long table":           strings.Repeat("| a | `b` | c \\| d |\n|---+---|\n", n),
		"tocs":                 strings.Repeat("* TOC\n{:toc}\n", n/10) + strings.Repeat("# a\n", n/10),
	}
}

func BenchmarkKramdown(b *testing.B) {
	for name, body := range kramdownInputs(20_000) {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				parseDoc(body, false)
			}
		})
	}
}

// FuzzKramdown parses arbitrary bodies as a Jekyll post (and a Hugo one):
// no panic, and the tree holds what the renderer can show and nothing
// that would drive a terminal.
//
//	go test -run XXX -fuzz FuzzKramdown -fuzztime 60s ./internal/content/
func FuzzKramdown(f *testing.F) {
	for _, s := range []string{
		"![a](image.jpg){:.circle.shadow}\n", "para\n{: .note}\n", "{:ref: .x}\n{::options a=\"b\" /}\n",
		"{::comment}\nx\n{:/comment}\n", "{::nomarkdown}\n<b>x</b>\n{:/}\n", "{::comment}\n> {:/}\n",
		"* TOC\n{:toc}\n\n# a\n{:.no_toc}\n## b \x1b[31m\n", "| a | b |\n|---+---|\n| 1 | 2 |\n|===|\n| f |\n",
		"| `a|b` | \\| |\n|:-+-:|\n", "|\n|-\n|", "> | a\n> |=\n", "{: title=\"\\}\"}\n", "*x*{:a}**y**{:b}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, hugo := range []bool{false, true} {
			kdCheck(t, parseDoc(s, hugo))
		}
	})
}
