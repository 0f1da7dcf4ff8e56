package content

import (
	"bytes"
	"html"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
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

// jekyllMarkdown and hugoMarkdown parse bodies as kramdown (Jekyll) and
// goldmark (Hugo) read them, as far as a terminal can show the difference:
// GitHub-flavoured Markdown without single-tilde strikethrough, definition
// lists and footnotes, raw HTML turned into nodes, and for Jekyll the
// kramdown syntax besides (attribute lists, its tables, HTML blocks that
// run to their closing tag).
var (
	jekyllMarkdown = newMarkdown(true)
	hugoMarkdown   = newMarkdown(false)
)

func newMarkdown(kramdown bool) goldmark.Markdown {
	exts := []goldmark.Extender{
		extension.Table, extension.Linkify, extension.TaskList,
		extension.DefinitionList, // footnoteExtension, not extension.Footnote: see footnote.go
		strikethroughExtension{}, footnoteExtension{}, htmlExtension{kramdown: kramdown},
	}
	if kramdown {
		exts = append(exts, kramdownExtension{})
	}
	return goldmark.New(goldmark.WithExtensions(exts...))
}

// parseDoc parses a post's body (Markdown after Liquid). hugo says the post
// is Hugo's, which reads no kramdown.
func parseDoc(body string, hugo bool) *Doc {
	md := jekyllMarkdown
	if hugo {
		md = hugoMarkdown
	}
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
// marks gone, character references and escapes decoded, inline line breaks
// as spaces, blocks separated by newlines. It is sanitized.
func (d *Doc) PlainText(n ast.Node) string {
	var b bytes.Buffer
	writePlain(&b, n, d.Source)
	return sanitize.Text(strings.TrimSpace(b.String()))
}

// inlineText is the plain text of an inline container (a heading, a link,
// a paragraph) on one line.
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
			if c.SoftLineBreak() || c.HardLineBreak() {
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
