package content

import (
	"bytes"
	"strings"

	"github.com/sshblog/sshblog/internal/sanitize"
)

// transformBody turns what Jekyll and Hugo would process before Markdown
// into plain Markdown, so a renderer only has to render Body:
//
//   - Liquid: {% highlight go %}…{% endhighlight %} (and Hugo's
//     {{< highlight go >}}) becomes a fenced code block; {% raw %} and
//     {% endraw %} markers go, keeping what is between them verbatim;
//     {% comment %} blocks go with their content; every other {% tag %},
//     {{ output }} and Hugo shortcode goes, and a line left empty by that
//     goes with it. Kramdown attribute lists ({: .note}) go too.
//   - Raw HTML blocks become Markdown text: tags stripped, text kept, <br>
//     a line break, links and images kept as Markdown links and images,
//     <pre> a code block, tables Markdown tables, and <script>, <style> and
//     comments dropped with their content. Inline tags in prose are
//     stripped the same way.
//   - Numeric character references to control characters (&#27;) go, so
//     the Markdown renderer cannot turn them back into escape sequences.
//
// Code is never touched: fenced and indented code blocks and `code spans`
// keep their text, except that {% raw %} markers (and Hugo's {{</* */>}}
// escapes) are removed from them as Jekyll and Hugo do.
//
// hugo says the post is certainly Hugo's (TOML front matter): Hugo leaves
// Liquid-like text alone and only runs shortcodes, so only those go.
func transformBody(body string, hugo bool) string {
	if strings.Contains(body, "{{") || !hugo && (strings.Contains(body, "{%") || strings.Contains(body, "{:")) {
		body = convertLiquid(body, hugo)
	}
	if strings.IndexByte(body, '<') >= 0 {
		body = convertHTML(body)
	}
	return sanitize.DropControlRefs(body)
}

// lineKind is what a line of Markdown is, as far as the conversions care.
type lineKind uint8

const (
	lineProse      lineKind = iota
	lineFenceOpen           // ``` or ~~~ opening a fenced code block
	lineCode                // inside a fenced code block
	lineFenceClose          // the closing fence
	lineIndented            // an indented code block
)

// blockScanner classifies the lines of a Markdown document, one at a time,
// into prose and code, following CommonMark closely enough for real posts:
// fenced blocks, and indented blocks that do not continue a paragraph or a
// list item.
type blockScanner struct {
	started   bool
	inFence   bool
	fenceChar byte
	fenceLen  int
	canIndent bool // an indented line here starts or continues a code block
	inList    bool // indented lines here belong to a list item
}

func (sc *blockScanner) classify(line string) lineKind {
	if !sc.started {
		sc.started, sc.canIndent = true, true
	}
	if sc.inFence {
		if isFenceClose(line, sc.fenceChar, sc.fenceLen) {
			sc.inFence, sc.canIndent = false, true
			return lineFenceClose
		}
		return lineCode
	}
	ind, rest := indentOf(line)
	if rest == "" {
		sc.canIndent = true
		return lineProse
	}
	if ind >= 4 && sc.canIndent && !sc.inList {
		return lineIndented
	}
	if ch, n, ok := fenceOpen(rest); ok && (ind <= 3 || sc.inList) {
		sc.inFence, sc.fenceChar, sc.fenceLen = true, ch, n
		return lineFenceOpen
	}
	switch {
	case ind <= 3 && isListItem(rest):
		sc.inList = true
	case ind == 0 && sc.canIndent:
		sc.inList = false // a paragraph after a blank line ends the list
	}
	sc.canIndent = false
	return lineProse
}

// afterBlock tells the scanner that a block other than a paragraph just
// ended (a code block made from Liquid, an HTML block).
func (sc *blockScanner) afterBlock() {
	sc.started, sc.canIndent = true, true
}

// indentOf measures the indentation of line in columns (a tab reaches the
// next multiple of 4) and returns the rest; rest is "" for a blank line.
func indentOf(line string) (int, string) {
	col := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ':
			col++
		case '\t':
			col += 4 - col%4
		default:
			return col, strings.TrimRight(line[i:], " \t")
		}
	}
	return col, ""
}

// fenceOpen reports whether s (a line without its indentation) opens a
// fenced code block.
func fenceOpen(s string) (ch byte, n int, ok bool) {
	if len(s) < 3 || s[0] != '`' && s[0] != '~' {
		return 0, 0, false
	}
	ch = s[0]
	for n < len(s) && s[n] == ch {
		n++
	}
	if n < 3 || ch == '`' && strings.IndexByte(s[n:], '`') >= 0 {
		return 0, 0, false
	}
	return ch, n, true
}

