package content

import (
	"bytes"
	"cmp"
	"slices"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// expandLiquid does what Jekyll's Liquid (and Hugo's shortcodes) would do
// to a body before Markdown, as far as a reader can see it:
//
//   - {% highlight go %}…{% endhighlight %} (and Hugo's
//     {{< highlight go >}}) becomes a fenced code block;
//   - {% raw %} and {% endraw %} markers go, keeping what is between them
//     as written;
//   - {% comment %} and {% capture %} blocks go with their content;
//   - every other {% tag %}, {{ output }} and Hugo shortcode goes, and a
//     line left empty by that goes with it.
//
// Code is not touched: where goldmark sees a fenced or indented code block
// or a code span, Liquid is left as written, except that {% raw %} markers
// (and Hugo's {{</* */>}} escapes) go from it as Jekyll and Hugo remove
// them. Liquid itself decides where its tags and blocks end, as it runs
// before Markdown: only a tag that starts in code is left alone.
//
// hugo says the post is certainly Hugo's (TOML front matter): Hugo leaves
// Liquid-like text alone and only runs shortcodes, so only those go.
func expandLiquid(body string, hugo bool) string {
	if !strings.Contains(body, "{{") && (hugo || !strings.Contains(body, "{%")) {
		return body // most bodies: no parse needed
	}
	c := &liquidConv{hugo: hugo, body: body, out: make([]byte, 0, len(body)+64)}
	if mayHoldCode(body) {
		c.regions = codeRegions(body, hugo)
	}
	c.run()
	if !strings.HasSuffix(body, "\n") && len(c.out) > 0 && c.out[len(c.out)-1] == '\n' {
		c.out = c.out[:len(c.out)-1]
	}
	return string(c.out)
}

// Finding code.

// liquidFinders parse a body before Liquid, only to learn where its code
// is: goldmark's blocks, the extensions that make containers and cells as
// the final parse has them, and a block for highlight tags, so that
// goldmark reads what is between them as the code it becomes. Inline, only
// the parsers that can claim a backtick before the code span parser does
// matter (links, autolinks, raw HTML); emphasis cannot, and is left out.
var liquidFinders = [2]goldmark.Markdown{newLiquidFinder(false), newLiquidFinder(true)}

func newLiquidFinder(hugo bool) goldmark.Markdown {
	p := parser.NewParser(
		parser.WithBlockParsers(append(blockParsers(),
			util.Prioritized(highlightParser{hugoOnly: hugo}, 650))...), // before fenced code (700)
		parser.WithInlineParsers( // the default ones but emphasis
			util.Prioritized(parser.NewCodeSpanParser(), 100),
			util.Prioritized(parser.NewLinkParser(), 200),
			util.Prioritized(parser.NewAutoLinkParser(), 300),
			util.Prioritized(parser.NewRawHTMLParser(), 400),
		),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	)
	return goldmark.New(goldmark.WithParser(p),
		goldmark.WithExtensions(extension.Table, extension.DefinitionList, extension.Footnote))
}

// mayHoldCode is false when goldmark would find no code in body, nor a
// highlight block: no backtick, no "~~~", no tab and never four spaces in
// a row. Many posts use Liquid only for links and images; they need no
// parse here.
func mayHoldCode(body string) bool {
	return strings.ContainsAny(body, "`\t") || strings.Contains(body, "    ") ||
		strings.Contains(body, "~~~") || strings.Contains(body, "highlight")
}

// codeRegion is a stretch of the body that goldmark reads as code, or a
// highlight block.
type codeRegion struct {
	start, end int
	line       bool            // a line of a code block, which goes when it held only raw markers
	hl         *highlightBlock // else nil
}

// codeRegions returns the code of body in order: code block lines, code
// span contents and highlight blocks.
func codeRegions(body string, hugo bool) []codeRegion {
	src := []byte(body)
	md := liquidFinders[0]
	if hugo {
		md = liquidFinders[1]
	}
	root := md.Parser().Parse(text.NewReader(src))
	var rs []codeRegion
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := n.Lines()
			for i := range lines.Len() {
				seg := lines.At(i)
				rs = append(rs, codeRegion{start: seg.Start, end: seg.Stop, line: true})
			}
		case *ast.CodeSpan:
			first, ok1 := n.FirstChild().(*ast.Text)
			last, ok2 := n.LastChild().(*ast.Text)
			if ok1 && ok2 {
				rs = append(rs, codeRegion{start: first.Segment.Start, end: last.Segment.Stop})
			}
		case *highlightBlock:
			rs = append(rs, codeRegion{start: n.start, end: n.end, hl: n})
		default:
			return ast.WalkContinue, nil
		}
		return ast.WalkSkipChildren, nil
	})
	// The footnote extension moves definitions to the end of the tree.
	slices.SortFunc(rs, func(a, b codeRegion) int { return cmp.Compare(a.start, b.start) })
	return rs
}

