package content

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"testing"

	"charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"

	"github.com/sshblog/sshblog/internal/sanitize"
)

// htmlCase is a body, how a reader should read it (the Doc's PlainText),
// and, where the kind of node matters, a check of the tree.
type htmlCase struct {
	name  string
	body  string
	hugo  bool
	want  string
	check func(t *testing.T, d *Doc)
}

var htmlCases = []htmlCase{
	// The cases of issue 14.
	{name: "div with a link in a list item", body: "- item\n  <div><a href=\"https://example.com\">in list</a></div>\n",
		want: "item\nin list", check: func(t *testing.T, d *Doc) {
			l := onlyNode[*ast.Link](t, d)
			if string(l.Destination) != "https://example.com" || !hasAncestor(l, ast.KindListItem) {
				t.Errorf("link to %q, in a list item: %v", l.Destination, hasAncestor(l, ast.KindListItem))
			}
		}},
	{name: "div with a link in a list item, Hugo", hugo: true, body: "- item\n  <div><a href=\"https://example.com\">in list</a></div>\n",
		want: "item\nin list", check: func(t *testing.T, d *Doc) {
			if l := onlyNode[*ast.Link](t, d); !hasAncestor(l, ast.KindListItem) {
				t.Error("the link left the list item")
			}
		}},
	{name: "code in a list item is untouched", body: "1. a\n\n       <b>x</b>\n",
		want: "a\n<b>x</b>", check: func(t *testing.T, d *Doc) {
			cb := onlyNode[*ast.CodeBlock](t, d)
			if got := codeText(d, cb); got != "<b>x</b>\n" {
				t.Errorf("code %q", got)
			}
			noNode[*ast.Emphasis](t, d)
		}},
	{name: "table with blank lines between its cells", body: "<table>\n  <tr>\n\n    <th>Name</th>\n\n    <th>Value</th>\n  </tr>\n  <tr>\n\n    <td>a</td>\n\n    <td>1</td>\n\n  </tr>\n</table>\n\nAfter.\n",
		want: "Name | Value\na | 1\n\nAfter.", check: func(t *testing.T, d *Doc) {
			tbl := onlyNode[*east.Table](t, d)
			if got := cellTexts(d, tbl); got != "Name,Value;a,1" {
				t.Errorf("cells %s", got)
			}
			noNode[*ast.CodeBlock](t, d)
		}},
	{name: "table with blank lines, Hugo", hugo: true, body: "<table>\n<tr>\n\n<td>a</td>\n\n<td>1</td>\n\n</tr>\n</table>\n",
		// goldmark ends each block at a blank line; the cells' tags still go.
		want: "a\n1"},
	{name: "post of p, ul and br", body: "<p>First line<br>\nsecond line</p>\n<ul>\n  <li>one</li>\n  <li>two <b>bold</b></li>\n</ul>\n<p>After<br/>the list.</p>\n",
		want: "First line\nsecond line\none\n\ntwo bold\n\n\nAfter\nthe list.", check: func(t *testing.T, d *Doc) {
			if n := len(nodesOf[*ast.ListItem](d)); n != 2 {
				t.Errorf("%d list items", n)
			}
			breaks := 0
			for _, t := range nodesOf[*ast.Text](d) {
				if t.HardLineBreak() {
					breaks++
				}
			}
			if breaks != 2 {
				t.Errorf("%d hard line breaks, want 2", breaks)
			}
		}},
	{name: "kbd", body: "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>.\n", want: "Press Ctrl+C.",
		check: func(t *testing.T, d *Doc) {
			if n := len(nodesOf[*ast.CodeSpan](d)); n != 2 {
				t.Errorf("%d code spans", n)
			}
		}},
	{name: "inline link", body: "<a href=\"u\">x</a>\n", want: "x", check: func(t *testing.T, d *Doc) {
		if l := onlyNode[*ast.Link](t, d); string(l.Destination) != "u" {
			t.Errorf("destination %q", l.Destination)
		}
	}},
	{name: "comment and script leave nothing", body: "<!-- c -->\n\n<script>x</script>\n\nx<!-- c -->y<script>z</script>w\n", want: "xyw"},
	{name: "entity in an HTML block", body: "<p>&amp;lt; &lt;b&gt;</p>\n", want: "&lt; <b>"},
	{name: "entity in inline HTML", body: "<b>&amp;lt;</b> <code>&amp;lt;</code>\n", want: "&lt; &lt;"},
	{name: "entity in pre", body: "<pre>&amp;lt;</pre>\n", want: "&lt;"},

	// Blocks.
	{name: "headings and quotes", body: "<h2 id=\"x\">Two <code>c</code></h2>\n<blockquote><p>q</p>and <a href=\"l\">l</a></blockquote>\n",
		want: "Two c\nq\nand l", check: func(t *testing.T, d *Doc) {
			if h := onlyNode[*ast.Heading](t, d); h.Level != 2 {
				t.Errorf("level %d", h.Level)
			}
			if l := onlyNode[*ast.Link](t, d); !hasAncestor(l, ast.KindBlockquote) {
				t.Error("the link left the quote")
			}
			onlyNode[*ast.CodeSpan](t, d)
		}},
	{name: "text in a div is a paragraph", body: "<div>\n  one\n  <span>two</span>\n  <p>three</p>\n  four <hr> five\n</div>\n",
		want: "one two\nthree\nfour\n\nfive", check: func(t *testing.T, d *Doc) {
			if n := len(nodesOf[*ast.Paragraph](d)); n != 4 {
				t.Errorf("%d paragraphs", n)
			}
			onlyNode[*ast.ThematicBreak](t, d)
		}},
	{name: "a span flows with the text", body: "<div>a <span>b</span> c<br>d</div>\n", want: "a b c\nd",
		check: func(t *testing.T, d *Doc) { onlyNode[*ast.Paragraph](t, d) }},
	{name: "two br are an empty line", body: "<p>a<br><br>b <br></p>\n", want: "a\n\nb"},
	{name: "white space collapses, no-break spaces stay", body: "<p>\n  a \t  b&nbsp;&nbsp;c\n  <b> d </b> e\n</p>\n", want: "a b\u00a0\u00a0c d e"},
	{name: "ordered list", body: "<ol start=\"3\"><li><p>a</p><ul><li>n</li></ul></li><li>b</li></ol>\n",
		want: "a\nn\n\n\n\nb", check: func(t *testing.T, d *Doc) {
			ls := nodesOf[*ast.List](d)
			if len(ls) != 2 || !ls[0].IsOrdered() || ls[0].Start != 3 || ls[0].IsTight || ls[1].IsOrdered() || !ls[1].IsTight {
				t.Errorf("lists %+v", ls)
			}
		}},
	{name: "item mixing text and blocks", body: "<ul><li>text<ul><li>inner</li></ul>more</li></ul>\n",
		want: "text\ninner\n\n\nmore", check: func(t *testing.T, d *Doc) {
			item := nodesOf[*ast.ListItem](d)[0]
			var kinds []string
			for c := item.FirstChild(); c != nil; c = c.NextSibling() {
				kinds = append(kinds, c.Kind().String())
			}
			if got := strings.Join(kinds, ","); got != "TextBlock,List,TextBlock" {
				t.Errorf("item holds %s", got)
			}
		}},
	{name: "table header, alignment, ragged rows, caption", body: "<table><caption>Cap</caption><thead><tr><th>a</th><th style=\"text-align: right\">b</th></tr></thead>" +
		"<tbody><tr><td>1</td></tr><tr><td align=center>2</td><td>3</td><td>4</td></tr></tbody></table>\n",
		want: "Cap\na | b | \n1 |  | \n2 | 3 | 4", check: func(t *testing.T, d *Doc) {
			tbl := onlyNode[*east.Table](t, d)
			if got := fmt.Sprint(tbl.Alignments); got != fmt.Sprint([]east.Alignment{east.AlignNone, east.AlignRight, east.AlignNone}) {
				t.Errorf("alignments %v", got)
			}
			if got := cellTexts(d, tbl); got != "a,b,;1,,;2,3,4" {
				t.Errorf("cells %s", got)
			}
		}},
	{name: "table without th", body: "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td><p>d</p><p>e</p></td></tr></table>\n",
		want: "a | b\nc | d e", check: func(t *testing.T, d *Doc) {
			onlyNode[*east.TableHeader](t, d)
		}},
	{name: "cells past the widest row fold into the last", body: "<table><tr>" + strings.Repeat("<td>c</td>", maxColumns+2) + "</tr></table>\n",
		want: strings.Repeat("c | ", maxColumns-1) + "c c c", check: func(t *testing.T, d *Doc) {
			if n := onlyNode[*east.TableHeader](t, d).ChildCount(); n != maxColumns {
				t.Errorf("%d columns", n)
			}
		}},
	// 164 cells written pad two rows of 63 cells.
	{name: "padding is bounded by the cells written", body: "<table><tr>" + strings.Repeat("<th>h</th>", maxColumns) + "</tr>" + strings.Repeat("<tr><td>x</td></tr>", 100) + "</table>\n",
		want: strings.Repeat("h | ", maxColumns-1) + "h\n" + strings.Repeat("x | "+strings.Repeat(" | ", maxColumns-2)+"\n", 2) + strings.Repeat("x\n", 97) + "x",
		check: func(t *testing.T, d *Doc) {
			if n := len(nodesOf[*east.TableCell](d)); n > 2*(maxColumns+100) {
				t.Errorf("%d cells for %d written", n, maxColumns+100)
			}
		}},
	{name: "kramdown's highlighted code", body: "<div class=\"language-ruby highlighter-rouge\"><div class=\"highlight\"><pre class=\"highlight\"><code><span class=\"k\">def</span> x\n\n  1 &lt; 2\nend\n</code></pre></div></div>\n",
		want: "def x\n\n  1 < 2\nend", check: func(t *testing.T, d *Doc) {
			cb := onlyNode[*ast.FencedCodeBlock](t, d)
			if lang := string(cb.Language(d.Source)); lang != "ruby" {
				t.Errorf("language %q", lang)
			}
			if cb.Lines().Len() != 4 {
				t.Errorf("%d lines", cb.Lines().Len())
			}
		}},
	{name: "code class", body: "<pre><code class=\"language-go\">x := 1</code></pre>\n", want: "x := 1",
		check: func(t *testing.T, d *Doc) {
			if lang := string(onlyNode[*ast.FencedCodeBlock](t, d).Language(d.Source)); lang != "go" {
				t.Errorf("language %q", lang)
			}
		}},
	{name: "definition list", body: "<dl><dt>Term</dt><dd>its <b>meaning</b></dd><dd><p>p1</p><p>p2</p></dd></dl>\n",
		want: "Term\nits meaning\n\np1\np2", check: func(t *testing.T, d *Doc) {
			onlyNode[*east.DefinitionList](t, d)
			onlyNode[*east.DefinitionTerm](t, d)
			if n := len(nodesOf[*east.DefinitionDescription](d)); n != 2 {
				t.Errorf("%d descriptions", n)
			}
		}},
	{name: "images and figures", body: "<figure><img src=\"a.png\" alt=\"An  image\"><figcaption>Caption</figcaption></figure>\n\n<img src=\"javascript:x\" alt=\"no link\">\n",
		want: "An image\nCaption\nno link", check: func(t *testing.T, d *Doc) {
			if img := onlyNode[*ast.Image](t, d); string(img.Destination) != "a.png" {
				t.Errorf("image of %q", img.Destination)
			}
		}},
	{name: "embedded media are links", body: "<iframe src=\"https://v.example/1\" title=\"A talk\">fallback</iframe>\n\n<video controls><source src=\"v.mp4\">No video.</video>\n\n<audio></audio>\n",
		want: "A talk\nv.mp4", check: func(t *testing.T, d *Doc) {
			ls := nodesOf[*ast.Link](d)
			if len(ls) != 2 || string(ls[0].Destination) != "https://v.example/1" || string(ls[1].Destination) != "v.mp4" {
				t.Errorf("links %v", ls)
			}
		}},
	{name: "dropped elements", body: "<div><style>p{}</style><template>t</template><svg><text>s</text></svg>kept<noscript>no script</noscript></div>\n",
		want: "kept\nno script"},
	{name: "unknown elements are transparent", body: "<div><my-card><p>in</p> out <font>f</font></my-card></div>\n", want: "in\nout f"},
	{name: "strikethrough and emphasis", body: "<p><del>d</del> <s>s</s> <strike>k</strike> <em>e</em> <i>i</i> <strong>g</strong> <b>b</b></p>\n",
		want: "d s k e i g b", check: func(t *testing.T, d *Doc) {
			if n := len(nodesOf[*east.Strikethrough](d)); n != 3 {
				t.Errorf("%d strikethroughs", n)
			}
			levels := ""
			for _, e := range nodesOf[*ast.Emphasis](d) {
				levels += fmt.Sprint(e.Level)
			}
			if levels != "1122" {
				t.Errorf("emphasis levels %s", levels)
			}
		}},
	{name: "too deep for the parser", body: strings.Repeat("<div>", 600) + "deep" + strings.Repeat("</div>", 600) + "\n", want: "deep"},
	{name: "deep nesting is flattened", body: strings.Repeat("<span><b>", 100) + "deep <i>x</i>" + strings.Repeat("</b></span>", 100) + "\n", want: "deep x",
		check: func(t *testing.T, d *Doc) {
			if n := len(nodesOf[*ast.Emphasis](d)); n > maxHTMLDepth {
				t.Errorf("%d nested emphases", n)
			}
		}},

	// kramdown's blocks and goldmark's.
	{name: "kramdown: a block runs across blank lines", body: "<div>\n*a*\n\n*b*\n</div>\n\n*c*\n",
		want: "*a* *b*\nc", check: func(t *testing.T, d *Doc) {
			onlyNode[*ast.Emphasis](t, d)
		}},
	{name: "Hugo: goldmark's blocks end at a blank line", hugo: true, body: "<div>\n*a*\n\n*b*\n</div>\n\n*c*\n",
		want: "*a*\nb\nc", check: func(t *testing.T, d *Doc) {
			if n := len(nodesOf[*ast.Emphasis](d)); n != 2 {
				t.Errorf("%d emphases", n)
			}
		}},
	{name: "kramdown: nested divs balance", body: "<div>\n<div>\n\nin\n</div>\n\nstill in\n</div>\n\n*out*\n",
		want: "in\nstill in\nout", check: func(t *testing.T, d *Doc) {
			onlyNode[*ast.Emphasis](t, d)
		}},
	{name: "kramdown: markdown=1 reads Markdown", body: "<div markdown=\"1\">\n\n*md*\n\n</div>\n", want: "md",
		check: func(t *testing.T, d *Doc) {
			onlyNode[*ast.Emphasis](t, d)
		}},
	{name: "kramdown: an unclosed block runs to the end", body: "<div>\na\n\n*b*\n", want: "a *b*"},
	{name: "kramdown: a span at the start of a line is inline", body: "<span>a</span> *b*\n", want: "a b",
		check: func(t *testing.T, d *Doc) {
			onlyNode[*ast.Emphasis](t, d)
		}},
	{name: "kramdown: text after the close tag", body: "<p>a</p> b\n*c*\n", want: "a\nb\nc"},
	{name: "kramdown: a block in a quote ends with it", body: "> <div>\n> a\n>\n> b\n\n*c*\n", want: "a b\n\nc",
		check: func(t *testing.T, d *Doc) {
			if e := onlyNode[*ast.Emphasis](t, d); hasAncestor(e, ast.KindBlockquote) {
				t.Error("the quote ran on")
			}
		}},
	{name: "kramdown: indented is code", body: "    <div>\n\n    </div>\n", want: "<div>\n\n</div>"},

	// Inline HTML.
	{name: "inline tags pair among siblings", body: "a <b>x\ny</b> <i>i <a href=\"h\" title=\"t\">l</a></i> <s>s</s>\n",
		want: "a x y i l s", check: func(t *testing.T, d *Doc) {
			l := onlyNode[*ast.Link](t, d)
			if string(l.Title) != "t" || !hasAncestor(l, ast.KindEmphasis) {
				t.Errorf("link %q in emphasis: %v", l.Title, hasAncestor(l, ast.KindEmphasis))
			}
			onlyNode[*east.Strikethrough](t, d)
		}},
	{name: "inline: unclosed tags close at the end of their parent", body: "*a <b>b* c <a href=\"x\">d\n", want: "a b c d",
		check: func(t *testing.T, d *Doc) {
			if e := nodesOf[*ast.Emphasis](d); len(e) != 2 || e[1].Level != 2 || e[1].Parent() != e[0] {
				t.Errorf("emphases %v", e)
			}
			if l := onlyNode[*ast.Link](t, d); l.Parent().Kind() != ast.KindParagraph {
				t.Errorf("link in %v", l.Parent().Kind())
			}
		}},
	{name: "inline: stray end tags and unknown tags go, text stays", body: "a</b> <span class=\"x\">b</span> <u>c</u> <sup>1</sup>\n", want: "a b c 1"},
	{name: "inline: code of more than text keeps its text", body: "<code>a *b*</code> <code>c\nd</code>\n", want: "a b c d",
		check: func(t *testing.T, d *Doc) {
			if cs := onlyNode[*ast.CodeSpan](t, d); d.inlineText(cs) != "c d" {
				t.Errorf("code %q", d.inlineText(cs))
			}
		}},
	{name: "inline: br", body: "a<br>b <br/>\nc\n\n| x<br>y | z |\n|---|---|\n", want: "a\nb \nc\nx\ny | z"},
	{name: "inline: img", body: "an <img src=\"i.png\" alt=\"icon\"> here\n", want: "an icon here",
		check: func(t *testing.T, d *Doc) {
			if img := onlyNode[*ast.Image](t, d); string(img.Destination) != "i.png" {
				t.Errorf("image of %q", img.Destination)
			}
		}},
	{name: "inline: script content goes", body: "a <script>var x;</script> b <style>p{}\n", want: "a b"},
	{name: "inline: spaces around a comment collapse", body: "a <!-- c --> b <img alt=\"no src\"> <!-- d --> c\n", want: "a b no src c"},
	{name: "inline: a type is no tag", body: "Vec<T> and Option<String>, <my-tag>x</my-tag>\n", want: "Vec<T> and Option<String>, x"},
	{name: "inline: links do not nest", body: "[a <a href=\"y\">b</a>](x) <a href=\"1\">c <a href=\"2\">d</a>\n", want: "a b c d",
		check: func(t *testing.T, d *Doc) {
			ls := nodesOf[*ast.Link](d)
			if len(ls) != 3 || hasAncestor(ls[1], ast.KindLink) || hasAncestor(ls[2], ast.KindLink) {
				t.Errorf("links %v", ls)
			}
		}},
	{name: "inline: javascript links are text", body: "<a href=\" JavaScript:alert(1)\">x</a>\n", want: "x",
		check: func(t *testing.T, d *Doc) { noNode[*ast.Link](t, d) }},
}

