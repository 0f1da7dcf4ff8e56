package content

import (
	"bytes"
	"html"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/sshblog/sshblog/internal/sanitize"
)

// Doc is a post's body as goldmark parsed it, once, at load: the tree every
// other part of sshblog reads (the renderer, the outline, the description)
// and the text its nodes point into. It is never changed after Load, so
// any number of readers may walk it at once.
type Doc struct {
	Root *ast.Document

	// Source is what the nodes' segments index: the body's Markdown, then
	// the text the converters made (the text of raw HTML, footnote
	// markers), which is not in the Markdown as written.
	Source []byte
}

// textBuf collects the text that the converters make while goldmark parses
// a body. Nodes made from it point past the Markdown: once parsing is done,
// the text is appended to it to make Doc.Source.
type textBuf struct {
	base  int // len of the Markdown
	extra []byte
}

var textBufKey = parser.NewContextKey()

// textBufOf is the textBuf of the parse that pc belongs to.
func textBufOf(pc parser.Context) *textBuf { return pc.Get(textBufKey).(*textBuf) }

// segment adds s, as it is, and returns where it is in Doc.Source. Code
// block lines and code spans take their text this way.
func (t *textBuf) segment(s string) text.Segment {
	start := t.base + len(t.extra)
	t.extra = append(t.extra, s...)
	return text.NewSegment(start, start+len(s))
}

// text returns a Text node that shows s as written. The renderer decodes
// character references in text, so "&" is written as one.
func (t *textBuf) text(s string) *ast.Text {
	return ast.NewTextSegment(t.segment(strings.ReplaceAll(s, "&", "&amp;")))
}

// markdowns parse bodies as kramdown (Jekyll) and
// goldmark (Hugo) read them, as far as a terminal can show the difference:
// GitHub-flavoured Markdown without single-tilde strikethrough, definition
// lists and footnotes, raw HTML turned into nodes, and for Jekyll the
// kramdown syntax besides (attribute lists, its tables, HTML blocks that
// run to their closing tag).
//
// With emoji, GitHub's emoji codes (":smile:") become the emoji, as Hugo's
// enableEmoji and Jekyll's jemoji plugin make them.
var markdowns = [4]goldmark.Markdown{ // by flavour.index
	newMarkdown(true, false), newMarkdown(false, false), newMarkdown(true, true), newMarkdown(false, true),
}

// flavour is the Markdown a post is written in: Jekyll's kramdown or
// Hugo's goldmark, with or without emoji codes.
type flavour struct{ hugo, emoji bool }

func (f flavour) index() int {
	i := 0
	if f.hugo {
		i |= 1
	}
	if f.emoji {
		i |= 2
	}
	return i
}

func newMarkdown(kramdown, emoji bool) goldmark.Markdown {
	exts := []goldmark.Extender{
		extension.Table, linkifyExtension{}, postLinkExtension{}, extension.TaskList,
		extension.DefinitionList, // footnoteExtension, not extension.Footnote: see footnote.go
		strikethroughExtension{}, footnoteExtension{}, htmlExtension{kramdown: kramdown},
	}
	if kramdown {
		exts = append(exts, kramdownExtension{})
	}
	if emoji {
		exts = append(exts, emojiExtension{})
	}
	return goldmark.New(goldmark.WithParser(newParser()), goldmark.WithExtensions(exts...))
}

// maxNesting bounds how deep lists and quotes nest; deeper markers are
// text. goldmark rescans a line once per open container, so a line of
// 20,000 "- " took it 1.4 s (docs/upstream.md); no post nests that deep.
const maxNesting = 32