var kindHighlight = ast.NewNodeKind("LiquidHighlight")

// highlightBlock is a {% highlight %} (or Hugo {{< highlight >}}) block:
// from the start of the line of its opening tag to the end of its closing
// tag, or to the end of its last line when the body or its container ends
// first. Offsets are in the body.
type highlightBlock struct {
	ast.BaseBlock
	lang       string
	hugo       bool // opened by a Hugo shortcode, so closed by one
	start      int  // the line of the opening tag
	tagAt      int  // the opening tag
	tagEnd     int
	closeStart int // the closing tag, or -1
	end        int
}

func (b *highlightBlock) Kind() ast.NodeKind { return kindHighlight }
func (b *highlightBlock) IsRaw() bool        { return true }
func (b *highlightBlock) Dump(src []byte, level int) {
	ast.DumpHelper(b, src, level, map[string]string{"Lang": b.lang}, nil)
}

// highlightParser reads highlight blocks. Like the Liquid pass before it,
// it takes an opening tag only at the start of a line (after spaces: in a
// list item, say), not after "> " or "- ".
type highlightParser struct{ hugoOnly bool }

func (highlightParser) Trigger() []byte { return []byte{'{'} }

func (p highlightParser) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	line, seg := reader.PeekLine()
	pos := pc.BlockOffset()
	if pos < 0 {
		return nil, parser.NoChildren
	}
	src := reader.Source()
	at := seg.Start - seg.Padding + pos
	start := at
	for start > 0 && (src[start-1] == ' ' || src[start-1] == '\t') {
		start--
	}
	if start > 0 && src[start-1] != '\n' {
		return nil, parser.NoChildren
	}
	lang, n, hugo, ok := highlightOpen(util.BytesToReadOnlyString(line[pos:]), p.hugoOnly)
	if !ok {
		return nil, parser.NoChildren
	}
	b := &highlightBlock{lang: lang, hugo: hugo, start: start, tagAt: at, tagEnd: at + n, closeStart: -1, end: seg.Stop}
	if s, e, ok := highlightClose(line[pos+n:], hugo); ok {
		b.closeStart, b.end = b.tagEnd+s, b.tagEnd+e
	}
	return b, parser.NoChildren
}

func (highlightParser) Continue(node ast.Node, reader text.Reader, pc parser.Context) parser.State {
	b := node.(*highlightBlock)
	if b.closeStart >= 0 {
		return parser.Close // closed on its opening line
	}
	line, seg := reader.PeekLine()
	if s, e, ok := highlightClose(line, b.hugo); ok {
		base := seg.Start - seg.Padding
		b.closeStart, b.end = base+s, base+e
		reader.Advance(e) // what follows the tag is Markdown again
		return parser.Close
	}
	b.end = seg.Stop
	return parser.Continue | parser.NoChildren
}

func (highlightParser) Close(ast.Node, text.Reader, parser.Context) {}
func (highlightParser) CanInterruptParagraph() bool                 { return true }
func (highlightParser) CanAcceptIndentedLine() bool                 { return false }

// Liquid syntax.

// maxTag bounds how far a Liquid tag or HTML tag may reach; anything longer
// is taken as text. It keeps malformed input from costing quadratic time.
const maxTag = 2000

// liquidTag parses the Liquid tag "{% name args %}" at s[i:]. It returns
// the tag's name, its arguments and the index after it.
func liquidTag(s string, i int) (name, args string, end int, ok bool) {
	win := s[i+2 : min(len(s), i+2+maxTag)]
	j := strings.Index(win, "%}")
	if j < 0 || strings.Contains(win[:j], "\n\n") {
		return "", "", 0, false
	}
	inner := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(win[:j], "-"), "-"))
	name, args, _ = strings.Cut(inner, " ")
	name, _, _ = strings.Cut(name, "\n")
	return name, strings.TrimSpace(args), i + 2 + j + 2, true
}

