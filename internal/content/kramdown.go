package content

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/sshblog/sshblog/internal/sanitize"
)

// kramdownExtension reads the kramdown syntax Jekyll sites use
// (https://kramdown.gettalong.org/syntax.html): attribute lists and
// extension tags, which style the page and show nothing, a table of
// contents in place of a "* TOC" list marked {:toc}, and kramdown's tables.
type kramdownExtension struct{}

// Extend implements goldmark.Extender.
func (kramdownExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		// kramdown's header IDs: "# Title {#id}".
		parser.WithHeadingAttribute(),
		parser.WithBlockParsers(util.Prioritized(kramdownBlockParser{}, 100)),
		parser.WithInlineParsers(util.Prioritized(spanIALParser{}, 100)),
		// After link reference definitions (100), before GFM tables (200).
		parser.WithParagraphTransformers(util.Prioritized(kramdownTableTransformer{}, 150)),
		// Late, so that the headings a table of contents lists hold their
		// final text.
		parser.WithASTTransformers(util.Prioritized(kramdownTransformer{}, 900)),
	)
}

// kramdownTag is a "{:...}" tag, as kramdown's block and span parsers see
// one.
type kramdownTag struct {
	kind  kramdownTagKind
	name  string // an extension's name
	attrs []byte // an attribute list's content
	// selfClosing extension tags ({::options x="y" /}) have no body.
	selfClosing bool
}

type kramdownTagKind int

const (
	tagIAL      kramdownTagKind = iota + 1 // {: .class #id key="v" ref}
	tagALD                                 // {:name: .class}, defining a reference
	tagExtStart                            // {::comment}, {::nomarkdown}, {::options x="y" /}
	tagExtStop                             // {:/comment} or {:/}
)

// kramdownExtensions are the extensions kramdown knows; it shows any
// other "{::name}" as text.
var kramdownExtensions = map[string]bool{"comment": true, "nomarkdown": true, "options": true}

// parseKramdownTag reads the tag s starts with, up to its closing brace,
// which must be on the line. n is the tag's length.
func parseKramdownTag(s []byte) (tag kramdownTag, n int, ok bool) {
	if len(s) < 3 || s[0] != '{' || s[1] != ':' {
		return tag, 0, false
	}
	if s[2] == '/' { // a stop tag's name is a word: no need to look for the brace
		name := wordLen(s[3:], true)
		if 3+name >= len(s) || s[3+name] != '}' {
			return tag, 0, false
		}
		return kramdownTag{kind: tagExtStop, name: string(s[3 : 3+name])}, 3 + name + 1, true
	}
	// The content runs to the first brace not escaped by a backslash.
	end := -1
	for i := 2; i < len(s) && s[i] != '\n'; i++ {
		if s[i] == '\\' && i+1 < len(s) && s[i+1] == '}' {
			i++
			continue
		}
		if s[i] == '}' {
			end = i
			break
		}
	}
	if end <= 2 {
		return tag, 0, false
	}
	content := s[2:end]
	n = end + 1
	if content[0] == ':' {
		word := wordLen(content[1:], false)
		rest := content[1+word:]
		tag = kramdownTag{kind: tagExtStart, name: string(content[1 : 1+word])}
		if len(rest) > 0 && rest[len(rest)-1] == '/' {
			tag.selfClosing = true
			rest = rest[:len(rest)-1]
		}
		if !kramdownExtensions[tag.name] || len(rest) > 0 && !util.IsSpace(rest[0]) {
			return tag, 0, false
		}
		return tag, n, true
	}
	if w := wordLen(content, true); w > 0 && w+1 < len(content) && content[w] == ':' {
		return kramdownTag{kind: tagALD}, n, true
	}
	return kramdownTag{kind: tagIAL, attrs: content}, n, true
}

// wordLen is the length of the kramdown name s starts with: a word
// character, then word characters or (if dash) dashes.
func wordLen(s []byte, dash bool) int {
	i := 0
	for i < len(s) && (util.IsAlphaNumeric(s[i]) || s[i] == '_' || dash && i > 0 && s[i] == '-') {
		i++
	}
	return i
}