func isFenceClose(line string, ch byte, n int) bool {
	_, rest := indentOf(line)
	if len(rest) < n {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if rest[i] != ch {
			return false
		}
	}
	return true
}

// isListItem reports whether s (without indentation) starts a list item.
func isListItem(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '-', '*', '+':
		return len(s) == 1 || s[1] == ' ' || s[1] == '\t'
	}
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i >= len(s) || s[i] != '.' && s[i] != ')' {
		return false
	}
	return i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t'
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// lineStarts returns the offset of every line of s, plus len(s).
func lineStarts(s string) []int {
	offs := make([]int, 1, strings.Count(s, "\n")+2)
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		if i < len(s) {
			offs = append(offs, i)
		}
	}
	return append(offs, len(s))
}

// lineAt returns line k of s (without its newline) given lineStarts offs.
func lineAt(s string, offs []int, k int) string {
	return strings.TrimSuffix(s[offs[k]:offs[k+1]], "\n")
}

// Liquid.

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

// highlightOpen recognizes a line opening a highlighted block: Jekyll's
// "{% highlight go linenos %}" or Hugo's "{{< highlight go "opts" >}}".
// rest is what follows the tag on the same line.
func highlightOpen(line string, hugoOnly bool) (lang, rest string, hugo, ok bool) {
	_, t := indentOf(line)
	switch {
	case strings.HasPrefix(t, "{%") && !hugoOnly:
		name, args, end, ok := liquidTag(t, 0)
		if !ok || name != "highlight" {
			return "", "", false, false
		}
		lang, _, _ = strings.Cut(args, " ")
		return cleanLang(lang), t[end:], false, true
	case strings.HasPrefix(t, "{{<") || strings.HasPrefix(t, "{{%"):
		end, ok := liquidOutput(t, 0)
		if !ok || shortcodeName(t[:end]) != "highlight" {
			return "", "", false, false
		}
		inner := strings.TrimSpace(t[3 : end-3])
		_, args, _ := strings.Cut(inner, " ")
		lang, _, _ = strings.Cut(strings.TrimSpace(args), " ")
		return cleanLang(strings.Trim(lang, `"'`)), t[end:], true, true
	}
	return "", "", false, false
}

