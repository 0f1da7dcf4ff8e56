package render

import (
	"bytes"
	"strings"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters"
	"github.com/alecthomas/chroma/v2/lexers"
	chromastyles "github.com/alecthomas/chroma/v2/styles"
	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// continuation starts the part of a code line that did not fit on the
// line above. At the start of the line, where a reader's eye looks for the
// indentation that gives code its shape, rather than at the ragged end of
// the line before: vim's showbreak puts it there too. "↪" is one column
// wide in every terminal (not East Asian ambiguous, unlike most arrows).
const continuation = "↪ "

// codeFormatter is the chroma formatter glamour highlights code with when
// its options name none.
const codeFormatter = "terminal256"

// codeBlock returns, for a code block with a line too wide for its room
// or with tabs, a code block of the same lines with tabs expanded to four
// spaces and each too wide line cut at the room, the rest going on
// following lines after the continuation sign; and nil for a block glamour
// can show as it is. Glamour does not wrap code; the blocks around it
// would then break a long line at any space or punctuation, its rest
// back at the margin with nothing to tell it from a line of its own.
//
// The wrapped code is highlighted here, before it is cut, and handed to
// glamour as plain text: a sign in the code would be lexed as code,
// mostly as an error token (shown on red), and a cut would end strings
// and comments early.
//
// fence is a copy of n when n is a fenced block, that glamour and this may
// ask for its language (see substitute); nil for an indented block.
func (r *walk) codeBlock(n ast.Node, fence *ast.FencedCodeBlock) ast.Node {
	room := r.room(n) - int(deref(r.cfg.CodeBlock.Indent)) - int(deref(r.cfg.CodeBlock.Margin))
	if room <= ansi.StringWidth(continuation) {
		room = 0 // no room to wrap in: fitLines cuts what it must
	}
	lines := n.Lines()
	if !needsRewrite(lines, r.doc.Source, room) {
		return nil
	}
	var code strings.Builder
	var cuts []int // where in code a line is cut
	for i := range lines.Len() {
		seg := lines.At(i)
		// Glamour measures a tab as no columns wide, and a terminal draws
		// it up to eight; Markdown reads it as four.
		line := strings.ReplaceAll(string(seg.Value(r.doc.Source)), "\t", "    ")
		start := code.Len()
		code.WriteString(line)
		if body := strings.TrimSuffix(line, "\n"); tooWide(body, room) {
			for _, at := range cutPoints(body, room, room-ansi.StringWidth(continuation)) {
				cuts = append(cuts, start+at)
			}
		}
	}

	text := code.String()
	if len(cuts) > 0 {
		lang := ""
		if fence != nil {
			lang = string(fence.Language(r.src))
		}
		// Every colour style names a chroma theme (styles.go); the
		// no-colour style has none, and glamour shows its code plain.
		if theme := r.cfg.CodeBlock.Theme; theme != "" {
			if hl, ok := highlight(text, lang, theme, cuts); ok {
				sub := ast.NewFencedCodeBlock(ast.NewTextSegment(r.addSegment("plaintext")))
				sub.Lines().Append(r.addSegment(hl))
				return sub
			}
		}
		text = cutPlain(text, cuts)
	}
	var sub ast.Node = ast.NewCodeBlock()
	if fence != nil {
		sub = ast.NewFencedCodeBlock(fence.Info)
	}
	// Glamour joins a block's lines: one segment holds them all.
	sub.Lines().Append(r.addSegment(text))
	return sub
}

// needsRewrite reports whether a code block's lines hold a tab or a line
// too wide for room (0: none is).
func needsRewrite(lines *text.Segments, src []byte, room int) bool {
	for i := range lines.Len() {
		seg := lines.At(i)
		v := seg.Value(src)
		if bytes.IndexByte(v, '\t') >= 0 || tooWide(string(bytes.TrimSuffix(v, []byte("\n"))), room) {
			return true
		}
	}
	return false
}

// tooWide reports whether line is wider than room (0: never).
func tooWide(line string, room int) bool {
	// A line is at most as many columns wide as it has bytes: most need
	// no measuring.
	return room > 0 && len(line) > room && ansi.StringWidth(line) > room
}

// cutPoints returns where in line (byte offsets) to cut it so that its
// first part is at most first columns wide and each following part at
// most rest. Every part holds at least one grapheme, however wide.
func cutPoints(line string, first, rest int) []int {
	var cuts []int
	limit, col := first, 0
	for i := 0; i < len(line); {
		g, w := ansi.FirstGraphemeCluster(line[i:], ansi.GraphemeWidth)
		if col+w > limit && col > 0 {
			cuts = append(cuts, i)
			limit, col = rest, 0
		}
		col += w
		i += len(g)
	}
	return cuts
}

// cutPlain puts a line break and the continuation sign at each cut.
func cutPlain(code string, cuts []int) string {
	var b strings.Builder
	from := 0
	for _, at := range cuts {
		b.WriteString(code[from:at])
		b.WriteString("\n" + continuation)
		from = at
	}
	b.WriteString(code[from:])
	return b.String()
}

// highlight colours code as glamour would (quick.Highlight, with the
// style's chroma theme) and then cuts it at cuts, the continuation sign
// coloured as a comment. ok is false when chroma fails.
func highlight(code, lang, theme string, cuts []int) (string, bool) {
	l := lexers.Get(lang)
	if l == nil {
		l = lexers.Analyse(code)
	}
	if l == nil {
		l = lexers.Fallback
	}
	it, err := chroma.Coalesce(l).Tokenise(nil, code)
	if err != nil {
		return "", false
	}
	var toks []chroma.Token
	pos := 0
	for tok := it(); tok != chroma.EOF; tok = it() {
		v := tok.Value
		for len(cuts) > 0 && cuts[0] < pos+len(v) {
			at := max(cuts[0]-pos, 0)
			if at > 0 {
				toks = append(toks, chroma.Token{Type: tok.Type, Value: v[:at]})
			}
			toks = append(toks,
				chroma.Token{Type: chroma.Text, Value: "\n"},
				chroma.Token{Type: chroma.Comment, Value: continuation})
			v, pos, cuts = v[at:], pos+at, cuts[1:]
		}
		if v != "" {
			toks = append(toks, chroma.Token{Type: tok.Type, Value: v})
		}
		pos += len(v)
	}
	var b strings.Builder
	if err := formatters.Get(codeFormatter).Format(&b, chromastyles.Get(theme), chroma.Literator(toks...)); err != nil {
		return "", false
	}
	return b.String(), true
}