// ialMarks reports the two attributes sshblog acts on: the "toc" reference
// that asks for a table of contents, and the "no_toc" class that keeps a
// heading out of it.
func ialMarks(attrs []byte) (toc, noTOC bool) {
	for i := 0; i < len(attrs); {
		if util.IsSpace(attrs[i]) {
			i++
			continue
		}
		start := i
		for i < len(attrs) && !util.IsSpace(attrs[i]) {
			if q := attrs[i]; (q == '"' || q == '\'') && i > start && attrs[i-1] == '=' {
				// a quoted value may hold spaces
				for i++; i < len(attrs) && attrs[i] != q; i++ {
					if attrs[i] == '\\' {
						i++
					}
				}
			}
			i++
		}
		tok := attrs[start:min(i, len(attrs))]
		if string(tok) == "toc" {
			toc = true
			continue
		}
		// .class#id.class: the names run to the next '.' or '#'
		for j := 0; j < len(tok); j++ {
			if tok[j] != '.' {
				continue
			}
			k := j + 1
			for k < len(tok) && tok[k] != '.' && tok[k] != '#' {
				k++
			}
			if string(tok[j+1:k]) == "no_toc" {
				noTOC = true
			}
			j = k - 1
		}
	}
	return toc, noTOC
}

// kramdownBlock is a line of kramdown syntax that shows nothing (an
// attribute list, a definition, an extension tag), or a comment extension
// with its body. It lives only while goldmark parses: kramdownTransformer
// applies it and takes it out of the tree.
type kramdownBlock struct {
	ast.BaseBlock
	toc, noTOC bool
	// body is the extension whose body the block drops up to its stop
	// tag ("comment", "options"); empty once the stop tag is read.
	body string
}

var kindKramdownBlock = ast.NewNodeKind("KramdownBlock")

func (n *kramdownBlock) Kind() ast.NodeKind            { return kindKramdownBlock }
func (n *kramdownBlock) IsRaw() bool                   { return true }
func (n *kramdownBlock) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

var (
	kramdownBlocksKey = parser.NewContextKey() // []*kramdownBlock, for kramdownTransformer
	extStopsKey       = parser.NewContextKey() // map[string]extStopSearch
	nomarkdownKey     = parser.NewContextKey() // map[int]bool: offsets of nomarkdown stop tags
)

// kramdownBlockParser reads block attribute lists and extension tags: a
// line of its own, which, as in kramdown, ends a paragraph.
type kramdownBlockParser struct{}

func (kramdownBlockParser) Trigger() []byte { return []byte{'{'} }

func (kramdownBlockParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 {
		return nil, parser.NoChildren
	}
	tag, n, ok := parseKramdownTag(line[pos:])
	if !ok || !util.IsBlank(line[pos+n:]) {
		return nil, parser.NoChildren
	}
	start := seg.Start + pos
	node := &kramdownBlock{}
	switch tag.kind {
	case tagIAL:
		node.toc, node.noTOC = ialMarks(tag.attrs)
	case tagExtStart:
		if tag.selfClosing {
			break
		}
		// An extension without its stop tag is text to kramdown.
		stop := findExtStop(pc, reader.Source(), seg.Stop, tag.name)
		if stop < 0 {
			return nil, parser.NoChildren
		}
		if tag.name == "nomarkdown" {
			// Its body is HTML for the page: read it as any other, and
			// drop the tags.
			stops, _ := pc.Get(nomarkdownKey).(map[int]bool)
			if stops == nil {
				stops = map[int]bool{}
				pc.Set(nomarkdownKey, stops)
			}
			stops[stop] = true
		} else {
			node.body = tag.name
		}
	case tagExtStop:
		// only the stop tag of a nomarkdown extension comes here on its own
		stops, _ := pc.Get(nomarkdownKey).(map[int]bool)
		if !stops[start] {
			return nil, parser.NoChildren
		}
		delete(stops, start)
	}
	toLineEnd(reader)
	blocks, _ := pc.Get(kramdownBlocksKey).([]*kramdownBlock)
	pc.Set(kramdownBlocksKey, append(blocks, node))
	return node, parser.NoChildren
}

