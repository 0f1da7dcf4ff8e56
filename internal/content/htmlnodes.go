package content

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/sshblog/sshblog/internal/sanitize"
)

// htmlExtension turns raw HTML into nodes. kramdown: HTML blocks run to
// their closing tag, as kramdown reads them.
type htmlExtension struct{ kramdown bool }

// Extend implements goldmark.Extender.
func (e htmlExtension) Extend(m goldmark.Markdown) {
	// Early, so that the other transformers see the converted nodes.
	opts := []parser.Option{parser.WithASTTransformers(util.Prioritized(htmlTransformer{}, 100))}
	if e.kramdown {
		// Before goldmark's HTML block parser (900), which ends a block at
		// a blank line.
		opts = append(opts, parser.WithBlockParsers(util.Prioritized(kramdownHTMLParser{}, 800)))
	}
	m.Parser().AddOptions(opts...)
}

// maxHTMLDepth bounds how deep the converters nest nodes; the text of
// anything deeper is kept, flat.
const maxHTMLDepth = 64

// kramdownBlockTags are the elements that open an HTML block in kramdown
// when they start a line: the block runs to the matching close tag, blank
// lines and all.
var kramdownBlockTags = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Audio: true,
	atom.Blockquote: true, atom.Canvas: true, atom.Center: true, atom.Details: true,
	atom.Dialog: true, atom.Div: true, atom.Dl: true, atom.Fieldset: true,
	atom.Figure: true, atom.Footer: true, atom.Form: true, atom.H1: true,
	atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Header: true, atom.Hgroup: true, atom.Iframe: true, atom.Main: true,
	atom.Menu: true, atom.Nav: true, atom.Noscript: true, atom.Object: true,
	atom.Ol: true, atom.P: true, atom.Pre: true, atom.Section: true,
	atom.Table: true, atom.Ul: true, atom.Video: true,
}

// kramdownHTMLParser reads an HTML block as kramdown does: from a line
// opening a block-level element to the line closing it, at balanced depth.
// Only that element's own tags count, each line read by html.Tokenizer on
// its own, so each line is read once.
type kramdownHTMLParser struct{}

var kramdownHTMLKey = parser.NewContextKey()

// kramdownHTMLState is the open block of one parse. Blocks have no
// children, so at most one is open at a time.
type kramdownHTMLState struct {
	node  ast.Node
	tag   atom.Atom
	depth int
}

// count reads the tags of one line and stops where the block's element
// closes; the rest of that line belongs to the block all the same.
func (st *kramdownHTMLState) count(z *html.Tokenizer) {
	for {
		switch z.Next() {
		case html.ErrorToken:
			return
		case html.StartTagToken:
			if name, _ := z.TagName(); atom.Lookup(name) == st.tag {
				st.depth++
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); atom.Lookup(name) == st.tag {
				st.depth--
				if st.depth == 0 {
					return
				}
			}
		}
	}
}

// mentioned reports whether line may hold the block's element's tags,
// which only then need reading (a tokenizer costs a 4 KB buffer).
func (st *kramdownHTMLState) mentioned(line []byte) bool {
	if bytes.IndexByte(line, '<') < 0 {
		return false
	}
	lower := bytes.ToLower(line)
	name := st.tag.String()
	return bytes.Contains(lower, []byte("<"+name)) || bytes.Contains(lower, []byte("</"+name))
}

func (kramdownHTMLParser) Trigger() []byte { return []byte{'<'} }

func (kramdownHTMLParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 || pos >= len(line) || line[pos] != '<' {
		return nil, parser.NoChildren
	}
	z := html.NewTokenizer(bytes.NewReader(line[pos:]))
	if z.Next() != html.StartTagToken {
		return nil, parser.NoChildren
	}
	name, more := z.TagName()
	tag := atom.Lookup(name)
	if !kramdownBlockTags[tag] {
		return nil, parser.NoChildren
	}
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		// kramdown reads the content of markdown="1" as Markdown:
		// goldmark's own HTML blocks, which end at a blank line, come
		// closest.
		if string(k) == "markdown" && string(v) != "0" {
			return nil, parser.NoChildren
		}
	}
	node := ast.NewHTMLBlock(ast.HTMLBlockType6)
	st := &kramdownHTMLState{node: node, tag: tag, depth: 1}
	st.count(z)
	pc.Set(kramdownHTMLKey, st)
	node.Lines().Append(seg)
	reader.Advance(seg.Len() - util.TrimRightSpaceLength(line))
	return node, parser.NoChildren
}

func (kramdownHTMLParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	st, _ := pc.Get(kramdownHTMLKey).(*kramdownHTMLState)
	if st == nil || st.node != node || st.depth <= 0 {
		return parser.Close
	}
	line, seg := reader.PeekLine()
	if st.mentioned(line) {
		st.count(html.NewTokenizer(bytes.NewReader(line)))
	}
	node.Lines().Append(seg)
	reader.Advance(seg.Len() - util.TrimRightSpaceLength(line))
	return parser.Continue | parser.NoChildren
}

// Close forgets the block, unless the next block, opened on the line that
// closed this one, has taken its place.
func (kramdownHTMLParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	if st, _ := pc.Get(kramdownHTMLKey).(*kramdownHTMLState); st != nil && st.node == node {
		pc.Set(kramdownHTMLKey, nil)
	}
}

