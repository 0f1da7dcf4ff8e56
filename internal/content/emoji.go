package content

import (
	"github.com/yuin/goldmark"
	emoji "github.com/yuin/goldmark-emoji"
	emojiast "github.com/yuin/goldmark-emoji/ast"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// emojiExtension shows GitHub's emoji codes as the emoji, as Hugo does with
// enableEmoji and Jekyll with the jemoji plugin: goldmark-emoji finds them
// (":smile:", ":+1:"), and emojiText makes each a text node of its
// character, which the renderer, the description and the word count all
// read as text. Unknown codes stay as written.
type emojiExtension struct{}

func (emojiExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithInlineParsers(util.Prioritized(emoji.NewParser(), 999)),
		parser.WithASTTransformers(util.Prioritized(emojiText{}, 999)),
	)
}

type emojiText struct{}

func (emojiText) Transform(doc *ast.Document, _ text.Reader, pc parser.Context) {
	var found []*emojiast.Emoji
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if e, ok := n.(*emojiast.Emoji); ok && entering {
			found = append(found, e)
		}
		return ast.WalkContinue, nil
	})
	if len(found) == 0 {
		return
	}
	tb := textBufOf(pc)
	for _, e := range found {
		s := string(e.ShortName)
		if e.Value != nil && len(e.Value.Unicode) > 0 {
			s = string(e.Value.Unicode)
		} else {
			s = ":" + s + ":"
		}
		e.Parent().ReplaceChild(e.Parent(), e, tb.text(s))
	}
}