func (kramdownBlockParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	n := node.(*kramdownBlock)
	if n.body == "" {
		return parser.Close
	}
	line, _ := reader.PeekLine()
	if w, pos := util.IndentWidth(line, reader.LineOffset()); w < 4 {
		if tag, l, ok := parseKramdownTag(line[pos:]); ok && tag.kind == tagExtStop &&
			(tag.name == "" || tag.name == n.body) && util.IsBlank(line[pos+l:]) {
			n.body = ""
			toLineEnd(reader)
			return parser.Close
		}
	}
	return parser.Continue | parser.NoChildren
}

func (kramdownBlockParser) Close(node ast.Node, reader text.Reader, pc parser.Context) {}
func (kramdownBlockParser) CanInterruptParagraph() bool                                { return true }
func (kramdownBlockParser) CanAcceptIndentedLine() bool                                { return false }

// toLineEnd advances the reader to the end of its line, short of the
// newline, so that goldmark finds nothing more on it.
func toLineEnd(reader text.Reader) {
	line, _ := reader.PeekLine()
	n := len(line)
	if n > 0 && line[n-1] == '\n' {
		n--
	}
	reader.Advance(n)
}

// extStopSearch remembers where the last search for an extension's stop
// tag began and what it found (-1: none), so that no part of the source is
// searched twice, however many start tags there are.
type extStopSearch struct{ from, found int }

// findExtStop is the offset of the first stop tag for the extension name
// ({:/name} or {:/}, alone on its line) at or after from, or -1.
func findExtStop(pc parser.Context, src []byte, from int, name string) int {
	searches, _ := pc.Get(extStopsKey).(map[string]extStopSearch)
	if searches == nil {
		searches = map[string]extStopSearch{}
		pc.Set(extStopsKey, searches)
	}
	if s, ok := searches[name]; ok && from >= s.from && (s.found < 0 || s.found >= from) {
		return s.found
	}
	found := -1
	for i := from; i < len(src); {
		k := bytes.Index(src[i:], []byte("{:/"))
		if k < 0 {
			break
		}
		k += i
		if isStopLine(src, k, name) {
			found = k
			break
		}
		i = k + 3
	}
	searches[name] = extStopSearch{from: from, found: found}
	return found
}

// isStopLine reports whether the "{:/" at src[k] is a stop tag for name
// alone on its line. What may come before it is indentation and the
// markers of block quotes the extension is in.
func isStopLine(src []byte, k int, name string) bool {
	for j := k - 1; j >= 0 && src[j] != '\n'; j-- {
		if c := src[j]; c != ' ' && c != '\t' && c != '>' {
			return false
		}
	}
	lineEnd := len(src)
	if e := bytes.IndexByte(src[k:], '\n'); e >= 0 {
		lineEnd = k + e
	}
	tag, n, ok := parseKramdownTag(src[k:lineEnd])
	return ok && (tag.name == "" || tag.name == name) && util.IsBlank(src[k+n:lineEnd])
}

// maxSpanIAL bounds the length of a span attribute list, so that a
// paragraph of unclosed "{:" costs linear time.
const maxSpanIAL = 512

// kramdownSpan is a span attribute list, removed from the tree once its
// block's inlines are parsed.
type kramdownSpan struct{ ast.BaseInline }

var kindKramdownSpan = ast.NewNodeKind("KramdownSpan")

func (n *kramdownSpan) Kind() ast.NodeKind            { return kindKramdownSpan }
func (n *kramdownSpan) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

var kramdownSpansKey = parser.NewContextKey() // []*kramdownSpan of the block being parsed

