package content

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// strikethroughExtension reads strikethrough: ~~text~~ only; a single tilde stays a tilde.
// goldmark's own extension.Strikethrough (and so GFM, and Hugo) also
// strikes ~text~, which turns "1~9장에서는, 10~14장에서는" into struck
// text; kramdown's GFM parser, Jekyll's default, strikes ~~ only.
type strikethroughExtension struct{}

// Extend implements goldmark.Extender.
func (strikethroughExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(strikeParser{}, 500),
	))
}

// strikeParser pushes a delimiter for each run of exactly two tildes, as
// goldmark's strikethrough parser does for runs of one or two; the
// delimiter processor pairs them into Strikethrough nodes. A run it turns
// down is left to the other parsers and then to text.
type strikeParser struct{}

func (strikeParser) Trigger() []byte { return []byte{'~'} }

func (strikeParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	before := block.PrecendingCharacter()
	if before == '~' { // the tail of a longer run goldmark is reading as text
		return nil
	}
	line, segment := block.PeekLine()
	d := parser.ScanDelimiter(line, before, 2, strikeDelimiter{})
	if d == nil || d.OriginalLength != 2 {
		return nil
	}
	d.Segment = segment.WithStop(segment.Start + d.OriginalLength)
	block.Advance(d.OriginalLength)
	pc.PushDelimiter(d)
	return d
}

func (strikeParser) CloseBlock(parent ast.Node, pc parser.Context) {}

type strikeDelimiter struct{}

func (strikeDelimiter) IsDelimiter(b byte) bool { return b == '~' }

func (strikeDelimiter) CanOpenCloser(opener, closer *parser.Delimiter) bool {
	return opener.Char == closer.Char
}

func (strikeDelimiter) OnMatch(consumes int) ast.Node { return extast.NewStrikethrough() }
