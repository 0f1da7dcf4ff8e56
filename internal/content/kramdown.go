package content

import "github.com/yuin/goldmark"

// kramdownExtension reads kramdown: attribute lists, its tables.
type kramdownExtension struct{}

// Extend implements goldmark.Extender.
func (kramdownExtension) Extend(m goldmark.Markdown) {}