// highlightClose finds the tag closing a highlighted block in line.
func highlightClose(line string, hugo bool) (start, end int, ok bool) {
	for i := 0; i+1 < len(line); i++ {
		if line[i] != '{' {
			continue
		}
		if !hugo && line[i+1] == '%' {
			if name, _, e, ok := liquidTag(line, i); ok && name == "endhighlight" {
				return i, e, true
			}
		}
		if hugo && line[i+1] == '{' {
			if e, ok := liquidOutput(line, i); ok && shortcodeName(line[i:e]) == "/highlight" {
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

// liquidConv is the state of the Liquid pass.
type liquidConv struct {
	hugo     bool // a Hugo post: only shortcodes are processed
	out      []byte
	line     lineTracker // of out
	raw      bool        // inside {% raw %}
	skip     int         // depth inside {% comment %} or {% capture %}: text dropped
	skipName string      // "comment" or "capture"
}

func convertLiquid(body string, hugo bool) string {
	c := &liquidConv{hugo: hugo, out: make([]byte, 0, len(body)+64)}
	offs := lineStarts(body)
	n := len(offs) - 1
	var sc blockScanner
	prose := -1 // first line of the pending prose
	flush := func(k int) {
		if prose >= 0 {
			c.prose(body[offs[prose]:offs[k]])
			prose = -1
		}
	}
	for k := 0; k < n; k++ {
		line := lineAt(body, offs, k)
		kind := sc.classify(line)
		if kind == lineProse {
			if lang, rest, hugo, ok := highlightOpen(line, c.hugo); ok {
				flush(k)
				if c.raw || c.skip > 0 {
					prose = k
					continue
				}
				k = c.highlight(body, offs, k, lang, rest, hugo)
				sc.afterBlock()
				continue
			}
			if prose < 0 {
				prose = k
			}
			continue
		}
		flush(k)
		if c.skip > 0 {
			continue // code inside a {% comment %} is commented out too
		}
		c.codeLine(line)
	}
	flush(n)
	if !strings.HasSuffix(body, "\n") && len(c.out) > 0 && c.out[len(c.out)-1] == '\n' {
		c.out = c.out[:len(c.out)-1]
	}
	return string(c.out)
}

// codeLine copies a line of code, without raw markers; a line that held
// only a marker goes.
func (c *liquidConv) codeLine(line string) {
	if clean := removeRawMarkers(line, c.hugo); clean != line {
		if isBlank(clean) {
			return
		}
		line = clean
	}
	c.out = append(c.out, line...)
	c.out = append(c.out, '\n')
}

// highlight writes the block opened on line k as a fenced code block and
// returns the last line it used.
func (c *liquidConv) highlight(body string, offs []int, k int, lang, rest string, hugo bool) int {
	open := lineAt(body, offs, k)
	indent := open[:len(open)-len(strings.TrimLeft(open, " \t"))]
	var code []string
	var after string
	last := len(offs) - 2
	if s, e, ok := highlightClose(rest, hugo); ok {
		if !isBlank(rest[:s]) {
			code = append(code, rest[:s])
		}
		after, last = rest[e:], k
	} else {
		if !isBlank(rest) {
			code = append(code, rest)
		}
		for j := k + 1; j < len(offs)-1; j++ {
			line := lineAt(body, offs, j)
			if s, e, ok := highlightClose(line, hugo); ok {
				if !isBlank(line[:s]) {
					code = append(code, line[:s])
				}
				after, last = line[e:], j
				break
			}
			code = append(code, line)
		}
	}
	// A fence longer than any backtick run at the start of a code line.
	fence := 3
	for _, l := range code {
		t := strings.TrimLeft(l, " \t")
		n := 0
		for n < len(t) && t[n] == '`' {
			n++
		}
		fence = max(fence, n+1)
	}
	ticks := strings.Repeat("`", fence)
	c.out = append(c.out, indent...)
	c.out = append(c.out, ticks...)
	c.out = append(c.out, lang...)
	c.out = append(c.out, '\n')
	for _, l := range code {
		c.codeLine(l)
	}
	c.out = append(c.out, indent...)
	c.out = append(c.out, ticks...)
	c.out = append(c.out, '\n')
	if !isBlank(after) {
		c.prose(strings.TrimLeft(after, " \t") + "\n")
	}
	return last
}

// prose removes Liquid from a run of prose lines s, which ends with a
// newline. Code spans keep their text.
func (c *liquidConv) prose(s string) {
	i := 0
	for i < len(s) {
		if c.raw {
			k, end := findLiquid(s, i, "endraw")
			if k < 0 {
				c.out = append(c.out, s[i:]...)
				return
			}
			c.out = append(c.out, s[i:k]...)
			c.raw = false
			i = c.dropped(s, end)
			continue
		}
		if c.skip > 0 {
			i = c.skipping(s, i)
			continue
		}
		j := indexSpecial(s, i, c.hugo)
		if j < 0 {
			c.out = append(c.out, s[i:]...)
			return
		}
		c.out = append(c.out, s[i:j]...)
		i = j
		switch {
		case s[i] == '`':
			n := runLen(s, i, '`')
			if end, ok := codeSpanEnd(s, i, n); ok {
				c.out = append(c.out, removeRawMarkers(s[i:end], c.hugo)...)
				i = end
			} else {
				c.out = append(c.out, s[i:i+n]...)
				i += n
			}
		case strings.HasPrefix(s[i:], "{%"):
			name, _, end, ok := liquidTag(s, i)
			if !ok {
				c.out = append(c.out, "{%"...)
				i += 2
				continue
			}
			switch name {
			case "raw":
				c.raw = true
			case "comment", "capture":
				c.skip, c.skipName = 1, name
			}
			i = c.dropped(s, end)
		case strings.HasPrefix(s[i:], "{{"):
			end, ok := liquidOutput(s, i)
			if !ok {
				c.out = append(c.out, "{{"...)
				i += 2
				continue
			}
			if text, ok := unescapeShortcode(s[i:end]); ok {
				c.out = append(c.out, text...)
				i = end
				continue
			}
			i = c.dropped(s, end)
		case strings.HasPrefix(s[i:], "{:"):
			end, toc, ok := kramdownIAL(s, i)
			if !ok {
				c.out = append(c.out, "{:"...)
				i += 2
				continue
			}
			i = c.dropped(s, end)
			if toc {
				c.dropTOCItem()
			}
		default:
			c.out = append(c.out, s[i])
			i++
		}
	}
}

// skipping drops text inside a {% comment %} block from s[i:], and returns
// where to go on.
func (c *liquidConv) skipping(s string, i int) int {
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
			return c.dropped(s, end)
		}
		i = end
	}
}

// dropped is called after a tag ending at s[end] was left out: when that
// leaves its line blank, the whole line goes. It returns where to go on.
func (c *liquidConv) dropped(s string, end int) int {
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

// dropTOCItem removes a kramdown table of contents placeholder ("* TOC"
// before {:toc}) from the end of the output.
func (c *liquidConv) dropTOCItem() {
	if c.line.lineStart(c.out) != len(c.out) {
		return // the {:toc} was not alone on its line
	}
	out := bytes.TrimSuffix(c.out, []byte("\n"))
	ls := bytes.LastIndexByte(out, '\n') + 1
	line := strings.TrimSpace(string(out[ls:]))
	if !isListItem(line) {
		return
	}
	_, item, _ := strings.Cut(line, " ")
	if item = strings.ToLower(strings.TrimSpace(item)); item == "toc" || strings.HasPrefix(item, "this will be replaced") {
		c.out = c.out[:ls]
		c.line = lineTracker{scanned: ls, start: ls, blankTo: ls}
	}
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

// indexSpecial finds the next character from i where the Liquid pass has
// work: a backtick or a "{%", "{{" or "{:"; in a Hugo post, a backtick or
// a shortcode's "{{<" or "{{%".
func indexSpecial(s string, i int, hugo bool) int {
	for {
		j := strings.IndexAny(s[i:], "`{")
		if j < 0 {
			return -1
		}
		j += i
		switch {
		case s[j] == '`':
			return j
		case j+1 >= len(s):
		case hugo:
			if s[j+1] == '{' && j+2 < len(s) && (s[j+2] == '<' || s[j+2] == '%') {
				return j
			}
		case s[j+1] == '%' || s[j+1] == '{' || s[j+1] == ':':
			return j
		}
		i = j + 1
	}
}

func runLen(s string, i int, ch byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == ch {
		n++
	}
	return n
}

// codeSpanEnd finds the end of the code span opened by the run of n
// backticks at s[i], within its paragraph.
func codeSpanEnd(s string, i, n int) (int, bool) {
	j := i + n
	win := s[j:min(len(s), j+4*maxTag)]
	if p := strings.Index(win, "\n\n"); p >= 0 {
		win = win[:p]
	}
	for k := 0; k < len(win); {
		m := strings.IndexByte(win[k:], '`')
		if m < 0 {
			return 0, false
		}
		k += m
		r := runLen(win, k, '`')
		if r == n {
			return j + k + r, true
		}
		k += r
	}
	return 0, false
}

// kramdownIAL recognizes kramdown's attribute lists and extensions at s[i:]
// ("{: .class}", "{:target="_blank"}", "{::toc}", "{:toc}"), which only
// style the page and would show as noise. toc reports a table of contents
// marker.
func kramdownIAL(s string, i int) (end int, toc, ok bool) {
	win := s[i+2 : min(len(s), i+2+200)]
	j := strings.IndexAny(win, "}\n")
	if j < 0 || win[j] != '}' {
		return 0, false, false
	}
	inner := win[:j]
	end = i + 2 + j + 1
	if rest, ext := strings.CutPrefix(inner, ":"); ext {
		name, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
		name = strings.TrimSuffix(name, "/")
		return end, name == "toc", name != ""
	}
	if strings.HasPrefix(inner, "/") { // closing an extension: {:/comment}
		return end, false, true
	}
	if !looksLikeIAL(inner) {
		return 0, false, false
	}
	return end, strings.TrimSpace(inner) == "toc", true
}

// looksLikeIAL reports whether s is a list of .class, #id, key="value" or
// reference names.
func looksLikeIAL(s string) bool {
	tokens := 0
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ' || c == '\t':
			i++
			continue
		case c == '.' || c == '#':
			i++
			start := i
			for i < len(s) && isNameByte(s[i]) {
				i++
			}
			if i == start {
				return false
			}
		case isNameByte(c):
			for i < len(s) && isNameByte(s[i]) {
				i++
			}
			if i < len(s) && s[i] == '=' {
				i++
				if i < len(s) && (s[i] == '"' || s[i] == '\'') {
					q := s[i]
					k := strings.IndexByte(s[i+1:], q)
					if k < 0 {
						return false
					}
					i += k + 2
				} else {
					for i < len(s) && s[i] != ' ' && s[i] != '\t' {
						i++
					}
				}
			}
		default:
			return false
		}
		tokens++
		if i < len(s) && s[i] != ' ' && s[i] != '\t' {
			return false
		}
	}
	return tokens > 0
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == ':'
}