// CanInterruptParagraph: in kramdown too, a block-level tag ends a
// paragraph.
func (kramdownHTMLParser) CanInterruptParagraph() bool { return true }
func (kramdownHTMLParser) CanAcceptIndentedLine() bool { return false }

// htmlTransformer replaces raw HTML with nodes: every HTML block with the
// nodes its HTML makes, and the raw inline tags with the nodes they stand
// for (a start and an end tag among the same siblings wrap what is between
// them).
type htmlTransformer struct{}

func (htmlTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	var blocks []*ast.HTMLBlock
	var parents []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		if b, ok := n.(*ast.HTMLBlock); ok {
			blocks = append(blocks, b)
			return ast.WalkSkipChildren, nil
		}
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if c.Kind() == ast.KindRawHTML {
				parents = append(parents, n)
				break
			}
		}
		return ast.WalkContinue, nil
	})
	c := &htmlConverter{tb: textBufOf(pc), src: reader.Source()}
	for _, b := range blocks {
		c.replaceBlock(b)
	}
	for _, p := range parents {
		c.pairInline(p)
	}
}

// htmlConverter makes nodes out of HTML, its text in tb.
type htmlConverter struct {
	tb  *textBuf
	src []byte

	// lang is the language that kramdown's highlight wrapper (<div
	// class="language-x highlighter-rouge">) gives the code inside it.
	lang string
}

// blockOut is where the converted blocks of one container go, and the
// paragraph that text and inline elements go into, once there is one.
type blockOut struct {
	parent ast.Node
	before ast.Node // insert before this child of parent, or append if nil
	tight  bool     // runs of inline content are TextBlocks, as in a tight list
	run    *inlineOut
}

func (o *blockOut) add(n ast.Node) {
	if o.before != nil {
		o.parent.InsertBefore(o.parent, o.before, n)
	} else {
		o.parent.AppendChild(o.parent, n)
	}
}

// openRun returns the paragraph for inline content, starting one if need
// be.
func (o *blockOut) openRun() *inlineOut {
	if o.run == nil {
		var p ast.Node = ast.NewParagraph()
		if o.tight {
			p = ast.NewTextBlock()
		}
		o.add(p)
		o.run = &inlineOut{block: p, space: true}
	}
	return o.run
}

// endRun ends the paragraph of inline content, if any, before a block.
func (o *blockOut) endRun() {
	if o.run != nil {
		o.run.finish(false)
		o.run = nil
	}
}

// inlineOut follows the text of one inline container (a paragraph, a
// heading, a cell) to collapse white space across elements as a browser
// does.
type inlineOut struct {
	block ast.Node
	last  *ast.Text // the last text added, while it ends the content
	space bool      // the content so far is empty or ends in white space
}

// finish trims the trailing white space and line break, and removes the
// container if nothing is left in it (unless keep).
func (o *inlineOut) finish(keep bool) {
	o.trimSpace()
	if t, ok := o.block.LastChild().(*ast.Text); ok && t.HardLineBreak() {
		t.SetHardLineBreak(false)
	}
	if !keep && !hasContent(o.block) {
		if p := o.block.Parent(); p != nil {
			p.RemoveChild(p, o.block)
		}
	}
}

func (o *inlineOut) trimSpace() {
	if o.last != nil && o.space && o.last.Segment.Len() > 0 {
		o.last.Segment = o.last.Segment.WithStop(o.last.Segment.Stop - 1)
	}
	o.last = nil
}

// hasContent reports whether n holds more than empty text.
func hasContent(n ast.Node) bool {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); !ok || t.Segment.Len() > 0 {
			return true
		}
	}
	return false
}

// replaceBlock replaces an HTML block with the nodes its HTML makes.
func (c *htmlConverter) replaceBlock(b *ast.HTMLBlock) {
	var raw []byte
	lines := b.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		raw = append(raw, seg.Value(c.src)...)
	}
	if b.HasClosure() {
		raw = append(raw, b.ClosureLine.Value(c.src)...)
	}
	parent := b.Parent()
	out := &blockOut{parent: parent, before: b, tight: isTightItem(parent)}
	// Scripting off: <noscript> holds what a reader without scripts sees.
	nodes, err := html.ParseFragmentWithOptions(bytes.NewReader(raw),
		&html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body},
		html.ParseOptionEnableScripting(false))
	if err != nil {
		// Nested deeper than the HTML parser goes: the text, flat.
		c.text(out.openRun(), out.run.block, tokenText(raw))
	}
	for _, n := range nodes {
		c.block(out, n, 0)
	}
	out.endRun()
	parent.RemoveChild(parent, b)
}

func isTightItem(n ast.Node) bool {
	if _, ok := n.(*ast.ListItem); ok {
		l, ok := n.Parent().(*ast.List)
		return ok && l.IsTight
	}
	return false
}

// droppedElements are not shown, nor is anything in them.
var droppedElements = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Head: true,
	atom.Title: true, atom.Meta: true, atom.Link: true, atom.Base: true,
	atom.Svg: true, atom.Noembed: true, atom.Noframes: true, atom.Input: true,
	atom.Select: true, atom.Textarea: true, atom.Track: true, atom.Param: true,
}