func TestHTMLNodes(t *testing.T) {
	for _, c := range htmlCases {
		t.Run(c.name, func(t *testing.T) {
			d := parseDoc(c.body, c.hugo)
			checkHTMLTree(t, d)
			if got := d.PlainText(d.Root); got != c.want {
				t.Errorf("text %q, want %q", got, c.want)
			}
			if c.check != nil {
				c.check(t, d)
			}
		})
	}
}

// TestHTMLNodesRender renders every case with glamour, as the reader will
// see it: its renderer must know every node and find what it looks for.
func TestHTMLNodesRender(t *testing.T) {
	for _, c := range htmlCases {
		d := parseDoc(c.body, c.hugo)
		out := renderANSI(t, d)
		if strings.Contains(out, "<td") || strings.Contains(out, "<b>x</b>") != strings.Contains(c.want, "<b>x</b>") {
			t.Errorf("%s: rendered %q", c.name, out)
		}
	}
}

func renderANSI(t testing.TB, d *Doc) string {
	r := renderer.NewRenderer(renderer.WithNodeRenderers(util.Prioritized(
		ansi.NewRenderer(ansi.Options{WordWrap: 60, Styles: styles.NoTTYStyleConfig}), 1000)))
	var b bytes.Buffer
	if err := r.Render(&b, d.Source, d.Root); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// glamourKinds are the nodes glamour's ANSI renderer knows.
var glamourKinds = map[ast.NodeKind]bool{
	ast.KindDocument: true, ast.KindHeading: true, ast.KindParagraph: true, ast.KindBlockquote: true,
	ast.KindList: true, ast.KindListItem: true, ast.KindText: true, ast.KindEmphasis: true,
	ast.KindThematicBreak: true, ast.KindLink: true, ast.KindAutoLink: true, ast.KindImage: true,
	ast.KindFencedCodeBlock: true, ast.KindCodeBlock: true, ast.KindCodeSpan: true, ast.KindTextBlock: true,
	east.KindStrikethrough: true, east.KindTable: true, east.KindTableHeader: true, east.KindTableRow: true,
	east.KindTableCell: true, east.KindDefinitionList: true, east.KindDefinitionTerm: true,
	east.KindDefinitionDescription: true, east.KindTaskCheckBox: true,
}

// checkHTMLTree checks what the renderer relies on: parents that are the
// nodes' parents, nodes it knows, list items in lists, table rows no wider
// than their alignments, text within Source and clean.
func checkHTMLTree(t testing.TB, d *Doc) {
	t.Helper()
	_ = ast.Walk(d.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if c.Parent() != n {
				t.Fatalf("%v's child %v has parent %v", n.Kind(), c.Kind(), c.Parent())
			}
		}
		if !glamourKinds[n.Kind()] {
			t.Fatalf("the renderer does not know %v", n.Kind())
		}
		switch n := n.(type) {
		case *ast.ListItem:
			if _, ok := n.Parent().(*ast.List); !ok {
				t.Fatalf("list item in %v", n.Parent().Kind())
			}
		case *east.TableCell:
			k := n.Parent().Kind()
			if k != east.KindTableRow && k != east.KindTableHeader {
				t.Fatalf("table cell in %v", k)
			}
			if n.Parent().ChildCount() > len(n.Parent().Parent().(*east.Table).Alignments) {
				t.Fatalf("a row wider than its table")
			}
		case *ast.Text:
			if n.Segment.Start < 0 || n.Segment.Stop > len(d.Source) || n.Segment.Start > n.Segment.Stop {
				t.Fatalf("text segment %v out of %d bytes", n.Segment, len(d.Source))
			}
		}
		return ast.WalkContinue, nil
	})
	if s := string(d.Source); strings.IndexFunc(s, sanitize.IsControl) >= 0 {
		t.Fatalf("control characters in Source %q", s)
	}
}