// spanIALParser reads span attribute lists: "{:.class}" right after an
// image, a link, emphasis or a code span. After plain text kramdown shows
// it as text, and so does this.
type spanIALParser struct{}

func (spanIALParser) Trigger() []byte { return []byte{'{'} }

func (spanIALParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	if last := parent.LastChild(); last == nil || last.Kind() == ast.KindText {
		return nil
	}
	line, _ := block.PeekLine()
	tag, n, ok := parseKramdownTag(line[:min(len(line), maxSpanIAL)])
	if !ok || tag.kind != tagIAL {
		return nil
	}
	block.Advance(n)
	node := &kramdownSpan{}
	spans, _ := pc.Get(kramdownSpansKey).([]*kramdownSpan)
	pc.Set(kramdownSpansKey, append(spans, node))
	return node
}

// CloseBlock takes the block's span attribute lists out, wherever emphasis
// put them.
func (spanIALParser) CloseBlock(parent ast.Node, block text.Reader, pc parser.Context) {
	spans, _ := pc.Get(kramdownSpansKey).([]*kramdownSpan)
	for _, s := range spans {
		if p := s.Parent(); p != nil {
			p.RemoveChild(p, s)
		}
	}
	if spans != nil {
		pc.Set(kramdownSpansKey, spans[:0])
	}
}

// kramdownTransformer applies the block attribute lists sshblog cares
// about and removes them all: {:toc} after a list turns it into a table of
// contents, {:.no_toc} keeps the heading it marks out of it.
type kramdownTransformer struct{}

func (kramdownTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	blocks, _ := pc.Get(kramdownBlocksKey).([]*kramdownBlock)
	var tocs []*ast.List
	noTOC := map[ast.Node]bool{}
	for _, b := range blocks {
		parent := b.Parent()
		if parent == nil {
			continue
		}
		if b.toc || b.noTOC {
			// As in kramdown: the block right above, else the one below.
			target := b.PreviousSibling()
			if target == nil || b.HasBlankPreviousLines() {
				target = b.NextSibling()
			}
			switch t := target.(type) {
			case *ast.List:
				if b.toc {
					tocs = append(tocs, t)
				}
			case *ast.Heading:
				if b.noTOC {
					noTOC[t] = true
				}
			}
		}
		parent.RemoveChild(parent, b)
	}
	if len(tocs) == 0 {
		return
	}
	placeholder := map[ast.Node]bool{}
	for _, l := range tocs {
		placeholder[l] = true
	}
	entries := tocEntries(doc, reader.Source(), textBufOf(pc), placeholder, noTOC)
	for i, l := range tocs {
		parent := l.Parent()
		// kramdown would repeat the table at each marker; one is all a
		// reader needs, and a table per marker would make the tree
		// quadratic in the size of the post.
		if i > 0 || len(entries) == 0 {
			parent.RemoveChild(parent, l)
			continue
		}
		parent.ReplaceChild(parent, l, buildTOC(entries))
	}
}

// tocEntry is a heading as a table of contents lists it.
type tocEntry struct {
	level int
	title text.Segment // in the textBuf
}

// tocEntries are the document's headings, but those marked no_toc, with
// their plain text.
func tocEntries(doc *ast.Document, src []byte, tb *textBuf, skip, noTOC map[ast.Node]bool) []tocEntry {
	// Headings may hold text the converters made: read it where it is.
	all := append(src[:len(src):len(src)], tb.extra...)
	var entries []tocEntry
	var b bytes.Buffer
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || skip[n] {
			return ast.WalkSkipChildren, nil
		}
		h, ok := n.(*ast.Heading)
		if !ok {
			return ast.WalkContinue, nil
		}
		if noTOC[h] || hasClass(h, "no_toc") {
			return ast.WalkSkipChildren, nil
		}
		b.Reset()
		writePlain(&b, h, all)
		if title := sanitize.Line(string(bytes.TrimSpace(b.Bytes()))); title != "" {
			entries = append(entries, tocEntry{level: h.Level, title: tb.text(title).Segment})
		}
		return ast.WalkSkipChildren, nil
	})
	return entries
}