// sectionElements are shown as their content, on lines of its own.
var sectionElements = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Body: true,
	atom.Caption: true, atom.Center: true, atom.Dd: true, atom.Details: true,
	atom.Dialog: true, atom.Div: true, atom.Dt: true, atom.Fieldset: true,
	atom.Figcaption: true, atom.Figure: true, atom.Footer: true, atom.Form: true,
	atom.Header: true, atom.Hgroup: true, atom.Html: true, atom.Legend: true,
	atom.Li: true, atom.Main: true, atom.Nav: true, atom.Noscript: true,
	atom.Search: true, atom.Section: true, atom.Summary: true, atom.Tbody: true,
	atom.Td: true, atom.Tfoot: true, atom.Th: true, atom.Thead: true, atom.Tr: true,
}

// mediaElements are embedded content, shown as a link to it.
var mediaElements = map[atom.Atom]bool{
	atom.Iframe: true, atom.Video: true, atom.Audio: true, atom.Embed: true,
	atom.Object: true, atom.Source: true, atom.Frame: true,
}

// block converts n in a block container.
func (c *htmlConverter) block(out *blockOut, n *html.Node, depth int) {
	switch n.Type {
	case html.TextNode:
		if out.run == nil && strings.Trim(n.Data, htmlSpace) == "" {
			return
		}
		c.text(out.openRun(), out.run.block, n.Data)
		return
	case html.ElementNode:
	default:
		return // comments, doctypes
	}
	if droppedElements[n.DataAtom] {
		return
	}
	if depth >= maxHTMLDepth {
		c.text(out.openRun(), out.run.block, textContent(n))
		return
	}
	switch n.DataAtom {
	case atom.P:
		out.endRun()
		var p ast.Node = ast.NewParagraph()
		if out.tight {
			p = ast.NewTextBlock()
		}
		out.add(p)
		c.inlineBlock(p, n, depth, false)
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		out.endRun()
		h := ast.NewHeading(int(n.Data[1] - '0'))
		out.add(h)
		c.inlineBlock(h, n, depth, false)
	case atom.Ul, atom.Ol, atom.Menu:
		out.endRun()
		c.list(out, n, depth)
	case atom.Table:
		out.endRun()
		c.table(out, n, depth)
	case atom.Dl:
		out.endRun()
		c.definitionList(out, n, depth)
	case atom.Pre:
		out.endRun()
		if cb := c.codeBlock(n); cb != nil {
			out.add(cb)
		}
	case atom.Blockquote:
		out.endRun()
		q := ast.NewBlockquote()
		out.add(q)
		c.container(q, false, n, depth)
		if q.FirstChild() == nil {
			out.parent.RemoveChild(out.parent, q)
		}
	case atom.Hr:
		out.endRun()
		out.add(ast.NewThematicBreak())
	case atom.Br:
		if out.run != nil {
			c.lineBreak(out.run, out.run.block)
		}
	default:
		if mediaElements[n.DataAtom] {
			if src, label := embedSource(n); src != "" {
				out.endRun()
				p := ast.NewParagraph()
				out.add(p)
				p.AppendChild(p, c.link(src, "", label))
				return
			}
			if n.DataAtom != atom.Object {
				return // fallback text for browsers without it
			}
		}
		if inlineElements[n.DataAtom] {
			c.inline(out.openRun(), out.run.block, n, depth)
			return
		}
		// Transparent: the content in place. A section starts a line and
		// ends one; anything else (a span, an unknown element) flows
		// with the text around it.
		section := sectionElements[n.DataAtom]
		if section {
			out.endRun()
		}
		lang := c.lang
		if l := classLang(nodeAttr(n, "class")); l != "" {
			c.lang = l
		}
		c.blocks(out, n, depth)
		c.lang = lang
		if section {
			out.endRun()
		}
	}
}

// blocks converts n's children in out.
func (c *htmlConverter) blocks(out *blockOut, n *html.Node, depth int) {
	for d := n.FirstChild; d != nil; d = d.NextSibling {
		c.block(out, d, depth+1)
	}
}

// container converts n's children into parent, a block container.
func (c *htmlConverter) container(parent ast.Node, tight bool, n *html.Node, depth int) {
	out := &blockOut{parent: parent, tight: tight}
	c.blocks(out, n, depth)
	out.endRun()
}

// inlineBlock converts n's children into b, an inline container.
func (c *htmlConverter) inlineBlock(b ast.Node, n *html.Node, depth int, keep bool) {
	out := &inlineOut{block: b, space: true}
	c.inlines(out, b, n, depth)
	out.finish(keep)
}

// inlineElements are the elements that make inline nodes of their own.
var inlineElements = map[atom.Atom]bool{
	atom.A: true, atom.Em: true, atom.I: true, atom.Strong: true, atom.B: true,
	atom.Del: true, atom.S: true, atom.Strike: true, atom.Code: true,
	atom.Kbd: true, atom.Samp: true, atom.Tt: true, atom.Img: true, atom.Br: true,
}

