package render

import (
	"bufio"
	"bytes"
	"strings"

	"charm.land/glamour/v2/ansi"
	xansi "github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark/ast"
	astext "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"

	"github.com/sshblog/sshblog/internal/content"
)

// nodeFuncs are glamour's ANSI renderer's functions, by node kind: what a
// goldmark renderer would call. Collecting them lets us walk the post's
// tree ourselves and show some nodes another way for one render.
type nodeFuncs []renderer.NodeRendererFunc

func (f *nodeFuncs) Register(k ast.NodeKind, fn renderer.NodeRendererFunc) {
	if !glamourDraws[k] {
		// Glamour registers footnotes but has no case for them: it would
		// print a warning to stdout. Their children are walked.
		return
	}
	for int(k) >= len(*f) {
		*f = append(*f, nil)
	}
	(*f)[k] = fn
}

// glamourDraws holds the kinds glamour's ANSI renderer has a case for
// (NewElement in glamour's ansi/elements.go).
var glamourDraws = kindSet(
	ast.KindDocument, ast.KindHeading, ast.KindParagraph, ast.KindBlockquote,
	ast.KindList, ast.KindListItem, ast.KindThematicBreak, ast.KindFencedCodeBlock,
	ast.KindCodeBlock, ast.KindHTMLBlock, ast.KindTextBlock,
	astext.KindTable, astext.KindTableHeader, astext.KindTableRow, astext.KindTableCell,
	astext.KindDefinitionList, astext.KindDefinitionTerm, astext.KindDefinitionDescription,
	astext.KindTaskCheckBox,
	ast.KindText, ast.KindEmphasis, astext.KindStrikethrough, ast.KindLink,
	ast.KindAutoLink, ast.KindImage, ast.KindCodeSpan, ast.KindRawHTML,
)

// drawnInline holds the kinds glamour can draw inside a node that draws
// its own children (an emphasis, a link, a table cell): any other there,
// it calls a renderer it does not have, and panics.
var drawnInline = kindSet(
	ast.KindText, ast.KindEmphasis, astext.KindStrikethrough, ast.KindLink,
	ast.KindAutoLink, ast.KindImage, ast.KindCodeSpan, ast.KindRawHTML,
)

// drawsChildren holds the kinds whose children glamour draws itself, not
// as the walk reaches them (isChild in glamour's ansi/renderer.go).
var drawsChildren = kindSet(
	ast.KindCodeSpan, ast.KindAutoLink, ast.KindLink, ast.KindImage,
	ast.KindEmphasis, astext.KindStrikethrough, astext.KindTableCell,
)

func kindSet(kinds ...ast.NodeKind) map[ast.NodeKind]bool {
	m := make(map[ast.NodeKind]bool, len(kinds))
	for _, k := range kinds {
		m[k] = true
	}
	return m
}

// walk is one render of one Doc. The tree is shared by every render at
// once and is never changed: a node shown another way is replaced, in this
// walk only, by a substitute built for it, whose text goes after the
// Doc's in src.
type walk struct {
	doc   *content.Doc
	funcs nodeFuncs
	w     *bufio.Writer
	cfg   ansi.StyleConfig
	width int // glamour's word wrap: the window less the document margins

	// src is what the nodes' segments index: doc.Source, or once this walk
	// needed to change or add text, its own copy.
	src   []byte
	owned bool

	drawn int // how many nodes around this one draw their own children

	links   postLinks // how links to other posts show
	inTable bool      // cloning a table's cells (cloneTable, cloneCell)
}

func newWalk(doc *content.Doc, out *bufio.Writer, width int, style Style) *walk {
	r := &walk{doc: doc, w: out, cfg: style.config(), width: width, src: doc.Source}
	if bytes.IndexByte(r.src, '\t') >= 0 {
		// Glamour measures a tab as no columns wide, and a terminal draws
		// it up to eight. In prose a tab is white space that a browser
		// shows as one space: so it is here, in this walk's copy, which
		// keeps every segment where it was. Code blocks expand theirs to
		// four spaces (codeBlock) and read the Doc's own text.
		r.own()
		for i, c := range r.src {
			if c == '\t' {
				r.src[i] = ' '
			}
		}
	}
	// PreserveNewLines, so that a hard line break (two spaces, a
	// backslash, <br>) breaks the line: without it glamour makes every
	// newline in a paragraph a space. Soft line breaks are made spaces
	// here instead (substitute).
	ansi.NewRenderer(ansi.Options{WordWrap: width, Styles: r.cfg, PreserveNewLines: true}).RegisterFuncs(&r.funcs)
	return r
}