// hasClass reports whether the heading's attributes ("# Title {.no_toc}")
// give it the class.
func hasClass(n ast.Node, class string) bool {
	v, ok := n.AttributeString("class")
	if !ok {
		return false
	}
	b, _ := v.([]byte)
	for _, f := range bytes.Fields(b) {
		if string(f) == class {
			return true
		}
	}
	return false
}

// buildTOC makes the table of contents: a bullet list of the headings,
// each heading's list holding the deeper headings under it.
func buildTOC(entries []tocEntry) *ast.List {
	newList := func() *ast.List {
		l := ast.NewList('*')
		l.IsTight = true
		return l
	}
	root := newList()
	type open struct {
		level int
		item  *ast.ListItem
	}
	var stack []open // at most six deep: heading levels
	for _, e := range entries {
		for len(stack) > 0 && stack[len(stack)-1].level >= e.level {
			stack = stack[:len(stack)-1]
		}
		list := root
		if len(stack) > 0 {
			item := stack[len(stack)-1].item
			if l, ok := item.LastChild().(*ast.List); ok {
				list = l
			} else {
				list = newList()
				item.AppendChild(item, list)
			}
		}
		item := ast.NewListItem(2)
		tb := ast.NewTextBlock()
		tb.AppendChild(tb, ast.NewTextSegment(e.title))
		item.AppendChild(item, tb)
		list.AppendChild(list, item)
		stack = append(stack, open{e.level, item})
	}
	return root
}

// kramdownTableTransformer reads kramdown's tables
// (https://kramdown.gettalong.org/syntax.html#tables). It takes a
// paragraph whose every line starts with "|", since kramdown's table runs
// from one block boundary to the next and sshblog reads no table whose
// rows do not start with a pipe. That includes GFM tables written that way,
// which it reads as GFM would, but the kramdown way where they differ (a
// pipe in a code span does not end a cell; rows may have any number of
// cells), as Jekyll shows them. What it does not take, GFM's transformer
// still may.
type kramdownTableTransformer struct{}

func (kramdownTableTransformer) Transform(p *ast.Paragraph, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	lines := p.Lines()
	segs := make([]text.Segment, lines.Len())
	for i := range segs {
		seg := trimSegment(lines.At(i), src)
		if seg.IsEmpty() || src[seg.Start] != '|' {
			return
		}
		segs[i] = seg
	}

	var rows [][]text.Segment
	var aligns []extast.Alignment
	head := 0 // rows above the header separator
	headed, footer := false, false
	columns := 0
	for _, seg := range segs {
		line := seg.Value(src)
		switch {
		case isTableSeparator(line, '-'):
			// The first separator under rows ends the header; the
			// others separate groups of rows the terminal does not show.
			if !headed && !footer && len(rows) > 0 {
				headed, head = true, len(rows)
				aligns = separatorAlignments(line)
			}
		case isTableSeparator(line, '='):
			// The footer's rows are shown as the others.
			footer = true
		default:
			cells := tableCells(seg, src)
			columns = max(columns, len(cells))
			rows = append(rows, cells)
		}
	}
	if len(rows) == head || columns == 0 {
		return // kramdown reads no table without a body
	}
	if len(aligns) > columns {
		aligns = aligns[:columns]
	}
	for len(aligns) < columns {
		aligns = append(aligns, extast.AlignNone)
	}

	table := extast.NewTable()
	table.Alignments = aligns
	// A table without a header separator has no header: glamour then
	// draws the rows alone (as it does under an empty TableHeader), as
	// the author wrote them. Making the first row a header would underline
	// it as one.
	for i, cells := range rows {
		row := extast.NewTableRow(aligns)
		for c := range columns {
			cell := extast.NewTableCell()
			cell.Alignment = aligns[c]
			if c < len(cells) && !cells[c].IsEmpty() {
				cell.Lines().Append(cells[c])
			}
			row.AppendChild(row, cell)
		}
		// Rows of a header beyond its first are shown as rows: a table
		// here has one header row.
		if i == 0 && head > 0 {
			table.AppendChild(table, extast.NewTableHeader(row))
		} else {
			table.AppendChild(table, row)
		}
	}
	parent := p.Parent()
	parent.InsertBefore(parent, p, table)
	parent.RemoveChild(parent, p)
}