// inline converts n in an inline container: out's content, added to
// parent.
func (c *htmlConverter) inline(out *inlineOut, parent ast.Node, n *html.Node, depth int) {
	switch n.Type {
	case html.TextNode:
		c.text(out, parent, n.Data)
		return
	case html.ElementNode:
	default:
		return
	}
	if droppedElements[n.DataAtom] {
		return
	}
	if depth >= maxHTMLDepth {
		c.text(out, parent, textContent(n))
		return
	}
	switch n.DataAtom {
	case atom.A:
		href := cleanHref(nodeAttr(n, "href"))
		if href == "" || inLink(parent) {
			c.inlines(out, parent, n, depth)
			return
		}
		l := c.link(href, nodeAttr(n, "title"), "")
		parent.AppendChild(parent, l)
		c.inlines(out, l, n, depth)
		if l.FirstChild() == nil {
			parent.RemoveChild(parent, l)
		}
	case atom.Em, atom.I:
		c.wrapInline(out, parent, ast.NewEmphasis(1), n, depth)
	case atom.Strong, atom.B:
		c.wrapInline(out, parent, ast.NewEmphasis(2), n, depth)
	case atom.Del, atom.S, atom.Strike:
		c.wrapInline(out, parent, east.NewStrikethrough(), n, depth)
	case atom.Code, atom.Kbd, atom.Samp, atom.Tt, atom.Pre:
		s := codeSpanText(textContent(n))
		if s == "" {
			return
		}
		cs := ast.NewCodeSpan()
		cs.AppendChild(cs, ast.NewTextSegment(c.tb.segment(s)))
		parent.AppendChild(parent, cs)
		out.last, out.space = nil, false
	case atom.Img:
		parent.AppendChild(parent, c.image(n))
		out.last, out.space = nil, false
	case atom.Br:
		c.lineBreak(out, parent)
	default:
		if mediaElements[n.DataAtom] {
			if src, label := embedSource(n); src != "" {
				parent.AppendChild(parent, c.link(src, "", label))
				out.last, out.space = nil, false
				return
			}
			if n.DataAtom != atom.Object {
				return
			}
		}
		// A block in an inline container (a list in a cell, say): its
		// text, set off by spaces.
		section := sectionElements[n.DataAtom] || blockElements[n.DataAtom]
		if section {
			c.text(out, parent, " ")
		}
		c.inlines(out, parent, n, depth)
		if section {
			c.text(out, parent, " ")
		}
	}
}

// blockElements are the blocks with nodes of their own.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Ul: true, atom.Ol: true, atom.Menu: true,
	atom.Table: true, atom.Dl: true, atom.Blockquote: true, atom.Hr: true,
}

func (c *htmlConverter) inlines(out *inlineOut, parent ast.Node, n *html.Node, depth int) {
	for d := n.FirstChild; d != nil; d = d.NextSibling {
		c.inline(out, parent, d, depth+1)
	}
}

// wrapInline converts n's children into w, added to parent, unless there
// are none.
func (c *htmlConverter) wrapInline(out *inlineOut, parent, w ast.Node, n *html.Node, depth int) {
	parent.AppendChild(parent, w)
	c.inlines(out, w, n, depth)
	if w.FirstChild() == nil {
		parent.RemoveChild(parent, w)
	}
}

// htmlSpace is HTML's white space, which collapses; other spaces (a
// no-break space) do not.
const htmlSpace = " \t\n\f\r"

func isHTMLWhite(r rune) bool { return strings.ContainsRune(htmlSpace, r) }

// text adds s to parent, its white space collapsed as a browser does.
func (c *htmlConverter) text(out *inlineOut, parent ast.Node, s string) {
	words := strings.FieldsFunc(s, isHTMLWhite)
	lead := s != "" && isHTMLWhite(rune(s[0]))
	trail := s != "" && isHTMLWhite(rune(s[len(s)-1]))
	var b strings.Builder
	if lead && !out.space {
		b.WriteByte(' ')
	}
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	if trail && len(words) > 0 {
		b.WriteByte(' ')
	}
	v := sanitize.Text(b.String())
	if v == "" {
		return
	}
	t := c.tb.text(v)
	parent.AppendChild(parent, t)
	out.last, out.space = t, v[len(v)-1] == ' '
}

// lineBreak ends the line of out's content.
func (c *htmlConverter) lineBreak(out *inlineOut, parent ast.Node) {
	out.trimSpace()
	t, ok := parent.LastChild().(*ast.Text)
	if !ok || t.HardLineBreak() {
		t = c.tb.text("")
		parent.AppendChild(parent, t)
	}
	t.SetHardLineBreak(true)
	out.space = true
}

func (c *htmlConverter) link(href, title, label string) *ast.Link {
	l := ast.NewLink()
	l.Destination = []byte(href)
	l.Title = []byte(sanitize.Line(title))
	if label != "" {
		l.AppendChild(l, c.tb.text(label))
	}
	return l
}

// image is an img element's Image, or its alt text if it has no usable
// src.
func (c *htmlConverter) image(n *html.Node) ast.Node {
	return c.imageOf(nodeAttr(n, "src"), nodeAttr(n, "alt"), nodeAttr(n, "title"))
}

func (c *htmlConverter) imageOf(src, alt, title string) ast.Node {
	alt = sanitize.Line(alt)
	src = cleanHref(src)
	if src == "" {
		return c.tb.text(alt)
	}
	l := ast.NewLink()
	l.Destination = []byte(src)
	l.Title = []byte(sanitize.Line(title))
	img := ast.NewImage(l)
	if alt != "" {
		img.AppendChild(img, c.tb.text(alt))
	}
	return img
}

func inLink(n ast.Node) bool {
	for ; n != nil; n = n.Parent() {
		switch n.Kind() {
		case ast.KindLink, ast.KindAutoLink:
			return true
		}
	}
	return false
}