// liquidOutput finds the end of "{{ ... }}" (or a Hugo shortcode
// "{{< ... >}}") at s[i:].
func liquidOutput(s string, i int) (end int, ok bool) {
	win := s[i+2 : min(len(s), i+2+maxTag)]
	j := strings.Index(win, "}}")
	if j < 0 || strings.Contains(win[:j], "\n\n") {
		return 0, false
	}
	return i + 2 + j + 2, true
}

// shortcodeName returns the name of a Hugo shortcode "{{< name ... >}}" or
// "{{% /name %}}" spanning s, with the slash of a closing one.
func shortcodeName(s string) string {
	if len(s) < 6 || (s[2] != '<' && s[2] != '%') {
		return ""
	}
	inner := strings.TrimSpace(s[3 : len(s)-3])
	closing := strings.HasPrefix(inner, "/")
	inner = strings.TrimSpace(strings.TrimPrefix(inner, "/"))
	name, _, _ := strings.Cut(inner, " ")
	if closing {
		return "/" + name
	}
	return name
}

// unescapeShortcode turns Hugo's escaped shortcode "{{</* x */>}}" into the
// text it shows, "{{< x >}}"; ok is false for anything else.
func unescapeShortcode(s string) (string, bool) {
	for _, d := range [][2]string{{"<", ">"}, {"%", "%"}} {
		if len(s) >= 10 && strings.HasPrefix(s, "{{"+d[0]+"/*") && strings.HasSuffix(s, "*/"+d[1]+"}}") {
			return "{{" + d[0] + s[5:len(s)-5] + d[1] + "}}", true
		}
	}
	return "", false
}

// removeRawMarkers removes {% raw %} and {% endraw %} from code (not in
// Hugo posts), and turns Hugo's escaped shortcodes back into the
// shortcodes they show.
func removeRawMarkers(s string, hugo bool) string {
	if !strings.Contains(s, "{{") && (hugo || !strings.Contains(s, "{%")) {
		return s
	}
	var b []byte
	last, changed := 0, false
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '{' {
			continue
		}
		switch s[i+1] {
		case '%':
			if hugo {
				continue
			}
			name, _, end, ok := liquidTag(s, i)
			if ok && (name == "raw" || name == "endraw") {
				b = append(b, s[last:i]...)
				last, i, changed = end, end-1, true
			}
		case '{':
			end, ok := liquidOutput(s, i)
			if !ok {
				continue
			}
			if text, ok := unescapeShortcode(s[i:end]); ok {
				b = append(b, s[last:i]...)
				b = append(b, text...)
				last, i, changed = end, end-1, true
			}
		}
	}
	if !changed {
		return s
	}
	return string(append(b, s[last:]...))
}

// highlightOpen recognizes a tag opening a highlighted block at the start
// of t: Jekyll's "{% highlight go linenos %}" or Hugo's
// "{{< highlight go "opts" >}}". end is the index after the tag.
func highlightOpen(t string, hugoOnly bool) (lang string, end int, hugo, ok bool) {
	switch {
	case strings.HasPrefix(t, "{%") && !hugoOnly:
		name, args, end, ok := liquidTag(t, 0)
		if !ok || name != "highlight" {
			return "", 0, false, false
		}
		lang, _, _ = strings.Cut(args, " ")
		return cleanLang(lang), end, false, true
	case strings.HasPrefix(t, "{{<") || strings.HasPrefix(t, "{{%"):
		end, ok := liquidOutput(t, 0)
		if !ok || shortcodeName(t[:end]) != "highlight" {
			return "", 0, false, false
		}
		inner := strings.TrimSpace(t[3 : end-3])
		_, args, _ := strings.Cut(inner, " ")
		lang, _, _ = strings.Cut(strings.TrimSpace(args), " ")
		return cleanLang(strings.Trim(lang, `"'`)), end, true, true
	}
	return "", 0, false, false
}

