package render

import (
	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark/ast"
	astext "github.com/yuin/goldmark/extension/ast"
)

// wideTable returns, for a table too wide for its room, the same cells as
// one block per row, a line per cell, "Header: value", with a blank line
// between rows; and nil for a table that fits, which glamour draws.
// Glamour would squeeze a wide table into the room, cutting cells short
// (with "…" or without) and breaking the rest over lines.
func (r *walk) wideTable(t *astext.Table) ast.Node {
	var header ast.Node
	var rows []ast.Node
	for c := t.FirstChild(); c != nil; c = c.NextSibling() {
		switch c.Kind() {
		case astext.KindTableHeader:
			header = c
		case astext.KindTableRow:
			rows = append(rows, c)
		}
	}
	if r.tableWidth(header, rows) <= r.room(t) {
		return nil
	}

	var heads []ast.Node // by column; nil where there is no header
	switch {
	case len(rows) == 0 && header != nil:
		rows = []ast.Node{header} // a head with no body: its cells, unlabelled
	case header != nil:
		for c := header.FirstChild(); c != nil; c = c.NextSibling() {
			heads = append(heads, c)
		}
	}
	sub := newBlock()
	for i, row := range rows {
		col := 0
		first := true
		for cell := row.FirstChild(); cell != nil; cell, col = cell.NextSibling(), col+1 {
			if cell.FirstChild() == nil {
				continue // an empty cell says nothing
			}
			p := ast.NewParagraph()
			if col < len(heads) && heads[col].FirstChild() != nil {
				// Bold, as glamour shows strong text in the style.
				strong := ast.NewEmphasis(2)
				r.cloneChildren(strong, heads[col])
				p.AppendChild(p, strong)
				p.AppendChild(p, r.addText(": "))
			}
			r.cloneChildren(p, cell)
			// Glamour puts a blank line before a paragraph that has a
			// sibling before it: so the first line of a row gets one
			// (but not the table's first, unless something came before
			// the table), and every other line is held alone in a block
			// to go without.
			switch {
			case first && (i > 0 || t.PreviousSibling() != nil):
				sub.AppendChild(sub, newBlock())
				sub.AppendChild(sub, p)
			default:
				b := newBlock()
				b.AppendChild(b, p)
				sub.AppendChild(sub, b)
			}
			first = false
		}
	}
	return sub
}

// tableWidth is about how wide glamour draws the table with no cell cut
// short: each column as wide as its widest cell, plus the cell margins
// (one column each side, and Table.Margin more as padding) and a
// separator between columns, less the last column's right margin, which
// the table does without at the edge.
func (r *walk) tableWidth(header ast.Node, rows []ast.Node) int {
	var widths []int
	measure := func(row ast.Node) {
		col := 0
		for cell := row.FirstChild(); cell != nil; cell, col = cell.NextSibling(), col+1 {
			w := ansi.StringWidth(r.doc.PlainText(cell)) + r.marks(cell)
			if col == len(widths) {
				widths = append(widths, 0)
			}
			widths[col] = max(widths[col], w)
		}
	}
	if header != nil {
		measure(header)
	}
	for _, row := range rows {
		measure(row)
	}
	if len(widths) == 0 {
		return 0
	}
	pad := 2 + 2*int(deref(r.cfg.Table.Margin))
	total := len(widths) - 1 - 1 // separators, less the last right margin
	for _, w := range widths {
		total += w + pad
	}
	return total
}

// marks is how many columns glamour adds to the text of a cell: a code
// span's prefix and suffix, and a link's number ("[1]") that points to
// the list of links glamour puts below the table.
func (r *walk) marks(cell ast.Node) int {
	code := ansi.StringWidth(r.cfg.Code.Prefix + r.cfg.Code.Suffix) // glamour draws no BlockPrefix for one
	w := 0
	ast.Walk(cell, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindCodeSpan:
			w += code
		case ast.KindLink, ast.KindAutoLink, ast.KindImage:
			if slug, ok := r.postLinkTarget(n); ok {
				w += 1 + ansi.StringWidth(DeepLink(r.links.host, slug)) + code // " ssh -t HOST SLUG"
				break
			}
			w += len("[10]")
		}
		return ast.WalkContinue, nil
	})
	return w
}