// nodesOf are the nodes of type N in d, in document order.
func nodesOf[N ast.Node](d *Doc) []N {
	var ns []N
	_ = ast.Walk(d.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if v, ok := n.(N); ok && entering {
			ns = append(ns, v)
		}
		return ast.WalkContinue, nil
	})
	return ns
}

func onlyNode[N ast.Node](t *testing.T, d *Doc) N {
	t.Helper()
	ns := nodesOf[N](d)
	if len(ns) != 1 {
		var zero N
		t.Fatalf("%d nodes of type %T, want 1", len(ns), zero)
	}
	return ns[0]
}

func noNode[N ast.Node](t *testing.T, d *Doc) {
	t.Helper()
	if ns := nodesOf[N](d); len(ns) != 0 {
		t.Errorf("%d nodes of type %T, want none", len(ns), ns[0])
	}
}

func hasAncestor(n ast.Node, k ast.NodeKind) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Kind() == k {
			return true
		}
	}
	return false
}

func codeText(d *Doc, n ast.Node) string {
	var b strings.Builder
	for i := range n.Lines().Len() {
		seg := n.Lines().At(i)
		b.Write(seg.Value(d.Source))
	}
	return b.String()
}

// cellTexts is a table's cells' text, "a,b;c,d".
func cellTexts(d *Doc, tbl *east.Table) string {
	var rows []string
	for r := tbl.FirstChild(); r != nil; r = r.NextSibling() {
		var cells []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, d.inlineText(c))
		}
		rows = append(rows, strings.Join(cells, ","))
	}
	return strings.Join(rows, ";")
}