// highlightClose finds the tag closing a highlighted block in line.
func highlightClose(line []byte, hugo bool) (start, end int, ok bool) {
	s := util.BytesToReadOnlyString(line)
	for i := 0; i+1 < len(s); i++ {
		if s[i] != '{' {
			continue
		}
		if !hugo && s[i+1] == '%' {
			if name, _, e, ok := liquidTag(s, i); ok && name == "endhighlight" {
				return i, e, true
			}
		}
		if hugo && s[i+1] == '{' {
			if e, ok := liquidOutput(s, i); ok && shortcodeName(s[i:e]) == "/highlight" {
				return i, e, true
			}
		}
	}
	return 0, 0, false
}

// cleanLang keeps a code block's language name to characters that are safe
// on a fence line.
func cleanLang(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '+', r == '-', r == '#', r == '_', r == '.':
			return r
		}
		return -1
	}, s)
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// The Liquid pass.

// liquidConv is the state of the Liquid pass over body.
type liquidConv struct {
	hugo     bool // a Hugo post: only shortcodes are processed
	body     string
	regions  []codeRegion // not yet reached
	out      []byte
	line     lineTracker // of out
	raw      bool        // inside {% raw %}
	skip     int         // depth inside {% comment %} or {% capture %}: text dropped
	skipName string      // "comment" or "capture"
}

func (c *liquidConv) run() {
	s := c.body
	for i := 0; i < len(s); {
		switch {
		case c.raw:
			k, end := findLiquid(s, i, "endraw")
			if k < 0 {
				c.out = append(c.out, s[i:]...)
				return
			}
			c.out = append(c.out, s[i:k]...)
			c.raw = false
			i = c.dropped(end)
			continue
		case c.skip > 0:
			i = c.skipping(i)
			continue
		}
		// A region that a tag reached into is Liquid's, not code.
		for len(c.regions) > 0 && c.regions[0].start < i {
			c.regions = c.regions[1:]
		}
		limit := len(s)
		if len(c.regions) > 0 {
			limit = c.regions[0].start
		}
		if i == limit {
			r := c.regions[0]
			c.regions = c.regions[1:]
			switch {
			case r.hl != nil:
				i = c.highlight(r.hl)
			case r.line:
				c.codeLine(s[r.start:r.end])
				i = r.end
			default:
				c.out = append(c.out, removeRawMarkers(s[r.start:r.end], c.hugo)...)
				i = r.end
			}
			continue
		}
		j := indexSpecial(s[:limit], i, c.hugo)
		if j < 0 {
			c.out = append(c.out, s[i:limit]...)
			i = limit
			continue
		}
		c.out = append(c.out, s[i:j]...)
		i = c.tag(j)
	}
}

// tag removes the Liquid tag, output or shortcode at s[i] and returns where
// to go on.
func (c *liquidConv) tag(i int) int {
	s := c.body
	if s[i+1] == '%' {
		name, _, end, ok := liquidTag(s, i)
		if !ok {
			c.out = append(c.out, "{%"...)
			return i + 2
		}
		switch name {
		case "raw":
			c.raw = true
		case "comment", "capture":
			c.skip, c.skipName = 1, name
		}
		return c.dropped(end)
	}
	end, ok := liquidOutput(s, i)
	if !ok {
		c.out = append(c.out, "{{"...)
		return i + 2
	}
	if text, ok := unescapeShortcode(s[i:end]); ok {
		c.out = append(c.out, text...)
		return end
	}
	return c.dropped(end)
}

// codeLine copies a line of code (with its newline, if any), without raw
// markers; a line that held only a marker goes, with whatever (indentation,
// "> ") came before it on its line.
func (c *liquidConv) codeLine(line string) {
	if clean := removeRawMarkers(line, c.hugo); clean != line {
		if isBlank(clean) {
			c.out = c.line.truncate(c.out)
			return
		}
		line = clean
	}
	c.out = append(c.out, line...)
}