// cloneCell returns a copy of a table cell with what glamour cannot draw
// as plain text. Glamour reads from the cell's parent whether it is in the
// head and from its grandparent that it is in a table: the copy has
// stand-ins for both.
func (r *walk) cloneCell(cell *astext.TableCell) ast.Node {
	r.inTable = true
	defer func() { r.inTable = false }()
	var row ast.Node = astext.NewTableRow(nil)
	if cell.Parent() != nil && cell.Parent().Kind() == astext.KindTableHeader {
		row = astext.NewTableHeader(astext.NewTableRow(nil))
	}
	table := astext.NewTable()
	table.AppendChild(table, row)
	c := astext.NewTableCell()
	c.Alignment = cell.Alignment
	r.cloneChildren(c, cell)
	row.AppendChild(row, c)
	return c
}

// cloneChildren appends to dst copies of the inline nodes in src: new
// nodes, pointing at the same text, so that the shared tree stays as it
// is. A node of a kind glamour does not draw inline becomes its plain
// text. Texts that follow each other in the source become one: the
// parser splits text at characters that might have started markup, and
// glamour would style each piece apart ("**a**** b**" in the no-colour
// style's bold).
func (r *walk) cloneChildren(dst, src ast.Node) {
	r.cloneRange(dst, src.FirstChild(), nil)
}

// cloneRange is cloneChildren for the siblings from first up to end
// (exclusive; nil for all that follow).
func (r *walk) cloneRange(dst, first, end ast.Node) {
	for c := first; c != nil && c != end; c = c.NextSibling() {
		if slug, ok := r.postLinkTarget(c); ok {
			for _, n := range r.postLinkNodes(c, slug) {
				dst.AppendChild(dst, n)
			}
			continue
		}
		if t, ok := c.(*ast.Text); ok {
			if last, ok := dst.LastChild().(*ast.Text); ok && joins(last, t) {
				last.Segment = last.Segment.WithStop(t.Segment.Stop)
				last.SetSoftLineBreak(t.SoftLineBreak())
				last.SetHardLineBreak(t.HardLineBreak())
				continue
			}
		}
		dst.AppendChild(dst, r.clone(c))
	}
}

// joins reports whether b's text goes on from a's, with nothing between.
func joins(a, b *ast.Text) bool {
	return a.Segment.Stop == b.Segment.Start && a.Segment.Padding == 0 && b.Segment.Padding == 0 &&
		!a.SoftLineBreak() && !a.HardLineBreak() && a.IsRaw() == b.IsRaw()
}

func (r *walk) clone(n ast.Node) ast.Node {
	var c ast.Node
	switch n := n.(type) {
	case *ast.Text:
		t := ast.NewTextSegment(n.Segment)
		t.SetSoftLineBreak(n.SoftLineBreak())
		t.SetHardLineBreak(n.HardLineBreak())
		t.SetRaw(n.IsRaw())
		return t
	case *ast.String:
		// Glamour has no case for a String: it prints a warning.
		return r.addText(string(n.Value))
	case *ast.AutoLink:
		// Its text is not reachable but as bytes: copied.
		a := ast.NewAutoLink(n.AutoLinkType, ast.NewTextSegment(r.addSegment(string(n.Label(r.src)))))
		a.Protocol = n.Protocol
		return a
	case *ast.RawHTML:
		h := ast.NewRawHTML()
		for i := range n.Segments.Len() {
			h.Segments.Append(n.Segments.At(i))
		}
		return h
	case *ast.CodeSpan:
		c = ast.NewCodeSpan()
	case *ast.Emphasis:
		c = ast.NewEmphasis(n.Level)
	case *astext.Strikethrough:
		c = astext.NewStrikethrough()
	case *ast.Link:
		l := ast.NewLink()
		l.Destination, l.Title = n.Destination, n.Title
		c = l
	case *ast.Image:
		im := ast.NewImage(ast.NewLink())
		im.Destination, im.Title = n.Destination, n.Title
		c = im
	default:
		return r.addText(r.doc.PlainText(n))
	}
	r.cloneChildren(c, n)
	return c
}