// render walks n as goldmark's renderer does (Render in
// goldmark/renderer): glamour's function for each node on the way in,
// then its children, then the function on the way out; a kind without a
// function is only walked through. Where substitute gives another node,
// that is walked instead.
func (r *walk) render(n ast.Node) (ast.WalkStatus, error) {
	if s := r.substitute(n); s != nil {
		n = s
	}
	f := r.funcOf(n)
	if f != nil {
		st, err := f(r.w, r.src, n, true)
		if err != nil || st == ast.WalkStop {
			return ast.WalkStop, err
		}
		if st == ast.WalkSkipChildren {
			return r.exit(f, n)
		}
	}
	draws := drawsChildren[n.Kind()]
	if draws {
		r.drawn++
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if st, err := r.render(c); err != nil || st == ast.WalkStop {
			return ast.WalkStop, err
		}
	}
	if draws {
		r.drawn--
	}
	return r.exit(f, n)
}

func (r *walk) exit(f renderer.NodeRendererFunc, n ast.Node) (ast.WalkStatus, error) {
	if f == nil {
		return ast.WalkContinue, nil
	}
	if st, err := f(r.w, r.src, n, false); err != nil || st == ast.WalkStop {
		return ast.WalkStop, err
	}
	return ast.WalkContinue, nil
}

func (r *walk) funcOf(n ast.Node) renderer.NodeRendererFunc {
	if k := int(n.Kind()); k < len(r.funcs) {
		return r.funcs[k]
	}
	return nil
}

// substitute returns what to show instead of n in this render, or nil to
// show n itself. A substitute has a parent (glamour looks at a node's
// parent): a block of kindBlock, or for a table cell stand-ins of its row
// and table; and it may point into text added to src.
func (r *walk) substitute(n ast.Node) ast.Node {
	var s ast.Node
	if slug, ok := r.postLinkTarget(n); ok && r.drawn == 0 {
		// Inside a node that draws its children, the clone of that
		// node has the link's nodes instead (cloneChildren).
		s = r.postLink(n, slug)
		p := newBlock()
		p.AppendChild(p, s)
		return s
	}
	switch n := n.(type) {
	case *astext.Table:
		s = r.wideTable(n)
		if s == nil && r.hasPostLink(n) {
			s = r.cloneTable(n)
		}
	case *ast.FencedCodeBlock:
		// Glamour asks a fenced block for its language, and goldmark
		// keeps the answer in the node: a write to the shared tree. So
		// glamour only ever sees a block of this walk's own.
		own := ast.NewFencedCodeBlock(n.Info)
		own.SetLines(n.Lines())
		if s = r.codeBlock(n, own); s == nil {
			s = own
		}
	case *ast.CodeBlock:
		s = r.codeBlock(n, nil)
	case *ast.String:
		// Glamour has no case for a String: it prints a warning. (Inside
		// a node that draws its children, the clone below has none.)
		if r.drawn == 0 {
			s = r.addText(string(n.Value))
		}
	case *astext.TableCell:
		if !drawable(n) || r.hasPostLink(n) {
			return r.cloneCell(n)
		}
	case *ast.Emphasis, *astext.Strikethrough:
		if r.drawn == 0 && r.hasPostLinkChild(n) {
			s = r.splitAtPostLinks(n)
			break
		}
		if r.drawn == 0 && (!drawable(n) || hasSoftBreak(n) || r.hasPostLink(n)) {
			s = r.clone(n)
			r.unsoft(s)
		}
	case *ast.Link, *ast.AutoLink:
		// Glamour draws their children itself: one it cannot draw would
		// make it panic; the clone has its plain text instead. A soft
		// line break inside is a space (see newWalk). A link to a post
		// inside becomes what postLinkNodes shows.
		if r.drawn == 0 && (!drawable(n) || hasSoftBreak(n) || r.hasPostLink(n)) {
			s = r.clone(n)
			r.unsoft(s)
		}
	case *ast.Text:
		if r.drawn == 0 && n.SoftLineBreak() {
			s = r.clone(n)
			r.unsoft(s)
		}
	case *ast.Paragraph:
		// Glamour writes a list item's paragraphs straight after each
		// other ("itemin list", glamour#167): from the second on, a
		// paragraph outside the item's own text is drawn as a paragraph.
		if p := n.Parent(); p != nil && p.Kind() == ast.KindListItem && n.PreviousSibling() != nil {
			c := ast.NewParagraph()
			gap := r.addText("")
			gap.SetHardLineBreak(true) // glamour draws it as the paragraph's first, not a new line
			c.AppendChild(c, gap)
			r.cloneChildren(c, n)
			r.unsoft(c)
			s = c
		}
	}
	if s == nil {
		return nil
	}
	p := newBlock()
	p.AppendChild(p, s)
	return s
}

