package content

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkifyExtension is goldmark's Linkify (bare URLs and e-mail addresses
// become links) with its e-mail scan bounded. On each trigger character
// Linkify scans the whole run of e-mail characters that follows, so a line
// of "a*b" repeated cost the square of its length (docs/upstream.md): 15 s
// for one post of 512 KB. An address is far shorter than maxEmailScan, and
// URLs, which Linkify matches with a regular expression that stops at the
// first space, are given the whole line as before.
type linkifyExtension struct{}

// maxEmailScan is how far past a trigger Linkify may look for an address.
const maxEmailScan = 256

func (linkifyExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(
		util.Prioritized(boundedLinkify{extension.NewLinkifyParser()}, 999), // Linkify's own priority
	))
}

type boundedLinkify struct{ parser.InlineParser }

var urlStarts = [][]byte{[]byte("http://"), []byte("https://"), []byte("ftp://"), []byte("www.")}

func (b boundedLinkify) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
	rest := line
	if len(rest) > 0 {
		switch rest[0] {
		case ' ', '*', '_', '~', '(':
			rest = rest[1:]
		}
	}
	for _, p := range urlStarts {
		if bytes.HasPrefix(rest, p) {
			return b.InlineParser.Parse(parent, block, pc)
		}
	}
	if len(line) <= maxEmailScan {
		return b.InlineParser.Parse(parent, block, pc)
	}
	return b.InlineParser.Parse(parent, shortLine{block}, pc)
}

// shortLine shows Linkify at most maxEmailScan bytes of the line.
type shortLine struct{ text.Reader }

func (s shortLine) PeekLine() ([]byte, text.Segment) {
	line, seg := s.Reader.PeekLine()
	if len(line) > maxEmailScan {
		line, seg = line[:maxEmailScan], seg.WithStop(seg.Start+maxEmailScan)
	}
	return line, seg
}