// newParser is goldmark's default parser with lists and quotes bounded by
// maxNesting.
func newParser() parser.Parser {
	return parser.NewParser(
		parser.WithBlockParsers(blockParsers()...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	)
}

// blockParsers are goldmark's default block parsers, with lists and quotes
// bounded by maxNesting and paragraphs by maxParagraphLines.
func blockParsers() []util.PrioritizedValue {
	blocks := parser.DefaultBlockParsers()
	for i, b := range blocks {
		// The list, list item, blockquote and paragraph parsers, by the
		// priorities DefaultBlockParsers documents.
		switch b.Priority {
		case 300, 400, 800:
			blocks[i].Value = nestingBound{b.Value.(parser.BlockParser)}
		case 1000:
			blocks[i].Value = paragraphBound{b.Value.(parser.BlockParser)}
		}
	}
	return blocks
}

// maxParagraphLines bounds a paragraph: the next line starts another.
// goldmark looks up each link label by walking back over the paragraph's
// lines, so a paragraph of 40,000 lines of "x [a]" took 1.3 s, and four
// times that twice as long. A paragraph of 500 lines is already no
// paragraph a person wrote.
const maxParagraphLines = 500

// paragraphBound closes a paragraph at maxParagraphLines.
type paragraphBound struct{ parser.BlockParser }

func (b paragraphBound) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	st := b.BlockParser.Continue(node, reader, pc)
	if st&parser.Close == 0 && node.Lines().Len() >= maxParagraphLines {
		return parser.Close // the line taken is this paragraph's last
	}
	return st
}

// nestingBound opens a container only within maxNesting of the document.
type nestingBound struct{ parser.BlockParser }

func (b nestingBound) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	depth := 0
	for n := parent; n != nil; n = n.Parent() {
		if depth++; depth > maxNesting {
			return nil, parser.NoChildren
		}
	}
	return b.BlockParser.Open(parent, reader, pc)
}

// parseDoc parses a post's body (Markdown after Liquid). hugo says the post
// is Hugo's, which reads no kramdown.
func parseDoc(body string, hugo bool) *Doc { return flavour{hugo: hugo}.parse(body) }

// parse parses body in the flavour's Markdown.
func (f flavour) parse(body string) *Doc {
	md := markdowns[f.index()]
	src := []byte(body)
	tb := &textBuf{base: len(src)}
	pc := parser.NewContext()
	pc.Set(textBufKey, tb)
	root := md.Parser().Parse(text.NewReader(src), parser.WithContext(pc)).(*ast.Document)
	if len(tb.extra) > 0 {
		src = append(src[:len(src):len(src)], tb.extra...)
	}
	return &Doc{Root: root, Source: src}
}

// appendParagraph adds a paragraph of plain text at the end of the
// document.
func (d *Doc) appendParagraph(s string) {
	tb := &textBuf{base: len(d.Source)}
	p := ast.NewParagraph()
	p.AppendChild(p, tb.text(s))
	d.Root.AppendChild(d.Root, p)
	d.Source = append(d.Source[:len(d.Source):len(d.Source)], tb.extra...)
}

// PlainText is the text of n and everything in it as a reader sees it:
// marks gone, character references and escapes decoded, soft line breaks
// as spaces, blocks and hard line breaks as newlines, table cells as
// "a | b". It is sanitized.
func (d *Doc) PlainText(n ast.Node) string {
	var b bytes.Buffer
	writePlain(&b, n, d.Source)
	return sanitize.Text(strings.TrimSpace(b.String()))
}

// inlineText is the plain text of an inline container (a heading, a link,
// a paragraph) on one line: line breaks become spaces.
func (d *Doc) inlineText(n ast.Node) string {
	var b bytes.Buffer
	writePlain(&b, n, d.Source)
	return sanitize.Line(b.String())
}

func writePlain(b *bytes.Buffer, n ast.Node, src []byte) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			b.WriteString(decodeText(c.Segment.Value(src)))
			switch {
			case c.HardLineBreak():
				b.WriteByte('\n')
			case c.SoftLineBreak():
				b.WriteByte(' ')
			}
		case *ast.String:
			b.WriteString(decodeText(c.Value))
		case *ast.AutoLink:
			b.Write(c.Label(src))
		case *ast.RawHTML:
			// tags are not text
		case *ast.CodeSpan:
			for t := c.FirstChild(); t != nil; t = t.NextSibling() {
				if t, ok := t.(*ast.Text); ok {
					b.Write(t.Segment.Value(src))
				}
			}
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := c.Lines()
			for i := range lines.Len() {
				seg := lines.At(i)
				b.Write(seg.Value(src))
			}
			b.WriteByte('\n')
		case *east.TableCell:
			writePlain(b, c, src)
			if c.NextSibling() != nil {
				b.WriteString(" | ")
			}
		default:
			writePlain(b, c, src)
			if c.Type() == ast.TypeBlock {
				b.WriteByte('\n')
			}
		}
	}
}