// drawable reports whether glamour can draw everything inside n.
func drawable(n ast.Node) bool {
	ok := true
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && c != n && !drawnInline[c.Kind()] {
			ok = false
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return ok
}

// room is how many columns glamour gives the content of a block at n's
// place: the word wrap less the indentation and margins of the blocks
// around it, as glamour's BlockStack.Width counts them. An indent token
// wider than a column (the block quote's "│ ") is counted at its width,
// which glamour does not do, so that what fits here is not wrapped again
// further out.
func (r *walk) room(n ast.Node) int {
	room := r.width
	lists := 0
	for a := n.Parent(); a != nil; a = a.Parent() {
		var sb ansi.StyleBlock
		switch a.Kind() {
		case ast.KindDocument:
			sb = r.cfg.Document
		case ast.KindBlockquote:
			sb = r.cfg.BlockQuote
		case astext.KindDefinitionList:
			sb = r.cfg.DefinitionList
		case ast.KindList:
			// Glamour indents the outermost list by List.Indent and each
			// list inside another by LevelIndent: of k lists, k-1 here,
			// the outermost after the loop.
			if lists > 0 {
				room -= int(r.cfg.List.LevelIndent)
			}
			lists++
			sb = r.cfg.List.StyleBlock
			sb.Indent = nil
		default:
			continue
		}
		indent := int(deref(sb.Indent))
		if sb.IndentToken != nil {
			indent *= max(1, xansi.StringWidth(*sb.IndentToken))
		}
		room -= indent + 2*int(deref(sb.Margin))
	}
	if lists > 0 {
		room -= int(deref(r.cfg.List.Indent))
	}
	return room
}

func deref(u *uint) uint {
	if u == nil {
		return 0
	}
	return *u
}

// own makes src this walk's copy, before it is changed or grown.
func (r *walk) own() {
	if !r.owned {
		r.src = bytes.Clone(r.src)
		r.owned = true
	}
}

// addSegment puts s after the text in src and returns where it is.
func (r *walk) addSegment(s string) text.Segment {
	r.own()
	start := len(r.src)
	r.src = append(r.src, s...)
	return text.NewSegment(start, len(r.src))
}

// addText returns a Text node that shows s as written: glamour decodes
// character references in text, so "&" goes in as one.
func (r *walk) addText(s string) *ast.Text {
	return ast.NewTextSegment(r.addSegment(strings.ReplaceAll(s, "&", "&amp;")))
}

// kindBlock is the kind of the containers that hold substitutes. Glamour
// has no function for it, so a walk passes through to its children.
var kindBlock = ast.NewNodeKind("sshblogBlock")

type block struct{ ast.BaseBlock }

func newBlock() *block { return &block{} }

func (b *block) Kind() ast.NodeKind { return kindBlock }

func (b *block) Dump(source []byte, level int) { ast.DumpHelper(b, source, level, nil, nil) }

// hasSoftBreak reports whether a text inside n ends with a soft line break.
func hasSoftBreak(n ast.Node) bool {
	found := false
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering && t.SoftLineBreak() {
			found = true
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return found
}

// unsoft turns the soft line breaks in n, a tree of this walk's own, into
// spaces: glamour, keeping newlines, would break the line there.
func (r *walk) unsoft(n ast.Node) {
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering && t.SoftLineBreak() {
			t.Segment = r.addSegment(string(t.Segment.Value(r.src)) + " ")
			t.SetSoftLineBreak(false)
		}
		return ast.WalkContinue, nil
	})
}
