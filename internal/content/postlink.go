package content

import (
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// postLinkExtension makes a bare "sshblog:SLUG" in text a link, as a
// {% post_url %} or {{< ref >}} outside link syntax leaves it: Jekyll's
// site would show the post's URL there; the renderer shows the deep link
// that opens the post. Inside [text](…) and <…> goldmark's own parsers
// see the URL first.
type postLinkExtension struct{}

func (postLinkExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(postLinkParser{}, 998)))
}

type postLinkParser struct{}

// Trigger is Linkify's: goldmark calls inline parsers only at spaces,
// punctuation and the start of a line (given as ' '), never at a letter.
func (postLinkParser) Trigger() []byte { return []byte{' ', '*', '_', '~', '('} }

func (postLinkParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, seg := block.PeekLine()
	lead := 0
	if len(line) > 0 {
		switch line[0] {
		case ' ', '*', '_', '~', '(':
			lead = 1
		}
	}
	if lead == 0 {
		if r := block.PrecendingCharacter(); unicode.IsLetter(r) || unicode.IsDigit(r) {
			return nil // "mysshblog:x" is not a link
		}
	}
	rest := line[lead:]
	if len(rest) <= len(PostLinkScheme) || string(rest[:len(PostLinkScheme)]) != PostLinkScheme {
		return nil
	}
	n := len(PostLinkScheme)
	for n < len(rest) {
		r, size := utf8.DecodeRune(rest[n:])
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '-' || r == '_' || r == '.' || r == '%') {
			break
		}
		n += size
	}
	for n > len(PostLinkScheme) && rest[n-1] == '.' {
		n-- // the end of a sentence, not of the slug
	}
	if n == len(PostLinkScheme) {
		return nil
	}
	if lead > 0 {
		ast.MergeOrAppendTextSegment(parent, seg.WithStop(seg.Start+lead))
	}
	block.Advance(lead + n)
	return ast.NewAutoLink(ast.AutoLinkURL, ast.NewTextSegment(text.NewSegment(seg.Start+lead, seg.Start+lead+n)))
}
