package content

import "github.com/yuin/goldmark"

// htmlExtension turns raw HTML into nodes. kramdown: HTML blocks run to
// their closing tag, as kramdown reads them.
type htmlExtension struct{ kramdown bool }

// Extend implements goldmark.Extender.
func (htmlExtension) Extend(m goldmark.Markdown) {}