// decodeText decodes character references and backslash escapes, as the
// renderer shows text.
func decodeText(v []byte) string {
	if bytes.IndexByte(v, '\\') >= 0 {
		v = util.UnescapePunctuations(v)
	}
	if bytes.IndexByte(v, '&') < 0 {
		return string(v)
	}
	return html.UnescapeString(string(v))
}

// lineMarkdown reads one-line fields (titles, descriptions) as Markdown
// text: only paragraphs, so that a title such as "1. Intro" or "- dash"
// keeps its marks, but emphasis, code, links and HTML become plain text.
var lineMarkdown = goldmark.New(
	goldmark.WithParser(parser.NewParser(
		parser.WithBlockParsers(util.Prioritized(parser.NewParagraphParser(), 1000)),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
	)),
	goldmark.WithExtensions(strikethroughExtension{}, htmlExtension{}),
)

// maxLine bounds a one-line field; longer text is cut before it is read.
const maxLine = 8 << 10

// plainInline turns one line of Markdown (a title, a description from the
// front matter) into plain text for lists.
func plainInline(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > maxLine {
		s = cutAtLine(s, maxLine)
	}
	src := []byte(s)
	tb := &textBuf{base: len(src)}
	pc := parser.NewContext()
	pc.Set(textBufKey, tb)
	root := lineMarkdown.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	d := &Doc{Root: root.(*ast.Document), Source: append(src, tb.extra...)}
	return d.inlineText(d.Root)
}

// leadingHeading is the document's first block when it is a level-one
// heading ("# Title", or "Title" over "===="), and its text.
func (d *Doc) leadingHeading() (string, ast.Node, bool) {
	h, ok := d.Root.FirstChild().(*ast.Heading)
	if !ok || h.Level != 1 {
		return "", nil, false
	}
	t := d.inlineText(h)
	return t, h, t != ""
}

// description is the first paragraph of prose, as plain text cut at a
// word boundary to at most limit characters. Paragraphs of images only, and
// those in tables, do not count. Without a paragraph, a list item or quote
// stands in: it is a paragraph too in the tree, unless tight.
func (d *Doc) description(limit int) string {
	var found string
	_ = ast.Walk(d.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindHeading, ast.KindFencedCodeBlock, ast.KindCodeBlock, ast.KindHTMLBlock:
			return ast.WalkSkipChildren, nil
		case ast.KindParagraph, ast.KindTextBlock:
			if d.imagesOnly(n) {
				return ast.WalkSkipChildren, nil
			}
			if t := d.inlineText(n); t != "" {
				found = t
				return ast.WalkStop, nil
			}
			return ast.WalkSkipChildren, nil
		}
		if n.Kind() == east.KindTable {
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return cutWords(found, limit)
}

// imagesOnly reports whether an inline container holds nothing but images
// (maybe linked) and white space.
func (d *Doc) imagesOnly(n ast.Node) bool {
	any := false
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Image:
			any = true
		case *ast.Link:
			if !d.imagesOnly(c) {
				return false
			}
			any = true
		case *ast.Text:
			if len(bytes.TrimSpace(c.Segment.Value(d.Source))) > 0 {
				return false
			}
		default:
			return false
		}
	}
	return any
}

// cutWords shortens s to at most limit runes, at a word boundary, with an
// ellipsis when something was cut.
func cutWords(s string, limit int) string {
	cut, space, n := -1, -1, 0 // byte offsets of rune limit-1 and of the last space after rune limit/2
	for i, r := range s {
		if n == limit-1 {
			cut = i
		}
		if n == limit {
			if space >= 0 {
				cut = space
			}
			return strings.TrimRightFunc(s[:cut], unicode.IsSpace) + "…"
		}
		if n > limit/2 && unicode.IsSpace(r) {
			space = i
		}
		n++
	}
	return s
}