// embedSource is where embedded content (a video, a frame) comes from, and
// the text of a link to it: its title, or the address.
func embedSource(n *html.Node) (src, label string) {
	src = nodeAttr(n, "src")
	if n.DataAtom == atom.Object {
		src = nodeAttr(n, "data")
	}
	if src == "" && (n.DataAtom == atom.Video || n.DataAtom == atom.Audio) {
		for d := n.FirstChild; d != nil && src == ""; d = d.NextSibling {
			if d.DataAtom == atom.Source {
				src = nodeAttr(d, "src")
			}
		}
	}
	src = cleanHref(src)
	if src == "" {
		return "", ""
	}
	label = sanitize.Line(nodeAttr(n, "title"))
	if label == "" {
		label = src
	}
	return src, label
}

// list converts a ul or ol. It is tight unless an item holds paragraphs.
func (c *htmlConverter) list(out *blockOut, n *html.Node, depth int) {
	marker := byte('-')
	if n.DataAtom == atom.Ol {
		marker = '.'
	}
	l := ast.NewList(marker)
	if marker == '.' {
		l.Start = 1
		if s, err := strconv.Atoi(strings.TrimSpace(nodeAttr(n, "start"))); err == nil && s >= 0 && s < 1e9 {
			l.Start = s
		}
	}
	for li := n.FirstChild; li != nil && l.IsTight; li = li.NextSibling {
		for d := li.FirstChild; d != nil; d = d.NextSibling {
			if d.DataAtom == atom.P {
				l.IsTight = false
				break
			}
		}
	}
	out.add(l)
	var item *blockOut
	for d := n.FirstChild; d != nil; d = d.NextSibling {
		if d.DataAtom == atom.Li && d.Type == html.ElementNode {
			if item != nil {
				item.endRun()
			}
			li := ast.NewListItem(2)
			l.AppendChild(l, li)
			c.container(li, l.IsTight, d, depth+1)
			item = nil
			continue
		}
		// Anything else in a list (invalid, but kept by the parser) goes in
		// an item of its own.
		if item == nil {
			if d.Type == html.TextNode && strings.Trim(d.Data, htmlSpace) == "" {
				continue
			}
			li := ast.NewListItem(2)
			l.AppendChild(l, li)
			item = &blockOut{parent: li, tight: l.IsTight}
		}
		c.block(item, d, depth+1)
	}
	if item != nil {
		item.endRun()
	}
	if l.FirstChild() == nil {
		out.parent.RemoveChild(out.parent, l)
	}
}

// maxColumns bounds a table's width, so that padding its rows stays
// linear; cells past it are run into the last column.
const maxColumns = 64

type htmlRow struct {
	cells []*html.Node
	head  bool // in thead
}

// table converts a table. The first row is the header: the one in thead,
// or else the first, th or not, as a Markdown table must have one.
func (c *htmlConverter) table(out *blockOut, n *html.Node, depth int) {
	var rows []htmlRow
	var caption *html.Node
	addRow := func(tr *html.Node, head bool) {
		r := htmlRow{head: head}
		for d := tr.FirstChild; d != nil; d = d.NextSibling {
			if d.DataAtom == atom.Td || d.DataAtom == atom.Th {
				r.cells = append(r.cells, d)
			}
		}
		if len(r.cells) > 0 {
			rows = append(rows, r)
		}
	}
	for d := n.FirstChild; d != nil; d = d.NextSibling {
		switch d.DataAtom {
		case atom.Caption:
			caption = d
		case atom.Tr:
			addRow(d, false)
		case atom.Thead, atom.Tbody, atom.Tfoot:
			for tr := d.FirstChild; tr != nil; tr = tr.NextSibling {
				if tr.DataAtom == atom.Tr {
					addRow(tr, d.DataAtom == atom.Thead)
				}
			}
		}
	}
	if caption != nil {
		p := ast.NewParagraph()
		out.add(p)
		c.inlineBlock(p, caption, depth+1, false)
	}
	if len(rows) == 0 {
		return
	}
	// A header row in thead comes first even if written last.
	for i, r := range rows {
		if r.head {
			copy(rows[1:i+1], rows[:i])
			rows[0] = r
			break
		}
	}
	cols := 0
	for _, r := range rows {
		cols = max(cols, min(len(r.cells), maxColumns))
	}
	aligns := make([]east.Alignment, cols)
	for i := range aligns {
		aligns[i] = east.AlignNone
	}
	for i, td := range rows[0].cells[:min(len(rows[0].cells), cols)] {
		aligns[i] = cellAlign(td)
	}
	t := east.NewTable()
	t.Alignments = aligns
	out.add(t)
	// Short rows are padded to the table's width, as goldmark pads them,
	// with no more empty cells than written ones: a hostile table would
	// cost rows × columns.
	budget := 0
	for _, r := range rows {
		budget += len(r.cells)
	}
	for i, r := range rows {
		var row ast.Node = east.NewTableRow(aligns)
		if i == 0 {
			h := east.NewTableHeader(east.NewTableRow(aligns))
			h.Alignments = aligns
			row = h
		}
		t.AppendChild(t, row)
		n := min(len(r.cells), cols)
		if pad := cols - n; pad <= budget {
			budget -= pad
			n = cols
		}
		outs := make([]*inlineOut, n)
		for j := range outs {
			cell := east.NewTableCell()
			cell.Alignment = aligns[j]
			row.AppendChild(row, cell)
			outs[j] = &inlineOut{block: cell, space: true}
		}
		for j, td := range r.cells {
			o := outs[min(j, cols-1)]
			if j >= cols {
				c.text(o, o.block, " ")
			}
			c.inlines(o, o.block, td, depth+1)
		}
		for _, o := range outs {
			o.finish(true)
		}
	}
}