// isTableSeparator reports whether line is a kramdown separator line: only
// pipes, pluses, colons and spaces besides at least one mark ('-' for a
// header or body separator, '=' for the footer's).
func isTableSeparator(line []byte, mark byte) bool {
	found := false
	for _, c := range line {
		switch c {
		case mark:
			found = true
		case '|', '+', ':', ' ', '\t':
		default:
			return false
		}
	}
	return found
}

// separatorAlignments reads the columns' alignment off a header
// separator: each run of dashes is a column, a colon before it aligns the
// column left, after it right, both center.
func separatorAlignments(line []byte) []extast.Alignment {
	var aligns []extast.Alignment
	used := -1 // a colon that ended the previous run
	for i := 0; i < len(line); {
		if line[i] != '-' {
			i++
			continue
		}
		j := i
		for j < len(line) && line[j] == '-' {
			j++
		}
		left := i > 0 && line[i-1] == ':' && i-1 != used
		right := j < len(line) && line[j] == ':'
		if right {
			used = j
		}
		switch {
		case left && right:
			aligns = append(aligns, extast.AlignCenter)
		case left:
			aligns = append(aligns, extast.AlignLeft)
		case right:
			aligns = append(aligns, extast.AlignRight)
		default:
			aligns = append(aligns, extast.AlignNone)
		}
		i = j
	}
	return aligns
}

// tableCells splits a row into its cells, trimmed, as kramdown does: at
// each pipe not escaped by a backslash and not in a code span; the empty
// cell before the leading pipe and one after a trailing pipe do not count.
func tableCells(seg text.Segment, src []byte) []text.Segment {
	line := seg.Value(src)

	// Backtick runs, and for each the next run of the same length: the
	// code span it opens ends there.
	type run struct{ start, end, next int }
	var runs []run
	for i := 0; i < len(line); i++ {
		if line[i] == '`' {
			j := i
			for j < len(line) && line[j] == '`' {
				j++
			}
			runs = append(runs, run{i, j, -1})
			i = j - 1
		}
	}
	if len(runs) > 1 {
		last := map[int]int{}
		for r := len(runs) - 1; r >= 0; r-- {
			l := runs[r].end - runs[r].start
			if n, ok := last[l]; ok {
				runs[r].next = n
			}
			last[l] = r
		}
	}

	var cells []text.Segment
	cellStart := 0
	escaped := false
	r := 0
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == '`':
			for runs[r].start < i {
				r++
			}
			if !escaped && runs[r].next >= 0 {
				r = runs[r].next
			}
			i = runs[r].end
			r++
			escaped = false
			continue
		case c == '|' && !escaped:
			cells = append(cells, cellSegment(seg, cellStart, i, src))
			cellStart = i + 1
		}
		escaped = c == '\\' && !escaped
		i++
	}
	cells = append(cells, cellSegment(seg, cellStart, len(line), src))
	if len(cells) > 0 && cells[0].IsEmpty() {
		cells = cells[1:]
	}
	if len(cells) > 0 && cells[len(cells)-1].IsEmpty() {
		cells = cells[:len(cells)-1]
	}
	return cells
}

func cellSegment(row text.Segment, from, to int, src []byte) text.Segment {
	return trimSegment(text.NewSegment(row.Start+from, row.Start+to), src)
}

func trimSegment(s text.Segment, src []byte) text.Segment {
	s = s.TrimLeftSpace(src)
	return s.TrimRightSpace(src)
}
