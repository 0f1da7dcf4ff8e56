package content

import "github.com/yuin/goldmark"

// footnoteExtension reads footnotes: markers as [1], the notes numbered at the end.
type footnoteExtension struct{}

// Extend implements goldmark.Extender.
func (footnoteExtension) Extend(m goldmark.Markdown) {}