// FuzzHTMLNodes converts arbitrary HTML in both dialects: no panic, a tree
// the renderer can walk, and no control character in its text.
//
//	go test -run XXX -fuzz FuzzHTMLNodes -fuzztime 60s ./internal/content/
func FuzzHTMLNodes(f *testing.F) {
	for _, c := range htmlCases {
		f.Add(c.body)
	}
	for _, s := range []string{
		"<table><td><table><td>x</table>", "<pre>\x1b[31m&#27;</pre>", "<a href=\"\x1b]8;;x\x07\">y</a>",
		"<ul><li><ol><li><dl><dd><dt>", "<b><i><s></b></i>", "<div>\n<!--\n</div>\n-->\n</div>",
		"- <div>\n\n  x\n</div>", "<img src=x alt=\"\u009b1m\">", "<code>\x00</code><kbd>&#0;</kbd>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		body = sanitize.Text(body) // as Load does
		for _, hugo := range []bool{false, true} {
			d := parseDoc(body, hugo)
			checkHTMLTree(t, d)
			if s := d.PlainText(d.Root); strings.IndexFunc(s, sanitize.IsControl) >= 0 {
				t.Fatalf("control characters in %q", s)
			}
			for _, cs := range nodesOf[*ast.CodeSpan](d) {
				// The renderer decodes references in code spans.
				if s := html.UnescapeString(string(cs.Text(d.Source))); strings.IndexFunc(s, sanitize.IsControl) >= 0 { //nolint:staticcheck // the renderer's way
					t.Fatalf("control characters in code %q", s)
				}
			}
		}
	})
}

