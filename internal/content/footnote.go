package content

import (
	"strconv"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// footnoteExtension reads footnotes: markers as [1], the notes numbered at the end.
//
// Definitions are read by goldmark's footnote block parser; the rest of
// goldmark's extension.Footnote is not used. glamour's renderer has no
// case for its FootnoteLink, FootnoteBacklink and FootnoteList nodes; it
// finds each reference by walking the list of definitions and sorts the
// notes by insertion, both quadratic in the number of notes; and a
// definition inside another one loses its text (the list lands inside the
// outer note, which is then moved into the list: a cycle the inline parser
// never reaches).
//
// Here the notes are numbered as kramdown numbers them: references in the
// text in reading order, then those in the notes so far, note by note;
// Hugo (goldmark) differs only when a note refers to another note. Each
// reference becomes the text "[n]"; the notes referred to go to the end as
// a thematic break and an ordered list from 1, note n as item n, which
// glamour shows as "n.": an ordered list keeps a note of several blocks
// together under its number, where items reading "[n] ..." would show
// "1. [1] ..." (or "• [1] ..." unordered). Notes never referred to are
// dropped, as kramdown drops them.
type footnoteExtension struct{}

// Extend implements goldmark.Extender.
func (footnoteExtension) Extend(m goldmark.Markdown) {
	// The parsers come before goldmark's own (999, 101), so that the parse
	// is the same should extension.Footnote be registered as well.
	m.Parser().AddOptions(
		parser.WithBlockParsers(util.Prioritized(nestingBound{footnoteDefParser{extension.NewFootnoteBlockParser()}}, 998)),
		parser.WithInlineParsers(util.Prioritized(footnoteRefParser{}, 100)),
		parser.WithASTTransformers(util.Prioritized(footnoteTransformer{}, 1000)),
	)
}

// footnotes is what one parse knows of its footnotes.
type footnotes struct {
	defs map[string]*extast.Footnote // by label; the first definition of a label counts, as in goldmark
	list *extast.FootnoteList        // the definitions, while goldmark reads their inlines

	// refs are the references by the note they are in (nil: the text), in
	// reading order.
	refs map[*extast.Footnote][]footnoteRef

	// The block whose inlines are being read, and the note it is in.
	block ast.Node
	in    *extast.Footnote
}

type footnoteRef struct {
	node ast.Node // a FootnoteLink standing in for the marker
	note *extast.Footnote
	bang bool // ![^1], which goldmark reads as "!" and a reference
}

var footnotesKey = parser.NewContextKey()

// footnoteDefParser is goldmark's footnote block parser with a Close of
// its own, which files each definition by its label and puts the list of
// definitions outside any of them.
type footnoteDefParser struct{ parser.BlockParser }

func (footnoteDefParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	fn := node.(*extast.Footnote)
	f, _ := pc.Get(footnotesKey).(*footnotes)
	if f == nil {
		f = &footnotes{defs: make(map[string]*extast.Footnote), refs: make(map[*extast.Footnote][]footnoteRef)}
		pc.Set(footnotesKey, f)
	}
	if f.list == nil {
		// Where the first definition is, as goldmark puts it, for goldmark
		// to read the notes' inlines there, but before the outermost
		// definition holding this one: that one is moved into the list.
		at := ast.Node(fn)
		for a := fn.Parent(); a != nil; a = a.Parent() {
			if _, ok := a.(*extast.Footnote); ok {
				at = a
			}
		}
		f.list = extast.NewFootnoteList()
		at.Parent().InsertBefore(at.Parent(), at, f.list)
	}
	fn.Parent().RemoveChild(fn.Parent(), fn)
	f.list.AppendChild(f.list, fn)
	if _, ok := f.defs[string(fn.Ref)]; !ok {
		f.defs[string(fn.Ref)] = fn
	}
}

// footnoteRefParser reads a reference, [^label] (or ![^label]), to a
// defined label. Block parsing is over when inlines are read, so every
// definition is known, even those after the reference. The number is
// given once all references are known.
type footnoteRefParser struct{}

func (footnoteRefParser) Trigger() []byte { return []byte{'!', '['} }

func (footnoteRefParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
	pos := 1
	if line[0] == '!' {
		pos++
	}
	if pos+1 >= len(line) || line[pos] != '^' {
		return nil
	}
	pos++
	closes := util.FindClosure(line[pos:], '[', ']', false, false) // on one line, as goldmark reads a label
	if closes < 0 {
		return nil
	}
	f, _ := pc.Get(footnotesKey).(*footnotes)
	if f == nil {
		return nil
	}
	// The label from the line, not block.Value, which costs as many steps
	// as the paragraph has lines.
	fn := f.defs[string(line[pos:pos+closes])]
	if fn == nil {
		return nil // a link's text, or just text
	}
	block.Advance(pos + closes + 1)
	if parent != f.block {
		f.block, f.in = parent, nil
		for a := parent; a != nil; a = a.Parent() {
			if n, ok := a.(*extast.Footnote); ok {
				f.in = n
				break
			}
		}
	}
	link := extast.NewFootnoteLink(0)
	f.refs[f.in] = append(f.refs[f.in], footnoteRef{node: link, note: fn, bang: line[0] == '!'})
	return link
}

func (footnoteRefParser) CloseBlock(parent ast.Node, pc parser.Context) {}

// footnoteTransformer numbers the notes, writes the markers and moves the
// notes referred to to the end.
type footnoteTransformer struct{}

func (footnoteTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	f, _ := pc.Get(footnotesKey).(*footnotes)
	if f == nil {
		return
	}
	if p := f.list.Parent(); p != nil {
		p.RemoveChild(p, f.list)
	}
	tb := textBufOf(pc)
	number := make(map[*extast.Footnote]int)
	var notes []*extast.Footnote
	mark := func(refs []footnoteRef) {
		for _, r := range refs {
			n, ok := number[r.note]
			if !ok {
				notes = append(notes, r.note)
				n = len(notes)
				number[r.note] = n
			}
			marker := "[" + strconv.Itoa(n) + "]"
			if r.bang {
				marker = "!" + marker
			}
			if p := r.node.Parent(); p != nil {
				p.ReplaceChild(p, r.node, tb.text(marker))
			}
		}
	}
	mark(f.refs[nil])
	for i := 0; i < len(notes); i++ { // notes grows as the notes refer to others
		mark(f.refs[notes[i]])
	}
	if len(notes) == 0 {
		return
	}
	list := ast.NewList('.')
	list.Start = 1
	for _, fn := range notes {
		item := ast.NewListItem(len("1. "))
		for c := fn.FirstChild(); c != nil; {
			next := c.NextSibling()
			item.AppendChild(item, c)
			c = next
		}
		if item.ChildCount() > 1 {
			list.IsTight = false
		}
		list.AppendChild(list, item)
	}
	doc.AppendChild(doc, ast.NewThematicBreak())
	doc.AppendChild(doc, list)
}