// cellAlign reads a cell's alignment from align or style's text-align.
func cellAlign(td *html.Node) east.Alignment {
	a := strings.ToLower(strings.TrimSpace(nodeAttr(td, "align")))
	for _, decl := range strings.Split(nodeAttr(td, "style"), ";") {
		if k, v, ok := strings.Cut(decl, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "text-align") {
			a = strings.ToLower(strings.TrimSpace(v))
		}
	}
	switch a {
	case "left", "start":
		return east.AlignLeft
	case "center":
		return east.AlignCenter
	case "right", "end":
		return east.AlignRight
	}
	return east.AlignNone
}

// definitionList converts a dl: terms and their descriptions, as goldmark
// makes of "term\n: description".
func (c *htmlConverter) definitionList(out *blockOut, n *html.Node, depth int) {
	dl := east.NewDefinitionList(0, nil)
	out.add(dl)
	var desc *blockOut
	var items func(n *html.Node, depth int)
	items = func(n *html.Node, depth int) {
		for d := n.FirstChild; d != nil; d = d.NextSibling {
			switch {
			case d.DataAtom == atom.Dt:
				if desc != nil {
					desc.endRun()
					desc = nil
				}
				dt := east.NewDefinitionTerm()
				dl.AppendChild(dl, dt)
				c.inlineBlock(dt, d, depth+1, true)
			case d.DataAtom == atom.Dd:
				if desc != nil {
					desc.endRun()
				}
				dd := east.NewDefinitionDescription()
				dd.IsTight = true
				for p := d.FirstChild; p != nil; p = p.NextSibling {
					dd.IsTight = dd.IsTight && p.DataAtom != atom.P
				}
				dl.AppendChild(dl, dd)
				c.container(dd, dd.IsTight, d, depth+1)
				desc = nil
			case d.DataAtom == atom.Div && depth < maxHTMLDepth:
				items(d, depth+1) // HTML allows a div around a term and its description
			default:
				if desc == nil {
					if d.Type == html.TextNode && strings.Trim(d.Data, htmlSpace) == "" {
						continue
					}
					dd := east.NewDefinitionDescription()
					dd.IsTight = true
					dl.AppendChild(dl, dd)
					desc = &blockOut{parent: dd, tight: true}
				}
				c.block(desc, d, depth+1)
			}
		}
	}
	items(n, depth)
	if desc != nil {
		desc.endRun()
	}
	if dl.FirstChild() == nil {
		out.parent.RemoveChild(out.parent, dl)
	}
}

// codeBlock converts a pre into a fenced code block of its lines, or nil
// if it holds no text.
func (c *htmlConverter) codeBlock(n *html.Node) ast.Node {
	code := strings.TrimRight(strings.TrimLeft(sanitize.Text(textContent(n)), "\n"), htmlSpace)
	if code == "" {
		return nil
	}
	lang := classLang(nodeAttr(n, "class"))
	for d := n.FirstChild; d != nil && lang == ""; d = d.NextSibling {
		if d.DataAtom == atom.Code {
			lang = classLang(nodeAttr(d, "class"))
		}
	}
	if lang == "" {
		lang = c.lang
	}
	var info *ast.Text
	if lang != "" {
		info = ast.NewTextSegment(c.tb.segment(lang))
	}
	cb := ast.NewFencedCodeBlock(info)
	for line := range strings.SplitAfterSeq(code+"\n", "\n") {
		if line != "" {
			cb.Lines().Append(c.tb.segment(line))
		}
	}
	return cb
}

// codeSpanText is s as a code span's content, on one line. The renderer
// decodes character references in code spans, so none may name a control
// character.
func codeSpanText(s string) string {
	return sanitize.DropControlRefs(sanitize.Line(s))
}

// classLang is the language a class attribute names: language-x or lang-x,
// as highlighters write it.
func classLang(class string) string {
	for _, f := range strings.Fields(class) {
		for _, p := range []string{"language-", "lang-"} {
			if l, ok := strings.CutPrefix(f, p); ok {
				return safeLang(l)
			}
		}
	}
	return ""
}

// safeLang keeps what a language name is made of, and no more than a name
// needs.
func safeLang(l string) string {
	l = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == '-', r == '_', r == '+', r == '#', r == '.':
			return r
		}
		return -1
	}, l)
	return l[:min(len(l), 32)]
}

// cleanHref is a link target as it can be shown and followed, or "" for
// targets that lead nowhere a reader would go (javascript:, data:).
func cleanHref(u string) string {
	u = sanitize.Line(strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(u)) // as URL parsers read it
	lower := strings.ToLower(u)
	for _, bad := range []string{"javascript:", "vbscript:", "data:"} {
		if strings.HasPrefix(lower, bad) {
			return ""
		}
	}
	return strings.ReplaceAll(u, " ", "%20")
}

// nodeAttr is the value of n's attribute key.
func nodeAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