// htmlPost is a long post of hand-written HTML, as older blogs have them.
func htmlPost(sections int) string {
	var b strings.Builder
	for i := range sections {
		fmt.Fprintf(&b, "<h2 id=\"s%d\">Section %d</h2>\n\n", i, i)
		b.WriteString("<p>Some <b>bold</b>, <em>emphasised</em> and <a href=\"https://example.com/a?b=1&amp;c=2\" title=\"t\">linked</a> text,<br>\n")
		b.WriteString("with <code>code</code> and <kbd>Ctrl</kbd>+<kbd>C</kbd>.</p>\n\n")
		b.WriteString("<div class=\"note\">\n<ul>\n  <li>one</li>\n  <li>two <i>items</i>\n    <ol><li>nested</li></ol>\n  </li>\n</ul>\n\n")
		b.WriteString("<table>\n  <tr><th>Name</th><th align=\"right\">Value</th></tr>\n\n")
		for r := range 5 {
			fmt.Fprintf(&b, "  <tr>\n\n    <td>row %d</td>\n\n    <td>%d</td>\n  </tr>\n", r, r*r)
		}
		b.WriteString("</table>\n</div>\n\n")
		b.WriteString("<div class=\"language-go highlighter-rouge\"><div class=\"highlight\"><pre class=\"highlight\"><code>func main() {\n\tfmt.Println(\"x &lt; y\")\n}\n</code></pre></div></div>\n\n")
		b.WriteString("Markdown with <span class=\"x\">inline</span> <b>HTML</b> <!-- a comment --> and Vec<T>.\n\n")
	}
	return b.String()
}

func BenchmarkHTMLNodes(b *testing.B) {
	body := htmlPost(200)
	for _, hugo := range []bool{false, true} {
		b.Run(map[bool]string{false: "jekyll", true: "hugo"}[hugo], func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				parseDoc(body, hugo)
			}
		})
	}
}