// highlight writes the highlight block b as a fenced code block and
// returns where to go on.
func (c *liquidConv) highlight(b *highlightBlock) int {
	s := c.body
	codeEnd := b.end
	if b.closeStart >= 0 {
		codeEnd = b.closeStart
	}
	// The rest of the opening tag's line, the lines, and what comes
	// before the closing tag on its line; the first and last only if not
	// blank.
	code := strings.Split(s[b.tagEnd:codeEnd], "\n")
	if isBlank(code[len(code)-1]) {
		code = code[:len(code)-1]
	}
	if len(code) > 0 && isBlank(code[0]) {
		code = code[1:]
	}
	// A fence longer than any backtick run at the start of a code line.
	fence := 3
	for _, l := range code {
		t := strings.TrimLeft(l, " \t")
		fence = max(fence, len(t)-len(strings.TrimLeft(t, "`"))+1)
	}
	indent := s[b.start:b.tagAt]
	ticks := strings.Repeat("`", fence)
	c.out = append(c.out, indent...)
	c.out = append(c.out, ticks...)
	c.out = append(c.out, b.lang...)
	c.out = append(c.out, '\n')
	for _, l := range code {
		c.codeLine(l + "\n")
	}
	c.out = append(c.out, indent...)
	c.out = append(c.out, ticks...)
	c.out = append(c.out, '\n')
	i := b.end
	if b.closeStart >= 0 { // text after the closing tag starts a line of its own
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i < len(s) && s[i] == '\n' {
			i++
		}
	}
	return i
}

// skipping drops text inside a {% comment %} block from body[i:], and
// returns where to go on.
func (c *liquidConv) skipping(i int) int {
	s := c.body
	for {
		k := strings.Index(s[i:], "{%")
		if k < 0 {
			return len(s)
		}
		k += i
		name, _, end, ok := liquidTag(s, k)
		if !ok {
			i = k + 2
			continue
		}
		switch name {
		case c.skipName:
			c.skip++
		case "end" + c.skipName:
			c.skip--
		}
		if c.skip == 0 {
			return c.dropped(end)
		}
		i = end
	}
}

// dropped is called after a tag ending at body[end] was left out: when that
// leaves its line blank, the whole line goes. It returns where to go on.
func (c *liquidConv) dropped(end int) int {
	s := c.body
	if c.line.firstNonBlank(c.out) < len(c.out) {
		return end
	}
	j := end
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	if j < len(s) && s[j] != '\n' {
		return end
	}
	c.out = c.line.truncate(c.out)
	if j < len(s) {
		j++
	}
	return j
}

// lineTracker follows where the last line of a growing buffer starts, so
// that questions about it do not rescan a long line again and again.
type lineTracker struct {
	scanned int // bytes of the buffer already looked at
	start   int // where the last line starts
	blankTo int // the last line holds only spaces and tabs up to here
}

func (l *lineTracker) lineStart(b []byte) int {
	if l.scanned > len(b) {
		*l = lineTracker{}
	}
	if i := bytes.LastIndexByte(b[l.scanned:], '\n'); i >= 0 {
		l.start = l.scanned + i + 1
	}
	l.scanned = len(b)
	return l.start
}

// firstNonBlank returns the index of the first byte of the last line of b
// that is not a space or tab, or len(b).
func (l *lineTracker) firstNonBlank(b []byte) int {
	start := l.lineStart(b)
	if l.blankTo < start || l.blankTo > len(b) {
		l.blankTo = start
	}
	for l.blankTo < len(b) && (b[l.blankTo] == ' ' || b[l.blankTo] == '\t') {
		l.blankTo++
	}
	return l.blankTo
}

// truncate cuts the last line off b.
func (l *lineTracker) truncate(b []byte) []byte {
	n := l.lineStart(b)
	l.scanned, l.start, l.blankTo = n, n, n
	return b[:n]
}

// findLiquid finds the next {% name %} tag in s from i.
func findLiquid(s string, i int, name string) (start, end int) {
	for {
		k := strings.Index(s[i:], "{%")
		if k < 0 {
			return -1, -1
		}
		k += i
		if n, _, e, ok := liquidTag(s, k); ok && n == name {
			return k, e
		}
		i = k + 2
	}
}

// indexSpecial finds the next "{%" or "{{" in s from i; in a Hugo post, the
// next shortcode's "{{<" or "{{%".
func indexSpecial(s string, i int, hugo bool) int {
	for {
		j := strings.IndexByte(s[i:], '{')
		if j < 0 {
			return -1
		}
		j += i
		switch {
		case j+1 >= len(s):
			return -1
		case hugo:
			if s[j+1] == '{' && j+2 < len(s) && (s[j+2] == '<' || s[j+2] == '%') {
				return j
			}
		case s[j+1] == '%' || s[j+1] == '{':
			return j
		}
		i = j + 1
	}
}