// textContent is the text in n, the dropped elements' left out, a <br> as
// a newline. It walks without recursion, so any depth will do.
func textContent(n *html.Node) string {
	var b strings.Builder
	d := n.FirstChild
	for d != nil {
		switch {
		case d.Type == html.TextNode:
			b.WriteString(d.Data)
		case d.Type != html.ElementNode || droppedElements[d.DataAtom]:
		case d.DataAtom == atom.Br:
			b.WriteByte('\n')
		case d.FirstChild != nil:
			d = d.FirstChild
			continue
		}
		for d != n && d.NextSibling == nil {
			d = d.Parent
		}
		if d == n {
			break
		}
		d = d.NextSibling
	}
	return b.String()
}

// tokenText is the text in raw HTML read token by token, for HTML too deep
// for the parser.
func tokenText(raw []byte) string {
	z := html.NewTokenizer(bytes.NewReader(raw))
	var b strings.Builder
	skip := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if !skip {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			skip = droppedElements[atom.Lookup(name)]
			b.WriteByte(' ')
		case html.EndTagToken:
			skip = false
			b.WriteByte(' ')
		}
	}
}

// pairedTags are the inline tags that wrap what is between their start and
// end tag.
var pairedTags = map[atom.Atom]bool{
	atom.A: true, atom.Em: true, atom.I: true, atom.Strong: true, atom.B: true,
	atom.Del: true, atom.S: true, atom.Strike: true, atom.Code: true,
	atom.Kbd: true, atom.Samp: true, atom.Tt: true,
	atom.Script: true, atom.Style: true, atom.Template: true,
}

// openTag is a raw start tag waiting for its end tag.
type openTag struct {
	raw *ast.RawHTML
	tok html.Token
}

// pairInline replaces the raw HTML among parent's children with nodes. A
// start tag open at the end of parent closes there; an end tag with no start
// tag, a comment or a tag of no meaning here goes, what it surrounds stays.
func (c *htmlConverter) pairInline(parent ast.Node) {
	var open []openTag
	tags := c.rawTagsOf(parent)
	for n := parent.FirstChild(); n != nil; {
		next := n.NextSibling()
		raw, ok := n.(*ast.RawHTML)
		if !ok {
			n = next
			continue
		}
		n = next
		tok := tags.token(raw)
		if tok.DataAtom == 0 && !strings.Contains(tok.Data, "-") &&
			(tok.Type == html.StartTagToken || tok.Type == html.EndTagToken || tok.Type == html.SelfClosingTagToken) {
			// Not an element of HTML (nor a custom one): the type in
			// Vec<T>, say, as written.
			c.rawAsText(parent, raw)
			continue
		}
		switch tok.Type {
		case html.StartTagToken, html.SelfClosingTagToken:
			switch a := tok.DataAtom; {
			case a == atom.Br:
				c.rawBreak(parent, raw)
				continue
			case a == atom.Img:
				parent.InsertBefore(parent, raw, c.imageOf(tokenAttr(tok, "src"), tokenAttr(tok, "alt"), tokenAttr(tok, "title")))
			case mediaElements[a]:
				e := &html.Node{Type: html.ElementNode, DataAtom: a, Data: tok.Data, Attr: tok.Attr}
				if src, label := embedSource(e); src != "" {
					parent.InsertBefore(parent, raw, c.link(src, "", label))
				}
			case pairedTags[a] && tok.Type == html.StartTagToken:
				if a == atom.A { // a link ends where the next one starts
					if i := lastOpen(open, a); i >= 0 {
						c.closeTags(parent, open[i:], raw)
						open = open[:i]
					}
				}
				if len(open) < maxHTMLDepth {
					open = append(open, openTag{raw, tok})
					continue
				}
			}
		case html.EndTagToken:
			if i := lastOpen(open, tok.DataAtom); i >= 0 {
				c.closeTags(parent, open[i:], raw)
				open = open[:i]
			}
		}
		c.dropRaw(parent, raw)
	}
	c.closeTags(parent, open, nil)
}

// dropRaw removes raw; the spaces on either side of it collapse, as a
// browser shows them ("a <!-- c --> b").
func (c *htmlConverter) dropRaw(parent ast.Node, raw *ast.RawHTML) {
	prev, ok := raw.PreviousSibling().(*ast.Text)
	next, ok2 := raw.NextSibling().(*ast.Text)
	if ok && ok2 && !prev.SoftLineBreak() && !prev.HardLineBreak() && prev.Segment.Len() > 0 &&
		next.Segment.Len() > 0 && next.Segment.Padding == 0 &&
		prev.Segment.Stop <= len(c.src) && next.Segment.Start < len(c.src) && // not converted text
		c.src[prev.Segment.Stop-1] == ' ' && c.src[next.Segment.Start] == ' ' {
		next.Segment = next.Segment.WithStart(next.Segment.Start + 1)
	}
	parent.RemoveChild(parent, raw)
}

func lastOpen(open []openTag, a atom.Atom) int {
	for i := len(open) - 1; i >= 0; i-- {
		if open[i].tok.DataAtom == a {
			return i
		}
	}
	return -1
}

// rawTags reads the tags of a parent's raw HTML nodes, in order, with one
// tokenizer for them all: a tokenizer costs a 4 KB buffer, and a post may
// hold thousands of tags.
type rawTags struct {
	c *htmlConverter
	z *html.Tokenizer
}

func (c *htmlConverter) rawTagsOf(parent ast.Node) *rawTags {
	var all []byte
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		if raw, ok := n.(*ast.RawHTML); ok {
			if b := c.rawBytes(raw); isTag(b) {
				all = append(all, b...)
			}
		}
	}
	return &rawTags{c: c, z: html.NewTokenizer(bytes.NewReader(all))}
}

func (c *htmlConverter) rawBytes(raw *ast.RawHTML) []byte {
	var b []byte
	for i := range raw.Segments.Len() {
		seg := raw.Segments.At(i)
		b = append(b, seg.Value(c.src)...)
	}
	return b
}

// isTag tells a start or end tag from the comments, declarations and
// processing instructions, which mean nothing here and need no reading.
func isTag(b []byte) bool { return len(b) > 1 && b[1] != '!' && b[1] != '?' }

// token is the tag (or comment) raw holds.
func (r *rawTags) token(raw *ast.RawHTML) html.Token {
	b := r.c.rawBytes(raw)
	if !isTag(b) {
		return html.Token{Type: html.CommentToken}
	}
	if r.z != nil {
		r.z.Next()
		r.z.NextIsNotRawText() // what follows a <script> tag is the next tag
		if len(r.z.Raw()) == len(b) {
			return r.z.Token()
		}
		r.z = nil // goldmark and the tokenizer differ on where a tag ends: one each from here
	}
	z := html.NewTokenizer(bytes.NewReader(b))
	z.Next()
	return z.Token()
}

func tokenAttr(t html.Token, key string) string {
	for _, a := range t.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

// rawAsText replaces raw with text, as written.
func (c *htmlConverter) rawAsText(parent ast.Node, raw *ast.RawHTML) {
	segs := raw.Segments
	for i := range segs.Len() {
		t := ast.NewTextSegment(segs.At(i))
		t.SetSoftLineBreak(i < segs.Len()-1)
		parent.InsertBefore(parent, raw, t)
	}
	parent.RemoveChild(parent, raw)
}

// rawBreak makes a raw <br> a hard line break.
func (c *htmlConverter) rawBreak(parent ast.Node, raw *ast.RawHTML) {
	// goldmark ends the line of a <br> at the end of a line with an empty
	// text.
	if t, ok := raw.NextSibling().(*ast.Text); ok && t.Segment.Len() == 0 && t.SoftLineBreak() {
		t.SetHardLineBreak(true)
	} else if t, ok := raw.PreviousSibling().(*ast.Text); ok && !t.SoftLineBreak() && !t.HardLineBreak() {
		t.SetHardLineBreak(true)
	} else {
		t := c.tb.text("")
		t.SetHardLineBreak(true)
		parent.InsertBefore(parent, raw, t)
	}
	parent.RemoveChild(parent, raw)
}

// closeTags closes the open tags at end (nil: the end of parent),
// innermost first, each wrapping what follows it.
func (c *htmlConverter) closeTags(parent ast.Node, tags []openTag, end ast.Node) {
	for i := len(tags) - 1; i >= 0; i-- {
		c.closeTag(parent, tags[i], end)
	}
}

func (c *htmlConverter) closeTag(parent ast.Node, t openTag, end ast.Node) {
	start := t.raw
	var w ast.Node
	switch t.tok.DataAtom {
	case atom.A:
		if href := cleanHref(tokenAttr(t.tok, "href")); href != "" && !inLink(parent) {
			w = c.link(href, tokenAttr(t.tok, "title"), "")
		}
	case atom.Em, atom.I:
		w = ast.NewEmphasis(1)
	case atom.Strong, atom.B:
		w = ast.NewEmphasis(2)
	case atom.Del, atom.S, atom.Strike:
		w = east.NewStrikethrough()
	case atom.Code, atom.Kbd, atom.Samp, atom.Tt:
		w = c.rawCodeSpan(start, end)
	case atom.Script, atom.Style, atom.Template:
		for d := start.NextSibling(); d != end; {
			next := d.NextSibling()
			parent.RemoveChild(parent, d)
			d = next
		}
	}
	if w != nil {
		if w.Kind() != ast.KindCodeSpan {
			for d := start.NextSibling(); d != end; {
				next := d.NextSibling()
				w.AppendChild(w, d)
				d = next
			}
		}
		if w.FirstChild() != nil {
			parent.InsertBefore(parent, start, w)
		}
	}
	parent.RemoveChild(parent, start)
}

// rawCodeSpan is the code span of plain text between start and end (which
// it takes out of the tree), or nil if there is more than text between
// them: then the tags just go.
func (c *htmlConverter) rawCodeSpan(start, end ast.Node) ast.Node {
	var b strings.Builder
	for d := start.NextSibling(); d != end; d = d.NextSibling() {
		t, ok := d.(*ast.Text)
		if !ok {
			return nil
		}
		b.WriteString(decodeText(t.Segment.Value(c.src)))
		if t.SoftLineBreak() || t.HardLineBreak() {
			b.WriteByte(' ')
		}
	}
	parent := start.Parent()
	for d := start.NextSibling(); d != end; {
		next := d.NextSibling()
		parent.RemoveChild(parent, d)
		d = next
	}
	cs := ast.NewCodeSpan()
	if s := codeSpanText(b.String()); s != "" {
		cs.AppendChild(cs, ast.NewTextSegment(c.tb.segment(s)))
	}
	return cs
}
